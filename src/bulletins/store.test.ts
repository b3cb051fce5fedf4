import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { bulletinStoreContract } from './store.case.js';

bulletinStoreContract('SQLite (Kysely)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-bulletins-'));
  const db = kyselyOf(openSqlite(join(dir, 'b.sqlite')));
  await migrate(db);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
