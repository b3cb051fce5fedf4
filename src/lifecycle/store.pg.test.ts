import { describe } from 'vitest';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { lifecycleStoreContract } from './store.case.js';

/** The lifecycle contract on PostgreSQL (own database per suite, dropped at the end). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  lifecycleStoreContract(() => tempPgKysely());
});
