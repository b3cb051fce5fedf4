import { describe } from 'vitest';
import { PG_AVAILABLE, pgTestServices } from '../testing/pg.js';
import { editorialUseCaseContract } from './usecases.case.js';

describe.skipIf(!PG_AVAILABLE)('PostgreSQL', () => {
  editorialUseCaseContract('PostgreSQL', () => pgTestServices());
});
