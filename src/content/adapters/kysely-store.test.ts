import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../../db/sqlite.js';
import { contentStoreContract } from '../store.case.js';

contentStoreContract('SQLite (Kysely)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-content-'));
  const db = kyselyOf(openSqlite(join(dir, 'test.sqlite')));
  await migrate(db);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
