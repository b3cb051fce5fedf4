import { tempSqliteKysely } from '../../testing/sqlite.js';
import { classificationStoreContract } from '../store.case.js';

classificationStoreContract('SQLite (Kysely)', () => tempSqliteKysely('stdhub-class-'));
