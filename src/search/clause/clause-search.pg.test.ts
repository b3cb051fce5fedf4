import { describe } from 'vitest';
import { PG_AVAILABLE, pgTestServices } from '../../testing/pg.js';
import { clauseSearchContract } from './clause-search.case.js';

/** The ClauseSearch contract on PostgreSQL: full Services with DATABASE_URL on a fresh database per test. */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  clauseSearchContract('PostgreSQL tsvector', () => pgTestServices());
});
