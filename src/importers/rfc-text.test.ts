import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandardRecord } from '../catalogue/model.js';
import { blocksText, walkSections } from '../content/model.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { REPO_ROOT, sharedData } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import { entryToRecord, parseEntry, splitIndex } from './rfc-index.js';
import { runImport } from './runner.js';
import { readSource } from './sources.js';
import './rfc-text.js';
import { crossCheckHeader } from './rfc-text.js';
import { parseRfcText } from './rfc-text-parse.js';

const INDEX = sharedData('ietf-rfc/rfc-index.txt');
const SAMPLES = sharedData('ietf-rfc/sample-txt');
const TAR = sharedData('ietf-rfc/rfcs-all-txt.tar.xz');

/** Catalogue records straight from the real RFC index (the rfc-index importer's own mapping). */
let indexRecords: Map<number, StandardRecord> | null = null;
function recordsFromIndex(): Map<number, StandardRecord> {
  if (indexRecords) return indexRecords;
  indexRecords = new Map();
  for (const raw of splitIndex(readFileSync(INDEX!, 'utf8')).entries) {
    const { entry } = parseEntry(raw);
    if (entry && !entry.notIssued) indexRecords.set(entry.number, entryToRecord(entry, 'rfc-index.txt'));
  }
  return indexRecords;
}

async function servicesWith(numbers: number[], dbPath?: string) {
  const s = await testServices(dbPath ? { STDHUB_DB: dbPath } : {});
  const all = recordsFromIndex();
  const records = numbers.map((n) => all.get(n)).filter((r): r is StandardRecord => !!r);
  await s.catalogue.upsertMany(records, { actor: 'test' });
  return s;
}

function numbersIn(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^rfc(\d+)\.txt$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]));
}

const ids = (ds: Diagnostic[], severity?: string) => ds.filter((d) => !severity || d.severity === severity).map((d) => d.id);

