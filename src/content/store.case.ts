import { readFileSync } from 'node:fs';
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { record } from '../catalogue/store.case.js';
import type { Database } from '../db/schema.js';
import { parseRfcText } from '../importers/rfc-text-parse.js';
import { decodeText } from '../importers/sources.js';
import { FakeClock } from '../kernel/clock.js';
import { sharedData } from '../testing/shared-data.js';
import { walkSections, type ContentDocument } from './model.js';
import type { ContentIndexer, StoredSection } from './ports.js';
import { flattenSections, KyselyContentStore } from './adapters/kysely-store.js';

/**
 * The ContentStore contract (the Kysely store on each SQL dialect): written once, run by content/adapters/
 * kysely-store.test.ts on SQLite and content/store.pg.test.ts on PostgreSQL. `make` gives a fresh migrated database.
 */
export function contentStoreContract(name: string, make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function setup(indexers: ContentIndexer[] = []) {
    const h = await make();
    const db = h.db;
    const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
    const catalogue = new KyselyCatalogueStore(db, clock);
    await catalogue.upsert(record({ id: 'T-CAS-1-2025', number: 'T/CAS 1-2025' }), { actor: 'test' });
    await catalogue.upsert(record({ id: 'T-CAS-2-2025', number: 'T/CAS 2-2025' }), { actor: 'test' });
    const store = new KyselyContentStore(db, clock, indexers);
    cleanups.push(() => h.close());
    const events = async (verbPrefix = 'content.') =>
      (await db.selectFrom('event').selectAll().where('verb', 'like', `${verbPrefix}%`).orderBy('id').execute()).map((e) => ({
        verb: e.verb,
        objectId: e.object_id,
        before: e.before ? JSON.parse(e.before) : null,
        after: e.after ? JSON.parse(e.after) : null,
        raw: `${e.before ?? ''}${e.after ?? ''}`,
      }));
    return { db, clock, catalogue, store, events };
  }

  /** A small document: two top-level clauses, one with a child, a figure, and an annex. */
  function doc(over: Partial<ContentDocument> = {}): ContentDocument {
    return {
      stdId: 'T-CAS-1-2025',
      edition: 'T/CAS 1-2025',
      lang: 'en',
      title: 'Battery swap stations',
      source: { format: 'test', ref: 'dir/t-cas-1.txt', sha256: 'a'.repeat(64), mediaType: 'text/plain; charset=utf-8', parser: 'test@1' },
      front: [{ id: 'foreword', title: ['Foreword'], kind: 'foreword', blocks: [{ t: 'p', c: ['This document was drafted by the secret committee.'] }], children: [] }],
      body: [
        {
          id: '1',
          num: '1',
          title: ['Scope'],
          kind: 'scope',
          blocks: [{ t: 'p', c: ['This document specifies ', { t: 'std', ref: 'GB/T 29772-2024', c: ['GB/T 29772'] }, ' requirements.'] }],
          children: [
            {
              id: '1.1',
              num: '1.1',
              title: ['General'],
              kind: 'clause',
              blocks: [{ t: 'figure', id: 'figure-1', label: 'Figure 1', c: [{ t: 'pre', kind: 'figure', text: '+--+\n|  |\n+--+' }] }],
              children: [],
            },
          ],
        },
        { id: '2', num: '2', title: ['Terms'], kind: 'terms', blocks: [{ t: 'p', c: ['No terms.'] }], children: [] },
      ],
      back: [{ id: 'A', num: 'Annex A', title: ['Examples'], kind: 'annex', obligation: 'informative', blocks: [{ t: 'p', c: ['Example text.'] }], children: [] }],
      ...over,
    };
  }

  const SOURCE = Buffer.from('original source bytes\n');

  describe(`ContentStore contract: ${name}`, () => {
    it('stores a document, its flat sections and its source in one go, and records a summary event', async () => {
      const { db, store, events } = await setup();
      expect(await store.put(doc(), SOURCE, { actor: 'tester' })).toBe('created');
      expect(await store.count()).toBe(1);
      expect(await store.get('T-CAS-1-2025')).toEqual(doc());

      const rows = await db.selectFrom('content_section').select(['anchor', 'parent', 'num', 'title', 'kind', 'depth', 'ord', 'text']).orderBy('ord').execute();
      expect(rows).toEqual([
        { anchor: 'foreword', parent: null, num: null, title: 'Foreword', kind: 'foreword', depth: 0, ord: 0, text: 'This document was drafted by the secret committee.' },
        { anchor: '1', parent: null, num: '1', title: 'Scope', kind: 'scope', depth: 0, ord: 1, text: 'This document specifies GB/T 29772 requirements.' },
        { anchor: '1.1', parent: '1', num: '1.1', title: 'General', kind: 'clause', depth: 1, ord: 2, text: '+--+\n|  |\n+--+' },
        { anchor: '2', parent: null, num: '2', title: 'Terms', kind: 'terms', depth: 0, ord: 3, text: 'No terms.' },
        { anchor: 'A', parent: null, num: 'Annex A', title: 'Examples', kind: 'annex', depth: 0, ord: 4, text: 'Example text.' },
      ]);
      expect(rows).toEqual(flattenSections(doc()));

      const [summary] = await store.list('T-CAS-1-2025');
      expect(summary).toMatchObject({ stdId: 'T-CAS-1-2025', edition: 'T/CAS 1-2025', lang: 'en', title: 'Battery swap stations', format: 'test', sourceRef: 'dir/t-cas-1.txt', sourceHash: 'a'.repeat(64), sections: 5, updatedAt: '2026-11-25T00:00:00.000Z' });

      expect(await store.source('T-CAS-1-2025')).toEqual({ bytes: SOURCE, mediaType: 'text/plain; charset=utf-8', name: 't-cas-1.txt' });

      const ev = await events();
      expect(ev).toHaveLength(1);
      expect(ev[0]).toMatchObject({
        verb: 'content.created',
        objectId: 'T-CAS-1-2025',
        before: null,
        after: { edition: 'T/CAS 1-2025', lang: 'en', title: 'Battery swap stations', sections: 5, sourceHash: 'a'.repeat(64), parser: 'test@1', bytes: SOURCE.length },
      });
      // A summary, never the text itself.
      expect(ev[0].raw).not.toContain('secret committee');
    });

    it('is idempotent: the same source and tree again is unchanged and writes nothing', async () => {
      const { db, store, events } = await setup();
      await store.put(doc(), SOURCE, { actor: 'tester' });
      const before = await db.selectFrom('content_doc').selectAll().executeTakeFirstOrThrow();
      expect(await store.put(doc(), SOURCE, { actor: 'tester' })).toBe('unchanged');
      expect(await db.selectFrom('content_doc').selectAll().executeTakeFirstOrThrow()).toEqual(before);
      expect(await events()).toHaveLength(1);
    });

    it('replaces a changed text in place, keeping its id and anchors, with before and after in the event', async () => {
      const { db, clock, store, events } = await setup();
      await store.put(doc(), SOURCE, { actor: 'tester' });
      const id = (await store.list('T-CAS-1-2025'))[0].docId;
      clock.set('2026-12-01T00:00:00Z');
      const changed = doc({ source: { ...doc().source, sha256: 'b'.repeat(64) } });
      changed.body[1].blocks = [{ t: 'p', c: ['One term now.'] }];
      const newSource = Buffer.from('new source, longer than the old one\n');
      expect(await store.put(changed, newSource, { actor: 'editor' })).toBe('updated');
      const [summary] = await store.list('T-CAS-1-2025');
      expect(summary.docId).toBe(id);
      expect(summary.updatedAt).toBe('2026-12-01T00:00:00.000Z');
      expect((await store.section('T-CAS-1-2025', '2'))?.section.blocks).toEqual([{ t: 'p', c: ['One term now.'] }]);
      expect(await db.selectFrom('content_section').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 5 });
      expect((await store.source('T-CAS-1-2025'))?.bytes).toEqual(newSource);
      const ev = await events();
      expect(ev.map((e) => e.verb)).toEqual(['content.created', 'content.updated']);
      expect(ev[1].before).toMatchObject({ sourceHash: 'a'.repeat(64), bytes: SOURCE.length });
      expect(ev[1].after).toMatchObject({ sourceHash: 'b'.repeat(64), bytes: newSource.length });
    });

    it('finds a section by anchor with its children, and only in the right standard', async () => {
      const { store } = await setup();
      await store.put(doc(), SOURCE, { actor: 'tester' });
      const hit = await store.section('T-CAS-1-2025', '1');
      expect(hit?.doc.stdId).toBe('T-CAS-1-2025');
      expect(hit?.section.children.map((c) => c.id)).toEqual(['1.1']);
      expect(await store.section('T-CAS-1-2025', '9.9')).toBeNull();
      expect(await store.section('T-CAS-2-2025', '1')).toBeNull();
      expect(await store.get('T-CAS-2-2025')).toBeNull();
      expect(await store.source('T-CAS-2-2025')).toBeNull();
    });

    it('keeps one text per language and prefers zh, then en, when no language is asked for', async () => {
      const { store } = await setup();
      await store.put(doc(), SOURCE, { actor: 'tester' });
      expect((await store.get('T-CAS-1-2025'))?.lang).toBe('en');
      await store.put(doc({ lang: 'zh', title: '换电站' }), SOURCE, { actor: 'tester' });
      expect((await store.get('T-CAS-1-2025'))?.lang).toBe('zh');
      expect((await store.get('T-CAS-1-2025', 'en'))?.title).toBe('Battery swap stations');
      expect(await store.get('T-CAS-1-2025', 'fr')).toBeNull();
      expect((await store.list('T-CAS-1-2025')).map((s) => s.lang)).toEqual(['en', 'zh']);
      expect(await store.count()).toBe(2);
    });

    it('refuses a document whose anchors repeat (permalinks must be unique) and writes nothing', async () => {
      const { store, events } = await setup();
      const bad = doc();
      bad.body[1].id = '1';
      await expect(store.put(bad, SOURCE, { actor: 'tester' })).rejects.toThrow(/duplicate section anchor "1"/);
      expect(await store.count()).toBe(0);
      expect(await events()).toHaveLength(0);
    });

    it('runs indexers inside the same transaction: a failing indexer leaves no half document', async () => {
      const seen: { docId: number; anchors: string[] }[] = [];
      const removed: number[] = [];
      const writer: ContentIndexer = {
        async index(tx, docId, _doc, sections: StoredSection[]) {
          seen.push({ docId, anchors: sections.map((s) => s.anchor) });
          await (tx as Transaction<Database>).insertInto('meta').values({ key: `indexed:${docId}`, value: String(sections.length) }).execute();
        },
        async remove(tx, docId) {
          removed.push(docId);
          await (tx as Transaction<Database>).deleteFrom('meta').where('key', '=', `indexed:${docId}`).execute();
        },
      };
      let fail = false;
      const failing: ContentIndexer = {
        async index() {
          if (fail) throw new Error('index is full');
        },
        async remove() {},
      };
      const { db, store, events } = await setup([writer, failing]);
      await store.put(doc(), SOURCE, { actor: 'tester' });
      expect(seen).toEqual([{ docId: 1, anchors: ['foreword', '1', '1.1', '2', 'A'] }]);
      expect(await db.selectFrom('meta').select('value').where('key', '=', 'indexed:1').executeTakeFirst()).toEqual({ value: '5' });

      fail = true;
      await expect(store.put(doc({ lang: 'zh' }), SOURCE, { actor: 'tester' })).rejects.toThrow('index is full');
      expect(await store.count()).toBe(1);
      expect(await db.selectFrom('meta').select('key').where('key', '=', 'indexed:2').executeTakeFirst()).toBeUndefined();
      const orphans = await sql<{ n: number }>`select count(*) as n from content_section where doc_id not in (select id from content_doc)`.execute(db);
      expect(orphans.rows[0].n).toBe(0);
      expect((await events()).map((e) => e.verb)).toEqual(['content.created']);

      // An update removes the old index entries before indexing the new tree.
      fail = false;
      const changed = doc({ source: { ...doc().source, sha256: 'c'.repeat(64) } });
      await store.put(changed, SOURCE, { actor: 'tester' });
      expect(removed).toEqual([1]);
    });

    it('deletes texts with remove() and when their standard is deleted', async () => {
      const { db, catalogue, store, events } = await setup();
      await store.put(doc(), SOURCE, { actor: 'tester' });
      await store.put(doc({ lang: 'zh' }), SOURCE, { actor: 'tester' });
      expect(await store.remove('T-CAS-1-2025', { actor: 'editor' }, { lang: 'zh' })).toBe(1);
      expect((await store.list('T-CAS-1-2025')).map((s) => s.lang)).toEqual(['en']);
      expect((await events()).map((e) => e.verb)).toEqual(['content.created', 'content.created', 'content.deleted']);
      await catalogue.remove('T-CAS-1-2025', { actor: 'editor' });
      expect(await store.count()).toBe(0);
      for (const t of ['content_section', 'content_source'] as const)
        expect(await (db as Kysely<Database>).selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 0 });
    });
  });

  const SAMPLE = sharedData('ietf-rfc/sample-txt/rfc9110.txt');

  describe.skipIf(!SAMPLE)(`ContentStore contract: ${name}, with a real RFC (RFC 9110)`, () => {
    it('round-trips the parsed text and serves clause 9.3.1 by its anchor', async () => {
      const { store, catalogue } = await setup();
      await catalogue.upsert(record({ id: 'RFC-9110', number: 'RFC 9110', body: 'IETF', docType: 'rfc', identifiers: [{ type: 'IETF', value: 'RFC 9110', primary: true }] }), { actor: 'test' });
      const bytes = readFileSync(SAMPLE!);
      const parsed = parseRfcText(decodeText(bytes).text);
      const d: ContentDocument = {
        stdId: 'RFC-9110',
        edition: 'RFC 9110',
        lang: 'en',
        title: 'HTTP Semantics',
        source: { format: 'rfc-text', ref: 'rfc9110.txt', sha256: 'f'.repeat(64), mediaType: 'text/plain; charset=utf-8' },
        front: parsed.front,
        body: parsed.body,
        back: parsed.back,
      };
      expect(await store.put(d, bytes, { actor: 'test' })).toBe('created');
      expect(await store.get('RFC-9110')).toEqual(d);
      const hit = await store.section('RFC-9110', '9.3.1');
      expect(hit?.section.title).toEqual(['GET']);
      expect((await store.list('RFC-9110'))[0].sections).toBe([...walkSections(d)].length);
      expect((await store.source('RFC-9110'))?.bytes.equals(bytes)).toBe(true);
    });
  });
}
