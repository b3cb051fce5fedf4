import { tempSqliteKysely } from '../testing/sqlite.js';
import { lifecycleStoreContract } from './store.case.js';

// The lifecycle contract on SQLite (the PostgreSQL runner calls the same suite).
lifecycleStoreContract(() => tempSqliteKysely('stdhub-lifecycle-'));
