import { once } from 'node:events';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { KyselyClassificationStore } from '../classification/adapters/kysely-store.js';
import type { ContentDocument, Section } from '../content/model.js';
import type { ContentStore, ContentSummary } from '../content/ports.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { FakeClock } from '../kernel/clock.js';
import { sharedData } from '../testing/shared-data.js';
import { runImport } from './runner.js';
import './sts.js';

const FULL = sharedData('sts/full/ISO_13849-1_2008-12_en_TBX.xml');
const SAMPLES = sharedData('sts/iso-sts-samples');

/**
 * A ContentStore test double with the port's contract (put is idempotent per standard and language; a source with
 * the same hash is 'unchanged'). The Kysely content adapter is written in parallel; swap in Services.content when
 * it lands.
 */
class MemoryContentStore implements ContentStore {
  readonly docs = new Map<string, { doc: ContentDocument; source: Buffer }>();
  puts = 0;
  failWith: Error | null = null;
  async put(doc: ContentDocument, source: Buffer): Promise<'created' | 'updated' | 'unchanged'> {
    if (this.failWith) throw this.failWith;
    this.puts++;
    const key = `${doc.stdId}|${doc.lang}`;
    const prev = this.docs.get(key);
    if (prev && prev.doc.source.sha256 === doc.source.sha256 && JSON.stringify(prev.doc) === JSON.stringify(doc)) return 'unchanged';
    this.docs.set(key, { doc, source });
    return prev ? 'updated' : 'created';
  }
  async list(stdId: string): Promise<ContentSummary[]> {
    return [...this.docs.values()]
      .filter((d) => d.doc.stdId === stdId)
      .map(({ doc }, i) => ({
        docId: i + 1,
        stdId,
        edition: doc.edition,
        lang: doc.lang,
        title: doc.title,
        format: doc.source.format,
        sourceRef: doc.source.ref,
        sourceHash: doc.source.sha256,
        sections: 0,
        updatedAt: '',
      }));
  }
  async get(stdId: string, lang?: string): Promise<ContentDocument | null> {
    return [...this.docs.values()].find((d) => d.doc.stdId === stdId && (!lang || d.doc.lang === lang))?.doc ?? null;
  }
  async section(): Promise<{ doc: ContentSummary; section: Section } | null> {
    return null;
  }
  async source(stdId: string): Promise<{ bytes: Buffer; mediaType: string; name: string } | null> {
    const d = [...this.docs.values()].find((x) => x.doc.stdId === stdId);
    return d ? { bytes: d.source, mediaType: d.doc.source.mediaType, name: d.doc.source.ref } : null;
  }
  async count(): Promise<number> {
    return this.docs.size;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-sts-'));
  const sqlite = openSqlite(join(dir, 'test.sqlite'));
  const db = kyselyOf(sqlite);
  await migrate(db);
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
  const catalogue = new KyselyCatalogueStore(db, clock);
  const classifications = new KyselyClassificationStore(db, clock);
  const content = new MemoryContentStore();
  cleanups.push(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (source: string) => runImport({ db, clock, catalogue, classifications, content }, 'sts', source);
  /** Rows the import wrote besides its own run record: standards and their events. */
  const written = async () => ({
    standards: Number((await db.selectFrom('standard').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    events: Number(
      (await db.selectFrom('event').where('verb', 'like', 'standard.%').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
    ),
    texts: content.puts,
  });
  return { dir, db, catalogue, content, run, written };
}

describe.skipIf(!FULL)('sts importer: ISO 13849-1', () => {
  it('writes the record and its text, and a second run changes nothing', async () => {
    const s = await setup();
    const first = await s.run(FULL!);
    expect(first.counts).toMatchObject({ seen: 1, created: 1, failed: 0 });
    const rec = await s.catalogue.get('ISO-13849-1-2006');
    expect(rec?.titles.filter((t) => t.type === 'main').map((t) => t.lang).sort()).toEqual(['de', 'en', 'fr']);
    expect(await s.catalogue.resolve('ISO 13849-1:2006')).toMatchObject({ id: 'ISO-13849-1-2006' });
    const doc = await s.content.get('ISO-13849-1-2006');
    expect(doc?.body.map((x) => x.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect((await s.content.source('ISO-13849-1-2006'))?.bytes.equals(readFileSync(FULL!))).toBe(true);
    const before = await s.written();
    const second = await s.run(FULL!);
    expect(second.counts).toMatchObject({ seen: 1, unchanged: 1, created: 0, updated: 0, failed: 0 });
    expect((await s.written()).events).toBe(before.events);
  });

  it('reports a text that fails to store after its record was written', async () => {
    const s = await setup();
    s.content.failWith = new Error('disk full');
    const report = await s.run(FULL!);
    expect(report.counts).toMatchObject({ seen: 1, failed: 1 });
    const d = report.diagnostics.find((x) => x.id === 'sts.content_write_failed');
    expect(d?.message).toBe('ISO 13849-1:2006: the catalogue record was written (created) but its text was not: disk full');
    expect(d?.location).toEqual({ file: 'ISO_13849-1_2008-12_en_TBX.xml', record: 'ISO-13849-1-2006' });
    // A re-run once the store works completes it.
    s.content.failWith = null;
    const again = await s.run(FULL!);
    expect(again.counts).toMatchObject({ seen: 1, updated: 1, failed: 0 });
    expect(await s.content.count()).toBe(1);
  });
});

describe.skipIf(!SAMPLES)('sts importer: the ISO STS samples folder', () => {
  it('imports what has an identifier and skips the rest with a diagnostic per file', async () => {
    const s = await setup();
    const report = await s.run(SAMPLES!);
    expect(report.counts.failed).toBe(0);
    // Samp1 (ISO 2560:2009); nat-meta.xml and reg-meta.xml both describe ISO 123456:2009 (the second updates it).
    expect(report.counts).toMatchObject({ created: 2, updated: 1, skipped: 8 });
    const skippedFiles = new Set(report.diagnostics.filter((d) => d.id === 'sts.no_identifier').map((d) => d.location.file));
    expect(skippedFiles.size).toBe(8);
    expect(await s.catalogue.get('ISO-2560-2009')).toMatchObject({ committee: 'ISO/TC 44/SC 3' });
    expect(await s.content.count()).toBe(0); // the samples with metadata have dummy bodies
  });
});

describe('sts importer: hostile and broken XML writes nothing', () => {
  async function hostileFolder(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-sts-hostile-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const meta = '<front><iso-meta><std-ref type="dated">ISO 9999:2020</std-ref></iso-meta></front>';
    const lol = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)];
    writeFileSync(join(dir, 'billion-laughs.xml'), `<?xml version="1.0"?>\n<!DOCTYPE standard [\n${lol.join('\n')}\n]>\n<standard>${meta}<body><p>&lol9;</p></body></standard>`);
    writeFileSync(
      join(dir, 'xxe.xml'),
      `<?xml version="1.0"?>\n<!DOCTYPE standard [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<standard>${meta}\n<body><sec><title>&xxe;</title></sec></body></standard>`,
    );
    writeFileSync(join(dir, 'deep.xml'), `<standard>${meta}<body>\n${'<sec>'.repeat(10_000)}${'</sec>'.repeat(10_000)}</body></standard>`);
    writeFileSync(join(dir, 'truncated.xml'), `<?xml version="1.0"?>\n<standard>${meta}\n<body>\n<sec><label>1</label><title>Scope</title><p>This document spec`);
    // 200 MB text node, written in 1 MB pieces: neither this test nor the importer ever holds it whole.
    const out = createWriteStream(join(dir, 'huge-text.xml'));
    out.write(`<?xml version="1.0"?>\n<standard>${meta}<body><p>`);
    const mb = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 200; i++) if (!out.write(mb)) await once(out, 'drain');
    out.end('</p></body></standard>');
    await once(out, 'close');
    return dir;
  }

  it('fails each file with a clear error and line:col, and writes no record and no text', async () => {
    const s = await setup();
    const dir = await hostileFolder();
    const report = await s.run(dir);
    expect(report.counts).toMatchObject({ seen: 5, failed: 5, created: 0, updated: 0, unchanged: 0 });
    const byFile = new Map(report.diagnostics.filter((d) => d.severity === 'serious').map((d) => [d.location.file, d]));
    expect(byFile.get('billion-laughs.xml')).toMatchObject({ id: 'xml.entity_expansion', category: 'xml' });
    expect(byFile.get('xxe.xml')).toMatchObject({ id: 'xml.external_entity', location: { line: 6 } });
    expect(byFile.get('xxe.xml')!.message).toContain('file:///etc/passwd');
    expect(byFile.get('deep.xml')).toMatchObject({ id: 'xml.too_deep', location: { line: 2 } });
    expect(byFile.get('huge-text.xml')).toMatchObject({ id: 'xml.text_too_large', location: { line: 2 } });
    expect(byFile.get('truncated.xml')).toMatchObject({ id: 'xml.malformed', location: { line: 4 } });
    expect(byFile.get('truncated.xml')!.message).toBe('unclosed tag: p');
    for (const d of byFile.values()) {
      expect(d.location.line).toBeGreaterThan(0);
      expect(d.location.col).toBeGreaterThan(0);
    }
    // The passwd file never made it anywhere.
    expect(JSON.stringify(report)).not.toMatch(/root:.*:0:0:/);
    expect(await s.written()).toEqual({ standards: 0, events: 0, texts: 0 });
  });

});

describe.skipIf(!FULL)('sts importer: a broken file beside a good one', () => {
  it('writes nothing from the broken file and imports the good one', async () => {
    const s = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-sts-mixed-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'a'));
    copyFileSync(FULL!, join(dir, 'a', 'good.xml'));
    const full = readFileSync(FULL!);
    writeFileSync(join(dir, 'b-cut.xml'), full.subarray(0, Math.floor(full.length / 2)));
    const report = await s.run(dir);
    expect(report.counts).toMatchObject({ seen: 2, created: 1, failed: 1 });
    expect(report.diagnostics.find((d) => d.location.file === 'b-cut.xml')).toMatchObject({ id: 'xml.malformed', severity: 'serious' });
    expect(await s.written()).toEqual({ standards: 1, events: 1, texts: 1 });
  });
});
