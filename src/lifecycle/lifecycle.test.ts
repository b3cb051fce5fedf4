import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { lifecycleStoreContract } from './store.case.js';

// The lifecycle contract on SQLite (the PostgreSQL runner calls the same suite).
lifecycleStoreContract(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-lifecycle-'));
  const db = kyselyOf(openSqlite(join(dir, 'db.sqlite')));
  await migrate(db);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
