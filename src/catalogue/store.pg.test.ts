import { describe } from 'vitest';
import { FakeClock } from '../kernel/clock.js';
import { PgIndexer } from '../search/adapters/pg-indexer.js';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { KyselyCatalogueStore } from './adapters/kysely-store.js';
import { catalogueStoreContract, kyselyStoreHarness } from './store.case.js';

/** The CatalogueStore contract on PostgreSQL (the same Kysely store, with the PostgreSQL search indexer). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  catalogueStoreContract('PostgreSQL (Kysely)', async () => {
    const t = await tempPgKysely();
    return kyselyStoreHarness(new KyselyCatalogueStore(t.db, new FakeClock(new Date('2026-11-25T00:00:00Z')), [new PgIndexer()]), t);
  });
});
