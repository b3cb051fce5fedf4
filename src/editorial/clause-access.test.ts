import { testServices } from '../testing/services.js';
import { clauseAccessContract } from './clause-access.case.js';

// Worker threads run the same ClauseSearchEngine with the whole query message (worker.ts), so inline covers them.
clauseAccessContract('SQLite', () => testServices());
