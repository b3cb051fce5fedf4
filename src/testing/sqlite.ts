import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';

/**
 * A fresh, migrated SQLite database in a temporary directory, opened with Kysely: the SQLite side of every store
 * contract suite (the counterpart of tempPgKysely() in ./pg.ts). close() destroys the connection and deletes the
 * directory.
 */
export async function tempSqliteKysely(prefix = 'stdhub-sqlite-'): Promise<{ db: Kysely<Database>; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = kyselyOf(openSqlite(join(dir, 'db.sqlite')));
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    db,
    dir,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
