import { describe } from 'vitest';
import { PG_AVAILABLE, pgTestServices } from '../testing/pg.js';
import { clauseAccessContract } from './clause-access.case.js';

describe.skipIf(!PG_AVAILABLE)('PostgreSQL', () => {
  clauseAccessContract('PostgreSQL', () => pgTestServices());
});
