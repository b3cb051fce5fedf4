import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { SqliteUsageStore } from './adapters/sqlite-store.js';
import { usageStoreContract } from './store.case.js';

usageStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-usage-'));
  const path = join(dir, 'u.sqlite');
  const sqlite = openSqlite(path);
  const db = kyselyOf(sqlite);
  await migrate(db);
  const others: ReturnType<typeof openSqlite>[] = [];
  return {
    db,
    store: new SqliteUsageStore(sqlite),
    async another() {
      const c = openSqlite(path);
      others.push(c);
      return new SqliteUsageStore(c);
    },
    async close() {
      for (const c of others) c.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
