import { sql } from 'kysely';
import { describe } from 'vitest';
import { FakeClock } from '../kernel/clock.js';
import { PgIndexer } from '../search/adapters/pg-indexer.js';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { KyselyCatalogueStore } from './adapters/kysely-store.js';
import { catalogueStoreContract } from './store.case.js';

/** The CatalogueStore contract on PostgreSQL (the same Kysely store, with the PostgreSQL search indexer). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  catalogueStoreContract('PostgreSQL (Kysely)', async () => {
    const t = await tempPgKysely();
    const db = t.db;
    const store = new KyselyCatalogueStore(db, new FakeClock(new Date('2026-11-25T00:00:00Z')), [new PgIndexer()]);
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
  });
});
