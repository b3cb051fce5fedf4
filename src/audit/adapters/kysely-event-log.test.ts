import { tempSqliteKysely } from '../../testing/sqlite.js';
import { auditStoreContract } from '../store.case.js';

auditStoreContract(() => tempSqliteKysely('stdhub-audit-'), 'SQLite');
