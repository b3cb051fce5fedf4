import type { Kysely } from 'kysely';
import { describe } from 'vitest';
import { openPostgres } from '../db/postgres.js';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { PgUsageStore } from './adapters/pg-store.js';
import { usageStoreContract } from './store.case.js';

/** The UsageStore contract on PostgreSQL; another() opens a second pool, as a second app instance would. */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  usageStoreContract('PostgreSQL', async () => {
    const t = await tempPgKysely();
    const pools: Kysely<any>[] = [];
    return {
      db: t.db,
      store: new PgUsageStore(t.db),
      async another() {
        const db = openPostgres(t.url, { max: 2 });
        pools.push(db);
        return new PgUsageStore(db);
      },
      async close() {
        for (const p of pools) await p.destroy();
        await t.close();
      },
    };
  });
});
