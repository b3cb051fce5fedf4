import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../../db/sqlite.js';
import { accountsStoreContract } from '../store.case.js';

accountsStoreContract('SQLite (Kysely)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-accounts-'));
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
