import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { FakeClock } from '../kernel/clock.js';
import type { ClassificationCode } from './ports.js';
import { KyselyClassificationStore } from './adapters/kysely-store.js';

const actor = 'test';

function code(scheme: 'ics' | 'ccs', c: string, parent: string | null, level: number, sort: number, titleEn = `title ${c}`): ClassificationCode {
  return { scheme, code: c, parent, level, titleEn, titleZh: scheme === 'ccs' ? `标题 ${c}` : null, notes: [], sort };
}

/**
 * Inserts a bare standard row with classification rows and its event, bypassing the catalogue store (tested on
 * its own) but keeping its contract: every mutation records an event.
 */
async function standardWith(db: Kysely<Database>, id: string, classes: [string, string][]): Promise<void> {
  const now = '2026-01-01T00:00:00.000Z';
  await db
    .insertInto('standard')
    .values({
      id,
      number: id,
      family: id,
      body: 'TEST',
      doc_type: 'standard',
      nature: null,
      status: 'current',
      status_source: null,
      stage: null,
      edition: null,
      year: null,
      committee: null,
      date_key: null,
      record: '{}',
      content_hash: id,
      source_importer: 'test',
      source_ref: id,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (classes.length)
    await db
      .insertInto('classification')
      .values(classes.map(([scheme, c]) => ({ std_id: id, scheme, code: c })))
      .execute();
  await db
    .insertInto('event')
    .values({ at: now, actor: 'test', verb: 'standard.created', object_type: 'standard', object_id: id, before: null, after: '{}' })
    .execute();
}

/**
 * The ClassificationStore contract (the Kysely store on each SQL dialect): run by classification/adapters/
 * kysely-store.test.ts on SQLite and classification/store.pg.test.ts on PostgreSQL.
 */
export function classificationStoreContract(name: string, make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>): void {
  describe(`ClassificationStore contract: ${name}`, () => {
    let h: { db: Kysely<Database>; close(): Promise<void> };
    let db: Kysely<Database>;
    let store: KyselyClassificationStore;
    const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

    beforeEach(async () => {
      h = await make();
      db = h.db;
      store = new KyselyClassificationStore(db, clock);
    });
    afterEach(async () => {
      await h.close();
    });

    const events = async () =>
      db.selectFrom('event').selectAll().where('object_type', '=', 'classification').orderBy('id').execute();

    it('upserts idempotently and records an event only when a code changes', async () => {
      const c = { ...code('ics', '13.220', '13', 2, 5, 'Protection against fire'), notes: ['Including fire doors'] };
      expect(await store.upsert(c, { actor })).toBe('created');
      expect(await store.upsert({ ...c, notes: [...c.notes] }, { actor })).toBe('unchanged');
      expect(await store.upsert({ ...c, titleEn: 'Fire protection' }, { actor })).toBe('updated');

      const ev = await events();
      expect(ev.map((e) => e.verb)).toEqual(['classification.created', 'classification.updated']);
      expect(ev[1].object_id).toBe('ics:13.220');
      expect(ev[1].actor).toBe(actor);
      expect(JSON.parse(ev[1].before!).titleEn).toBe('Protection against fire');
      expect(JSON.parse(ev[1].after!).titleEn).toBe('Fire protection');
      expect(ev[0].before).toBeNull();

      expect(await store.get('ics', '13.220')).toEqual({ ...c, titleEn: 'Fire protection' });
      expect(await store.get('ics', '99.999')).toBeNull();
      expect(await store.get('ccs', '13.220')).toBeNull();
    });

    it('rejects an empty code', async () => {
      await expect(store.upsert(code('ics', '', null, 1, 0), { actor })).rejects.toThrow(/empty/);
    });

    it('counts distinct standards under ICS nodes by dotted prefix, without matching look-alike prefixes', async () => {
      for (const c of [
        code('ics', '01', null, 1, 0),
        code('ics', '13', null, 1, 1),
        code('ics', '13.220', '13', 2, 2),
        code('ics', '13.220.10', '13.220', 3, 3),
        code('ics', '13.220.20', '13.220', 3, 4),
        code('ics', '13.340', '13', 2, 5),
        code('ics', '130', null, 1, 6),
      ])
        await store.upsert(c, { actor });
      await standardWith(db, 'S1', [['ics', '13.220.10']]);
      await standardWith(db, 'S2', [['ics', '13.220.10'], ['ics', '13.220.20']]); // counted once under 13.220
      await standardWith(db, 'S3', [['ics', '13.220.99']]); // not in the code list: counted by prefix
      await standardWith(db, 'S4', [['ics', '130']]); // '130' must not count under '13'
      await standardWith(db, 'S5', [['ccs', '13']]); // other scheme: never counted
      await standardWith(db, 'S6', [['ics', '13']]);

      const top = await store.children('ics', null);
      expect(top.map((n) => [n.code, n.count, n.hasChildren])).toEqual([
        ['01', 0, false],
        ['13', 4, true],
        ['130', 1, false],
      ]);
      const under13 = await store.children('ics', '13');
      expect(under13.map((n) => [n.code, n.count, n.hasChildren])).toEqual([
        ['13.220', 3, true],
        ['13.340', 0, false],
      ]);
      const under220 = await store.children('ics', '13.220');
      expect(under220.map((n) => [n.code, n.count])).toEqual([
        ['13.220.10', 2],
        ['13.220.20', 1],
      ]);
      expect(under220[0].titleEn).toBe('title 13.220.10');
      expect(await store.children('ics', '13.220.10')).toEqual([]);
      expect(await store.count('ics')).toBe(7);
      expect(await store.count('ccs')).toBe(0);
    });

    it('counts CCS nodes over descendants found through parent (range codes are no prefix)', async () => {
      for (const c of [
        code('ccs', 'A', null, 1, 0),
        code('ccs', 'A00/09', 'A', 2, 1),
        code('ccs', 'A00', 'A00/09', 3, 2),
        code('ccs', 'A01', 'A00/09', 3, 3),
        code('ccs', 'A10/19', 'A', 2, 4),
        code('ccs', 'B', null, 1, 5),
      ])
        await store.upsert(c, { actor });
      await standardWith(db, 'G1', [['ccs', 'A01']]);
      await standardWith(db, 'G2', [['ccs', 'A00'], ['ccs', 'A01']]);
      await standardWith(db, 'G3', [['ccs', 'A00/09']]);

      expect((await store.children('ccs', null)).map((n) => [n.code, n.count, n.hasChildren])).toEqual([
        ['A', 3, true],
        ['B', 0, false],
      ]);
      expect((await store.children('ccs', 'A')).map((n) => [n.code, n.count, n.hasChildren])).toEqual([
        ['A00/09', 3, true],
        ['A10/19', 0, false],
      ]);
      expect((await store.children('ccs', 'A00/09')).map((n) => [n.code, n.count, n.titleZh])).toEqual([
        ['A00', 1, '标题 A00'],
        ['A01', 2, '标题 A01'],
      ]);
    });

    it('keeps counts current as standards are added (cached counts follow the event log)', async () => {
      for (const c of [code('ics', '13', null, 1, 0), code('ics', '13.220', '13', 2, 1), code('ics', '35', null, 1, 2)])
        await store.upsert(c, { actor });
      const counts = async () => (await store.children('ics', null)).map((n) => [n.code, n.count]);
      expect(await counts()).toEqual([
        ['13', 0],
        ['35', 0],
      ]);
      await standardWith(db, 'N1', [['ics', '13.220']]);
      expect(await counts()).toEqual([
        ['13', 1],
        ['35', 0],
      ]);
      await standardWith(db, 'N2', [['ics', '35.040'], ['ics', '13']]);
      expect(await counts()).toEqual([
        ['13', 2],
        ['35', 1],
      ]);
      expect(await counts()).toEqual([
        ['13', 2],
        ['35', 1],
      ]);
    });

    it('walks ancestors from the top level down to the code itself', async () => {
      for (const c of [code('ics', '13', null, 1, 0), code('ics', '13.220', '13', 2, 1), code('ics', '13.220.10', '13.220', 3, 2)])
        await store.upsert(c, { actor });
      expect((await store.ancestors('ics', '13.220.10')).map((c) => c.code)).toEqual(['13', '13.220', '13.220.10']);
      expect((await store.ancestors('ics', '13')).map((c) => c.code)).toEqual(['13']);
      expect(await store.ancestors('ics', '99')).toEqual([]);
    });

    it('terminates on a parent cycle in bad data', async () => {
      await store.upsert(code('ccs', 'X', 'Y', 2, 0), { actor });
      await store.upsert(code('ccs', 'Y', 'X', 2, 1), { actor });
      await store.upsert(code('ccs', 'R', null, 1, 2), { actor });
      await store.upsert(code('ccs', 'Z', 'R', 2, 3), { actor });
      await standardWith(db, 'C1', [['ccs', 'Y']]);
      expect((await store.ancestors('ccs', 'X')).map((c) => c.code)).toEqual(['Y', 'X']);
      const xs = await store.children('ccs', 'Y');
      expect(xs.map((n) => [n.code, n.count])).toEqual([['X', 1]]);
    });
  });
}
