import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { testRecord } from '../testing/records.js';
import type { StandardRecord } from './model.js';
import type { CatalogueStore } from './ports.js';

/**
 * The CatalogueStore contract (after Hono's `common.case.test.ts` + runTest): written once, run by every adapter
 * (SQLite now, PostgreSQL later). `make` returns a fresh empty store plus a way to count events and to try to
 * tamper with the event log.
 */
export interface StoreHarness {
  store: CatalogueStore;
  eventCount(): Promise<number>;
  /** Attempts an UPDATE and a DELETE on the event table; resolves to the errors raised (must be two). */
  tamperWithEvents(): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * The harness for a Kysely-backed store on a migrated database `t` (SQLite or PostgreSQL): counts and tampers
 * with the event table directly; close() closes `t`.
 */
export function kyselyStoreHarness(store: CatalogueStore, t: { db: Kysely<Database>; close(): Promise<void> }): StoreHarness {
  const db = t.db;
  return {
    store,
    async eventCount() {
      const r = await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async tamperWithEvents() {
      const errors: unknown[] = [];
      await sql`UPDATE event SET actor = 'x'`.execute(db).catch((e) => errors.push(e));
      await sql`DELETE FROM event`.execute(db).catch((e) => errors.push(e));
      return errors;
    },
    close: () => t.close(),
  };
}

/** A minimal valid record; tests override fields (the shared test builder, under the name its importers use). */
export const record = testRecord;

const gb2024 = record({
  id: 'GB-12955-2024',
  number: 'GB 12955-2024',
  nature: 'mandatory',
  year: 2024,
  titles: [
    { lang: 'zh', type: 'main', text: '防火门' },
    { lang: 'en', type: 'main', text: 'Fire-resistant doorsets' },
  ],
  dates: [
    { type: 'issued', value: '2024-10-28' },
    { type: 'implemented', value: '2026-05-01' },
  ],
  classifications: [{ scheme: 'ics', code: '13.220.50' }],
  relations: [{ type: 'replaces', target: 'GB 12955-2008' }],
});
const gb2008 = record({
  id: 'GB-12955-2008',
  number: 'GB 12955-2008',
  nature: 'mandatory',
  year: 2008,
  status: 'replaced',
  titles: [{ lang: 'zh', type: 'main', text: '防火门' }],
});

export function catalogueStoreContract(name: string, make: () => Promise<StoreHarness>): void {
  describe(`CatalogueStore contract: ${name}`, () => {
    it('creates, then reports unchanged for an identical record without writing an event', async () => {
      const h = await make();
      try {
        expect(await h.store.upsert(gb2024, { actor: 't' })).toBe('created');
        const events = await h.eventCount();
        expect(events).toBe(1);
        // Same content built in another key order is still identical.
        const reversed = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(reversed)
            : v && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
              : v;
        expect(await h.store.upsert(reversed(gb2024) as StandardRecord, { actor: 't' })).toBe('unchanged');
        expect(await h.eventCount()).toBe(1);
        expect(await h.store.get(gb2024.id)).toEqual(gb2024);
      } finally {
        await h.close();
      }
    });

    it('updates a changed record and keeps before and after in its history', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2024, { actor: 'importer' });
        const changed = { ...gb2024, status: 'to-be-implemented' };
        expect(await h.store.upsert(changed, { actor: 'editor' })).toBe('updated');
        const hist = await h.store.history(gb2024.id);
        expect(hist.map((e) => e.verb)).toEqual(['standard.created', 'standard.updated']);
        expect(hist[1].actor).toBe('editor');
        expect((hist[1].before as StandardRecord).status).toBe('current');
        expect((hist[1].after as StandardRecord).status).toBe('to-be-implemented');
        expect((await h.store.get(gb2024.id))?.status).toBe('to-be-implemented');
      } finally {
        await h.close();
      }
    });

    it('resolves every typed form of a number, and a number without year to the edition in force', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2008, { actor: 't' });
        await h.store.upsert(gb2024, { actor: 't' });
        for (const typed of ['GB-12955-2024', 'GB 12955-2024', 'gb 12955-2024', 'ＧＢ　１２９５５—２０２４', 'GB12955-2024']) {
          expect((await h.store.resolve(typed))?.id, typed).toBe('GB-12955-2024');
        }
        expect((await h.store.resolve('GB 12955'))?.id).toBe('GB-12955-2024');
        expect((await h.store.resolve('GB 12955-2008'))?.id).toBe('GB-12955-2008');
        expect(await h.store.resolve('GB 99999')).toBeNull();
        expect(await h.store.resolve('')).toBeNull();
        expect(await h.store.resolve("'; DROP TABLE standard; --")).toBeNull();
        expect((await h.store.editions('GB 12955')).map((s) => s.id)).toEqual(['GB-12955-2024', 'GB-12955-2008']);
      } finally {
        await h.close();
      }
    });

    it('prefers the edition in force over a newer one not yet implemented', async () => {
      const h = await make();
      try {
        await h.store.upsert({ ...gb2008, status: 'current' }, { actor: 't' });
        await h.store.upsert({ ...gb2024, status: 'to-be-implemented' }, { actor: 't' });
        expect((await h.store.resolve('GB 12955'))?.id).toBe('GB-12955-2008');
      } finally {
        await h.close();
      }
    });

    it('shows relations from both sides, resolved to records with status and title', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2008, { actor: 't' });
        await h.store.upsert(gb2024, { actor: 't' });
        const forward = await h.store.relations('GB-12955-2024');
        expect(forward).toEqual([
          expect.objectContaining({ type: 'replaces', direction: 'out', targetId: 'GB-12955-2008', targetStatus: 'replaced' }),
        ]);
        const backward = await h.store.relations('GB-12955-2008');
        expect(backward).toEqual([
          expect.objectContaining({ type: 'replacedBy', direction: 'in', targetId: 'GB-12955-2024', target: 'GB 12955-2024' }),
        ]);
        expect(backward[0].targetTitle).toEqual({ zh: '防火门', en: 'Fire-resistant doorsets' });
      } finally {
        await h.close();
      }
    });

    it('keeps an unresolved relation target as text', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2024, { actor: 't' });
        const rel = await h.store.relations('GB-12955-2024');
        expect(rel[0]).toMatchObject({ target: 'GB 12955-2008', targetId: null, targetStatus: null });
      } finally {
        await h.close();
      }
    });

    it('counts by body and status, summarises and removes with an event', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2008, { actor: 't' });
        await h.store.upsert(gb2024, { actor: 't' });
        const stats = await h.store.stats();
        expect(stats.total).toBe(2);
        expect(stats.byStatus).toEqual(
          expect.arrayContaining([
            { status: 'current', count: 1 },
            { status: 'replaced', count: 1 },
          ]),
        );
        const [s] = await h.store.summaries(['GB-12955-2024']);
        expect(s).toMatchObject({ number: 'GB 12955-2024', nature: 'mandatory', year: 2024, titles: { zh: '防火门' } });
        expect(await h.store.remove('GB-12955-2008', { actor: 'editor' })).toBe(true);
        expect(await h.store.remove('GB-12955-2008', { actor: 'editor' })).toBe(false);
        expect(await h.store.count()).toBe(1);
        expect((await h.store.history('GB-12955-2008')).map((e) => e.verb)).toEqual(['standard.created', 'standard.deleted']);
      } finally {
        await h.close();
      }
    });

    it('writes a batch with each record atomic: a failing record leaves no trace, the others commit', async () => {
      const h = await make();
      try {
        // A record missing its required status fails inside the database after its parent row would be written.
        const broken = { ...record({ id: 'GB-1-2000', number: 'GB 1-2000' }), status: undefined } as unknown as StandardRecord;
        const out = await h.store.upsertMany([gb2008, broken, gb2024], { actor: 'batch' });
        expect(out[0]).toBe('created');
        expect(out[1]).toEqual({ error: expect.any(Error) });
        expect(out[2]).toBe('created');
        expect(await h.store.get('GB-1-2000')).toBeNull();
        expect(await h.store.resolve('GB 1-2000')).toBeNull();
        expect(await h.eventCount()).toBe(2);
        const again = await h.store.upsertMany([gb2008, gb2024], { actor: 'batch' });
        expect(again).toEqual(['unchanged', 'unchanged']);
        expect(await h.eventCount()).toBe(2);
      } finally {
        await h.close();
      }
    });

    it('has an append-only event log', async () => {
      const h = await make();
      try {
        await h.store.upsert(gb2024, { actor: 't' });
        const errors = await h.tamperWithEvents();
        expect(errors).toHaveLength(2);
        expect(await h.eventCount()).toBe(1);
      } finally {
        await h.close();
      }
    });
  });
}
