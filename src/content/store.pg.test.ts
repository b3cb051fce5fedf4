import { describe } from 'vitest';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { contentStoreContract } from './store.case.js';

/** The ContentStore contract on PostgreSQL (a fresh database per test). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  contentStoreContract('PostgreSQL (Kysely)', () => tempPgKysely());
});
