import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { record } from '../catalogue/store.case.js';
import type { Database } from '../db/schema.js';
import { FakeClock } from '../kernel/clock.js';
import type { UsageBatch, UsageStore } from './ports.js';

/**
 * The UsageStore contract, run by the SQLite adapter (store.test.ts) and the PostgreSQL one (store.pg.test.ts).
 * `make` gives a fresh migrated database, a store on it, and `another()`: a second store on its own connection(s),
 * standing for a second app instance writing to the same database.
 */
export interface UsageHarness {
  db: Kysely<Database>;
  store: UsageStore;
  another(): Promise<UsageStore>;
  close(): Promise<void>;
}

const batch = (counts: [string, string, 'view' | 'read' | 'download', boolean, number][], visitors: [string, 'view' | 'read' | 'download', string][] = []): UsageBatch => ({
  counts: counts.map(([stdId, day, kind, bot, count]) => ({ stdId, day, kind, bot, count })),
  visitors: visitors.map(([day, kind, visitor]) => ({ day, kind, visitor })),
});

export function usageStoreContract(name: string, make: () => Promise<UsageHarness>): void {
  describe(`UsageStore contract: ${name}`, () => {
    const open: UsageHarness[] = [];
    afterEach(async () => {
      for (const h of open.splice(0)) await h.close();
    });
    const fresh = async () => {
      const h = await make();
      open.push(h);
      return h;
    };

    it('adds counts per standard, day, kind and bot flag, and counts distinct visitors once', async () => {
      const { store } = await fresh();
      await store.write(batch([['A', '2026-11-25', 'view', false, 3], ['A', '2026-11-25', 'view', true, 2]], [['2026-11-25', 'view', 'v1'], ['2026-11-25', 'view', 'v2']]));
      await store.write(batch([['A', '2026-11-25', 'view', false, 4], ['B', '2026-11-25', 'download', false, 1]], [['2026-11-25', 'view', 'v1'], ['2026-11-25', 'download', 'v3']]));
      const s = await store.summary('2026-11-25');
      expect(s.totals).toEqual([
        { kind: 'view', count: 7, bots: 2, visitorDays: 2 },
        { kind: 'read', count: 0, bots: 0, visitorDays: 0 },
        { kind: 'download', count: 1, bots: 0, visitorDays: 1 },
      ]);
      expect(s).toMatchObject({ visitorsToday: 3, standards: 2, firstDay: '2026-11-25', lastDay: '2026-11-25' });
    });

    it('keeps the first salt stored for a day, whoever asks later', async () => {
      const h = await fresh();
      const other = await h.another();
      const a = await h.store.saltOf('2026-11-25', Buffer.alloc(32, 1));
      const b = await other.saltOf('2026-11-25', Buffer.alloc(32, 2));
      expect(Buffer.from(a)).toEqual(Buffer.alloc(32, 1));
      expect(Buffer.from(b)).toEqual(Buffer.alloc(32, 1));
    });

    it('closes days: hashes become counts, old salts go, the open day stays', async () => {
      const { store } = await fresh();
      await store.saltOf('2026-11-24', Buffer.alloc(32, 1));
      await store.saltOf('2026-11-25', Buffer.alloc(32, 2));
      await store.write(batch([['A', '2026-11-24', 'read', false, 2], ['A', '2026-11-25', 'read', false, 1]], [['2026-11-24', 'read', 'x'], ['2026-11-24', 'read', 'y'], ['2026-11-25', 'read', 'z']]));
      await store.closeDaysBefore('2026-11-25');
      await store.closeDaysBefore('2026-11-25');
      const s = await store.summary('2026-11-25');
      expect(s.totals.find((t) => t.kind === 'read')).toEqual({ kind: 'read', count: 3, bots: 0, visitorDays: 3 });
      expect(s.visitorsToday).toBe(1);
      expect(Buffer.from(await store.saltOf('2026-11-24', Buffer.alloc(32, 9)))).toEqual(Buffer.alloc(32, 9));
    });

    it('aggregates by month, top standards, thresholds, nature, ICS field and day', async () => {
      const { db, store } = await fresh();
      const catalogue = new KyselyCatalogueStore(db, new FakeClock(new Date('2026-11-25T00:00:00Z')));
      await catalogue.upsert(
        record({ id: 'GB-1-2020', number: 'GB 1-2020', nature: 'mandatory', titles: [{ lang: 'zh', type: 'main', text: '标准一' }], classifications: [{ scheme: 'ics', code: '13.220.50' }] }),
        { actor: 't' },
      );
      await catalogue.upsert(record({ id: 'GB-T-2-2020', number: 'GB/T 2-2020', nature: 'recommended' }), { actor: 't' });
      await store.write(
        batch([
          ['GB-1-2020', '2026-10-02', 'view', false, 150],
          ['GB-1-2020', '2026-11-03', 'download', false, 5],
          ['GB-T-2-2020', '2026-11-03', 'view', false, 20],
          ['GB-T-2-2020', '2026-11-03', 'view', true, 99],
          ['GONE-1', '2026-11-04', 'read', false, 1],
        ]),
      );
      expect(await store.monthly('2026-10', '2026-11')).toEqual([
        { month: '2026-10', view: 150, read: 0, download: 0, bots: 0, visitorDays: 0 },
        { month: '2026-11', view: 20, read: 1, download: 5, bots: 99, visitorDays: 0 },
      ]);
      expect(await store.top('view', 5)).toEqual([
        { id: 'GB-1-2020', number: 'GB 1-2020', titles: { zh: '标准一' }, nature: 'mandatory', view: 150, read: 0, download: 5 },
        { id: 'GB-T-2-2020', number: 'GB/T 2-2020', titles: {}, nature: 'recommended', view: 20, read: 0, download: 0 },
      ]);
      expect(await store.thresholds([10, 100])).toEqual([
        { kind: 'view', passed: { '10': 2, '100': 1 } },
        { kind: 'read', passed: { '10': 0, '100': 0 } },
        { kind: 'download', passed: { '10': 0, '100': 0 } },
      ]);
      expect((await store.byNature()).map((b) => [b.key, b.standards, b.view])).toEqual([
        ['mandatory', 1, 150],
        ['recommended', 1, 20],
        ['', 1, 0],
      ]);
      expect((await store.byCategory('ics')).map((b) => [b.key, b.standards, b.view + b.download])).toEqual([
        ['13', 1, 155],
        ['', 2, 20],
      ]);
      expect(await store.daily('2026-11-03', '2026-11-04', 10)).toEqual([
        { day: '2026-11-03', id: 'GB-1-2020', number: 'GB 1-2020', view: 0, read: 0, download: 5, bots: 0 },
        { day: '2026-11-03', id: 'GB-T-2-2020', number: 'GB/T 2-2020', view: 20, read: 0, download: 0, bots: 99 },
        { day: '2026-11-04', id: 'GONE-1', number: null, view: 0, read: 1, download: 0, bots: 0 },
      ]);
    });

    it('keeps every count when several instances write the same rows at once', async () => {
      const h = await fresh();
      const writers = [h.store, await h.another(), await h.another()];
      const rounds = 20;
      await Promise.all(
        writers.map(async (w, i) => {
          for (let r = 0; r < rounds; r++) {
            await w.write(batch([['HOT', '2026-11-25', 'view', false, 1], ['HOT', '2026-11-25', 'download', false, 2], [`W${i}`, '2026-11-25', 'view', false, 1]], [['2026-11-25', 'view', `v${r % 5}`]]));
          }
        }),
      );
      const top = await h.store.top('view', 10);
      expect(top.find((t) => t.id === 'HOT')).toMatchObject({ view: writers.length * rounds, download: 2 * writers.length * rounds });
      const s = await h.store.summary('2026-11-25');
      expect(s.totals[0]).toEqual({ kind: 'view', count: 2 * writers.length * rounds, bots: 0, visitorDays: 5 });
    });
  });
}
