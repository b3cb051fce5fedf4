import { catalogueSearchContract } from './search.case.js';
import { testServices } from '../testing/services.js';

catalogueSearchContract('SQLite FTS5 (inline)', () => testServices());
