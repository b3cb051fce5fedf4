import { describe } from 'vitest';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { alertStoreContract } from './store.case.js';

/** The alert store contract on PostgreSQL (a fresh database per test, dropped afterwards). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  alertStoreContract('PostgreSQL (Kysely)', () => tempPgKysely());
});
