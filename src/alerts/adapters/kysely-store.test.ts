import { tempSqliteKysely } from '../../testing/sqlite.js';
import { alertStoreContract } from '../store.case.js';

alertStoreContract('SQLite (Kysely)', () => tempSqliteKysely('stdhub-alertstore-'));
