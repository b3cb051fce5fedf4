import { tempSqliteKysely } from '../../testing/sqlite.js';
import { contentStoreContract } from '../store.case.js';

contentStoreContract('SQLite (Kysely)', () => tempSqliteKysely('stdhub-content-'));
