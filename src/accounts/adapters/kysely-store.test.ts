import { tempSqliteKysely } from '../../testing/sqlite.js';
import { accountsStoreContract } from '../store.case.js';

accountsStoreContract('SQLite (Kysely)', () => tempSqliteKysely('stdhub-accounts-'));
