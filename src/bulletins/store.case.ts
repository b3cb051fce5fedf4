import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { AppError } from '../kernel/errors.js';
import { KyselyBulletinStore } from './adapters/kysely-store.js';
import type { Bulletin, BulletinItem } from './model.js';

const NOW = '2026-11-25T00:00:00.000Z';

function bulletin(over: Partial<Bulletin> = {}): Bulletin {
  return {
    id: over.id ?? 'b1',
    publisher: 'SAC',
    number: 14,
    year: 2025,
    date: '2025-10-05',
    issuingBodies: [{ zh: '国家市场监督管理总局' }, { zh: '国家标准化管理委员会' }],
    title: { zh: '国家标准公告', en: null },
    state: 'draft',
    publishedAt: null,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    createdBy: 'user:1',
    ...over,
  };
}

function item(stdId: string, over: Partial<BulletinItem> = {}): Omit<BulletinItem, 'seq'> {
  return {
    kind: 'new',
    std: { id: stdId, number: stdId },
    replaces: [],
    releaseDate: '2025-10-05',
    implementationDate: '2026-05-01',
    abolitionDate: null,
    note: null,
    ...over,
  };
}

async function insertStandard(db: Kysely<Database>, id: string, number: string): Promise<void> {
  const record = { id, identifiers: [{ type: 'GB', value: number, primary: true }], body: 'SAC', docType: 'standard', titles: [], dates: [], status: 'current', classifications: [], contributors: [], abstracts: [], relations: [], links: [], keywords: [], source: { importer: 'test', ref: id } };
  await db
    .insertInto('standard')
    .values({ id, number, family: number.replace(/-\d{4}$/, ''), body: 'SAC', doc_type: 'standard', nature: null, status: 'current', status_source: null, stage: null, edition: null, year: null, committee: null, date_key: null, record: JSON.stringify(record), content_hash: 'x', source_importer: 'test', source_ref: id, created_at: NOW, updated_at: NOW })
    .execute();
}

