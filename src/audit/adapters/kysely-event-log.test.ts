import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyOf, migrate, openSqlite } from '../../db/sqlite.js';
import { auditStoreContract } from '../store.case.js';

auditStoreContract(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-audit-'));
  const db = kyselyOf(openSqlite(join(dir, 'a.sqlite')));
  await migrate(db);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, 'SQLite');
