import { tempSqliteKysely } from '../testing/sqlite.js';
import { bulletinStoreContract } from './store.case.js';

bulletinStoreContract('SQLite (Kysely)', () => tempSqliteKysely('stdhub-bulletins-'));