async function events(db: Kysely<Database>, verb: string): Promise<number> {
  const r = await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('verb', '=', verb).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The BulletinStore contract, run by every adapter (SQLite now; the PostgreSQL runner calls it with its own
 * database). `make` returns a fresh, migrated, empty database.
 */
export function bulletinStoreContract(name: string, make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>) {
  describe(`BulletinStore contract: ${name}`, () => {
    const withStore = async (fn: (s: KyselyBulletinStore, db: Kysely<Database>) => Promise<void>) => {
      const h = await make();
      try {
        await fn(new KyselyBulletinStore(h.db), h.db);
      } finally {
        await h.close();
      }
    };

    it('creates a draft with an event and refuses a second bulletin with the same publisher, year and number (409)', () =>
      withStore(async (s, db) => {
        await s.create(bulletin(), 'user:1');
        expect((await s.get('b1'))?.issuingBodies[0].zh).toBe('国家市场监督管理总局');
        expect(await events(db, 'bulletin.created')).toBe(1);
        const err = await s.create(bulletin({ id: 'b2' }), 'user:1').catch((e) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('conflict');
        // Another publisher or another year may use the same number.
        await s.create(bulletin({ id: 'b3', publisher: 'ISO' }), 'user:1');
        await s.create(bulletin({ id: 'b4', year: 2026 }), 'user:1');
        expect(await events(db, 'bulletin.created')).toBe(3);
      }));

    it('adds items in order, refuses the same standard twice, checks versions and lists drafts apart from published', () =>
      withStore(async (s) => {
        await s.create(bulletin(), 'user:1');
        const added = await s.addItems('b1', [item('A'), item('B')], 'user:1', NOW);
        expect(added.map((a) => a.seq)).toEqual([1, 2]);
        const more = await s.addItems('b1', [item('C', { kind: 'abolition', releaseDate: null, implementationDate: null, abolitionDate: '2026-01-01' })], 'user:1', NOW);
        expect(more[0].seq).toBe(3);
        expect(((await s.addItems('b1', [item('A')], 'user:1', NOW).catch((e) => e)) as AppError).code).toBe('conflict');
        const b = (await s.get('b1'))!;
        expect(b.items.map((i) => i.std.id)).toEqual(['A', 'B', 'C']);
        expect(b.version).toBe(3);
        expect(((await s.updateHeader('b1', 1, { publisher: 'SAC', number: 15, year: 2025, date: '2025-10-06', issuingBodies: [] }, 'u', NOW).catch((e) => e)) as AppError).code).toBe('conflict');
        const h = await s.updateHeader('b1', 3, { publisher: 'SAC', number: 15, year: 2025, date: '2025-10-06', issuingBodies: [] }, 'u', NOW);
        expect(h.number).toBe(15);
        expect(await s.removeItem('b1', 2, 'u', NOW)).toBe(true);
        expect((await s.get('b1'))!.items.map((i) => i.seq)).toEqual([1, 3]);
        expect((await s.list({ state: 'published', publishers: 'all', limit: 10, offset: 0 })).total).toBe(0);
        expect((await s.list({ state: 'draft', publishers: ['SAC'], limit: 10, offset: 0 })).total).toBe(1);
        expect((await s.list({ state: 'draft', publishers: ['ISO'], limit: 10, offset: 0 })).total).toBe(0);
        expect((await s.list({ state: 'draft', publishers: [], limit: 10, offset: 0 })).total).toBe(0);
      }));

    it('publishes in one transaction: relations once, events, state; a failing step rolls everything back', () =>
      withStore(async (s, db) => {
        await insertStandard(db, 'GB-1-2025', 'GB 1-2025');
        await insertStandard(db, 'GB-1-2010', 'GB 1-2010');
        await s.create(bulletin(), 'user:1');
        await s.addItems('b1', [item('GB-1-2025', { kind: 'revision', replaces: [{ id: 'GB-1-2010', number: 'GB 1-2010' }] })], 'u', NOW);
        const steps = [
          {
            seq: 1,
            relations: [
              { stdId: 'GB-1-2025', type: 'replaces' as const, target: 'GB 1-2010' },
              { stdId: 'GB-1-2010', type: 'replacedBy' as const, target: 'GB 1-2025' },
            ],
            events: [{ verb: 'standard.announced', stdId: 'GB-1-2025', after: { bulletin: 'b1' } }],
          },
        ];
        const failing = await s
          .publish('b1', 2, steps, { actor: 'u', now: NOW, onStep: async () => { throw new Error('boom'); } })
          .catch((e) => e);
        expect((failing as Error).message).toBe('boom');
        expect((await s.get('b1'))!.state).toBe('draft');
        expect(await db.selectFrom('relation').selectAll().execute()).toHaveLength(0);
        expect(await events(db, 'standard.announced')).toBe(0);

        const published = await s.publish('b1', 2, steps, { actor: 'u', now: NOW, onStep: async () => undefined });
        expect(published.state).toBe('published');
        expect(published.publishedAt).toBe(NOW);
        const rels = await db.selectFrom('relation').select(['std_id', 'type', 'target']).orderBy('std_id').execute();
        expect(rels).toEqual([
          { std_id: 'GB-1-2010', type: 'replacedBy', target: 'GB 1-2025' },
          { std_id: 'GB-1-2025', type: 'replaces', target: 'GB 1-2010' },
        ]);
        const rec = JSON.parse((await db.selectFrom('standard').select('record').where('id', '=', 'GB-1-2025').executeTakeFirstOrThrow()).record);
        expect(rec.relations).toEqual([{ type: 'replaces', target: 'GB 1-2010' }]);
        expect(await events(db, 'bulletin.published')).toBe(1);
        expect(await events(db, 'standard.updated')).toBe(2);
        // Published bulletins are permanent.
        expect(((await s.publish('b1', 3, steps, { actor: 'u', now: NOW, onStep: async () => undefined }).catch((e) => e)) as AppError).code).toBe('invalid_transition');
        expect(((await s.addItems('b1', [item('X')], 'u', NOW).catch((e) => e)) as AppError).code).toBe('invalid_transition');
        expect(((await s.deleteDraft('b1', 'u', NOW).catch((e) => e)) as AppError).code).toBe('invalid_transition');
        // Mentions: the successor as announced, the predecessor as replaced.
        expect((await s.mentions('GB-1-2025')).map((m) => m.role)).toEqual(['announced']);
        expect((await s.mentions('GB-1-2010')).map((m) => m.role)).toEqual(['replaced']);
        expect(await s.publishedYears()).toEqual([{ year: 2025, count: 1 }]);
        expect((await s.getByNumber('SAC', 2025, 14))?.items).toHaveLength(1);
      }));

    it('lists published bulletins by year, newest first, in pages', () =>
      withStore(async (s) => {
        const noop = { actor: 'u', now: NOW, onStep: async () => undefined };
        for (const [id, year, number, date] of [['a', 2024, 5, '2024-03-01'], ['b', 2025, 3, '2025-02-01'], ['c', 2025, 14, '2025-10-05'], ['d', 2025, 15, '2025-11-01']] as const) {
          await s.create(bulletin({ id, year, number, date }), 'u');
          if (id !== 'd') await s.publish(id, 1, [], noop);
        }
        const page = (offset: number, year?: number) => s.list({ state: 'published', publishers: 'all', year, limit: 2, offset });
        expect((await page(0)).items.map((b) => b.id)).toEqual(['c', 'b']);
        expect(await page(2)).toMatchObject({ total: 3, items: [{ id: 'a' }] });
        expect((await page(0, 2024)).items.map((b) => b.id)).toEqual(['a']);
        expect(await s.publishedYears()).toEqual([{ year: 2025, count: 2 }, { year: 2024, count: 1 }]);
      }));
  });
}
