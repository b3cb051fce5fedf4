import { testServices } from '../../testing/services.js';
import { clauseSearchContract } from './clause-search.case.js';

clauseSearchContract('SQLite FTS5 (inline)', () => testServices());