describe.skipIf(!INDEX || !SAMPLES)('rfc-text importer on the sample texts (ietf-rfc/sample-txt)', () => {
  it('imports every sample as one document with stable anchors; a second run changes nothing', async () => {
    const numbers = numbersIn(SAMPLES!);
    const s = await servicesWith(numbers);
    try {
      const first = await runImport(s, 'rfc-text', SAMPLES!);
      expect(first.counts).toMatchObject({ seen: numbers.length, created: numbers.length, failed: 0, skipped: 0 });
      expect(ids(first.diagnostics, 'serious')).toEqual([]);
      expect(await s.content.count()).toBe(numbers.length);

      const doc = await s.content.get('RFC-9110');
      expect(doc).toMatchObject({ stdId: 'RFC-9110', edition: 'RFC 9110', lang: 'en', title: 'HTTP Semantics' });
      expect(doc?.source).toMatchObject({ format: 'rfc-text', ref: 'rfc9110.txt', mediaType: 'text/plain; charset=utf-8', parser: 'rfc-text@1' });
      const get = await s.content.section('RFC-9110', '9.3.1');
      expect(get?.section.title).toEqual(['GET']);
      expect((await s.content.section('RFC-9110', 'A'))?.section.kind).toBe('annex');
      expect((await s.content.source('RFC-793'))?.bytes.equals(readFileSync(join(SAMPLES!, 'rfc793.txt')))).toBe(true);

      const events = async () => Number((await s.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('verb', 'like', 'content.%').executeTakeFirstOrThrow()).n);
      expect(await events()).toBe(numbers.length);
      const second = await runImport(s, 'rfc-text', SAMPLES!);
      expect(second.counts).toMatchObject({ seen: numbers.length, unchanged: numbers.length, created: 0, updated: 0, failed: 0 });
      expect(await events()).toBe(numbers.length);

      // Force a rewrite of RFC 9110 (as a parser upgrade would): same row, same anchors.
      const anchors = async () =>
        (await s.db.selectFrom('content_section').innerJoin('content_doc', 'content_doc.id', 'content_section.doc_id').select(['content_doc.id', 'anchor']).where('std_id', '=', 'RFC-9110').orderBy('ord').execute());
      const before = await anchors();
      await s.db.updateTable('content_doc').set({ tree_hash: 'stale' }).where('std_id', '=', 'RFC-9110').execute();
      const third = await runImport(s, 'rfc-text', join(SAMPLES!, 'rfc9110.txt'));
      expect(third.counts).toMatchObject({ updated: 1 });
      expect(await anchors()).toEqual(before);
      expect(before.map((a) => a.anchor)).toContain('9.3.1');
    } finally {
      await s.close();
    }
  });

  it('imports nothing for a text whose standard is not in the catalogue, and says so', async () => {
    const s = await servicesWith([9110, 9111]);
    try {
      const report = await runImport(s, 'rfc-text', SAMPLES!);
      expect(report.counts.created).toBe(2);
      expect(report.counts.skipped).toBe(numbersIn(SAMPLES!).length - 2);
      const missing = report.diagnostics.filter((d) => d.id === 'rfc_text.not_in_catalogue');
      expect(missing.map((d) => d.severity)).toEqual(missing.map(() => 'serious'));
      expect(missing.find((d) => d.location.record === 'RFC 9112')?.location.file).toBe('rfc9112.txt');
      expect(await s.content.get('RFC-9112')).toBeNull();
      expect(report.counts.failed).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('cross-checks the header against the catalogue and reports differences as minor', async () => {
    const s = await servicesWith([]);
    try {
      const real = recordsFromIndex().get(9110)!;
      // A catalogue entry that disagrees with the printed header: one obsoleted RFC too many, one missing, and
      // another category.
      const altered: StandardRecord = {
        ...real,
        statusSource: 'INFORMATIONAL',
        relations: [...real.relations.filter((r) => !(r.type === 'replaces' && r.target === 'RFC 7230')), { type: 'replaces', target: 'RFC 1945' }],
      };
      await s.catalogue.upsert(altered, { actor: 'test' });
      const report = await runImport(s, 'rfc-text', join(SAMPLES!, 'rfc9110.txt'));
      expect(report.counts.created).toBe(1);
      const obs = report.diagnostics.find((d) => d.id === 'rfc_text.obsoletes_mismatch');
      expect(obs).toMatchObject({ severity: 'minor', location: { file: 'rfc9110.txt', record: 'RFC-9110' } });
      expect(obs?.message).toContain('only in the header: 7230');
      expect(obs?.message).toContain('only in the catalogue: 1945');
      expect(report.diagnostics.find((d) => d.id === 'rfc_text.category_mismatch')).toMatchObject({ severity: 'minor' });
      // The real index agrees with the real header.
      const header = parseRfcText(readFileSync(join(SAMPLES!, 'rfc9110.txt'), 'utf8')).header;
      expect(crossCheckHeader(header, real, 9110)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

/**
 * Files taken from the full archive once (one streaming pass): the quirks the samples lack, and a slice of 300
 * consecutive RFCs for the crash test.
 */
const QUIRKS = ['rfc1.txt', 'rfc100.txt', 'rfc2557.txt', 'rfc8187.txt', 'rfc1441.txt'];
const SLICE = (n: number) => n >= 2001 && n <= 2300;
let work = '';

describe.skipIf(!INDEX || !TAR)('rfc-text importer on the full archive (ietf-rfc/rfcs-all-txt.tar.xz)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'stdhub-rfc-text-'));
    mkdirSync(join(work, 'quirks'));
    mkdirSync(join(work, 'slice'));
    const wanted = (name: string) => {
      const m = /^rfcs\/(rfc(\d+)\.txt)$/.exec(name);
      return !!m && (QUIRKS.includes(m[1]) || SLICE(Number(m[2])));
    };
    for await (const f of readSource(TAR!, wanted)) {
      const base = f.name.slice('rfcs/'.length);
      if (QUIRKS.includes(base)) writeFileSync(join(work, 'quirks', base), f.data);
      if (SLICE(Number(/\d+/.exec(base)![0]))) writeFileSync(join(work, 'slice', base), f.data);
    }
    // Archives carry index files beside the texts; the importer must pass over them.
    copyFileSync(INDEX!, join(work, 'quirks', 'rfc-index.txt'));
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('handles a Latin-1 file, a BOM with form feeds, and the oldest layouts', async () => {
    const s = await servicesWith([1, 100, 2557, 8187, 1441]);
    try {
      const report = await runImport(s, 'rfc-text', join(work, 'quirks'));
      expect(report.counts).toMatchObject({ seen: 5, created: 5, failed: 0 });
      expect(report.diagnostics.find((d) => d.id === 'rfc_text.ignored_files')?.message).toContain('rfc-index.txt');

      // RFC 2557 is not valid UTF-8: read as Latin-1, reported, and its É survives.
      expect(report.diagnostics.find((d) => d.id === 'rfc_text.latin1')).toMatchObject({ severity: 'info', location: { file: 'rfc2557.txt', record: 'RFC-2557' } });
      const mhtml = await s.content.get('RFC-2557');
      expect(mhtml?.source.mediaType).toBe('text/plain; charset=iso-8859-1');
      const allText = (d: typeof mhtml) => [...walkSections(d!)].map(({ section }) => blocksText(section.blocks)).join('\n');
      expect(allText(mhtml)).toContain('becomes É');
      expect(readFileSync(join(work, 'quirks', 'rfc2557.txt')).includes(0xc9)).toBe(true);

      // RFC 8187 starts with a BOM and has form feeds: no BOM in the text, no page furniture left.
      const bytes = readFileSync(join(work, 'quirks', 'rfc8187.txt'));
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.includes(0x0c)).toBe(true);
      const rfc8187 = await s.content.get('RFC-8187');
      const text8187 = allText(rfc8187);
      expect(text8187).not.toContain('\ufeff');
      expect(text8187).not.toMatch(/\[Page \d+\]/);
      expect((await s.content.section('RFC-8187', '3.2'))?.section.title).toEqual(['Parameter Value Character Encoding and Language Information']);

      // RFC 1 (1969): Roman-numbered chapters with unnumbered sub-headings.
      const rfc1 = await s.content.get('RFC-1');
      expect(rfc1?.body.filter((x) => /^[IVX]+$/.test(x.id)).map((x) => x.id)).toEqual(['I', 'II', 'III', 'IV']);
      expect((await s.content.section('RFC-1', 'I'))?.section.children.map((c) => c.title.join(''))).toContain('Messages');
      // RFC 100 (1971): letter-numbered body A., B., … with A.1 children.
      expect((await s.content.section('RFC-100', 'A.1'))?.section.title).toEqual(['Distribution list']);
      // RFC 1441 is shifted right as a whole and lost its form feeds: still numbered sections, no page headers.
      const rfc1441 = await s.content.get('RFC-1441');
      expect(rfc1441?.body.map((x) => x.id).slice(0, 3)).toEqual(['1', '2', '3']);
      expect(allText(rfc1441)).not.toMatch(/^RFC 1441 {5,}/m);
    } finally {
      await s.close();
    }
  });

  it('survives SIGKILL in the middle of an import: whole documents only, integrity ok, a re-run completes', async () => {
    const dir = join(work, 'slice');
    const numbers = numbersIn(dir);
    expect(numbers.length).toBeGreaterThanOrEqual(280);
    const dbPath = join(work, 'crash.sqlite');
    const seed = await servicesWith(numbers, dbPath);
    await seed.close();
    rmSync(seed.dir, { recursive: true, force: true });

    // The child runs the real composition root on the TypeScript sources through a tiny transpiling loader.
    const ts = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('typescript')).href;
    writeFileSync(
      join(work, 'hooks.mjs'),
      `import { readFile, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from ${JSON.stringify(ts)};
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL && context.parentURL.endsWith('.ts') && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    try { await access(fileURLToPath(url)); return { url: url.href, shortCircuit: true }; } catch {}
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const out = ts.transpileModule(await readFile(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`,
    );
    const src = (p: string) => JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', p)).href);
    writeFileSync(
      join(work, 'child.mjs'),
      `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(join(work, 'hooks.mjs')).href)});
const { openServices } = await import(${src('app/container.ts')});
const { loadConfig } = await import(${src('kernel/config.ts')});
const { runImport } = await import(${src('importers/runner.ts')});
const s = await openServices(loadConfig({}, { STDHUB_DB: process.argv[2], SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }));
process.stdout.write('ready\\n');
await runImport(s, 'rfc-text', process.argv[3]);
await s.close();
process.stdout.write('finished\\n');
`,
    );
    const child = spawn(process.execPath, [join(work, 'child.mjs'), dbPath, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    let done: { code: number | null; signal: string | null } | null = null;
    void exited.then((x) => (done = x));

    // Poll the document count from a separate read-only connection; kill once some documents are in.
    const KILL_AFTER = 40;
    const deadline = Date.now() + 180_000;
    let atKill = 0;
    while (!done && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      let n = 0;
      try {
        const ro = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
        n = (ro.prepare('select count(*) as n from content_doc').get() as { n: number }).n;
        ro.close();
      } catch {
        continue; // the child may hold a write lock for a moment
      }
      if (n >= KILL_AFTER) {
        atKill = n;
        child.kill('SIGKILL');
        break;
      }
    }
    const result = await exited;
    expect(result.signal, `child output: ${out}`).toBe('SIGKILL');
    expect(out).not.toContain('finished');
    expect(atKill).toBeGreaterThanOrEqual(KILL_AFTER);

    // After the crash: the file is sound and every stored document is whole.
    const db = new BetterSqlite3(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const docs = db.prepare('select count(*) as n from content_doc').get() as { n: number };
    expect(docs.n).toBeGreaterThanOrEqual(atKill);
    expect(docs.n).toBeLessThan(numbers.length);
    const half = db
      .prepare(
        `select d.std_id from content_doc d
         where d.sections <> (select count(*) from content_section s where s.doc_id = d.id)
            or not exists (select 1 from content_source x where x.doc_id = d.id)`,
      )
      .all();
    expect(half).toEqual([]);
    const orphans = db.prepare('select count(*) as n from content_section where doc_id not in (select id from content_doc)').get() as { n: number };
    expect(orphans.n).toBe(0);
    const created = db.prepare("select count(*) as n from event where verb = 'content.created'").get() as { n: number };
    expect(created.n).toBe(docs.n);
    db.close();

    // A re-run completes the import: what was stored is unchanged, the rest is created.
    const again = await testServices({ STDHUB_DB: dbPath });
    try {
      const report = await runImport(again, 'rfc-text', dir);
      expect(report.counts).toMatchObject({ seen: numbers.length, failed: 0, unchanged: docs.n, created: numbers.length - docs.n });
      expect(await again.content.count()).toBe(numbers.length);
    } finally {
      await again.close();
      rmSync(again.dir, { recursive: true, force: true });
    }
    const after = new BetterSqlite3(dbPath, { readonly: true });
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();
  }, 300_000);
});
