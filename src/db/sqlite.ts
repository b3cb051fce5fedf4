import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type SqliteDb = BetterSqlite3.Database;

/** Opens (creating if needed) an SQLite file with WAL, foreign keys and sane busy/sync settings. */
export function openSqlite(path: string, opts: { readonly?: boolean } = {}): SqliteDb {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // NORMAL is durable in WAL mode except for the last transactions on power loss; never corrupts.
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * Wraps a better-sqlite3 handle in Kysely. Kysely's SQLite driver prepares every query afresh; profiling the ISO
 * import showed ~15 % of the time in sqlite3_prepare, so prepared statements are reused by SQL text. Safe because
 * Kysely runs one query at a time per connection (its driver holds a mutex), so a cached statement is never busy.
 */
export function kyselyOf(sqlite: SqliteDb): Kysely<Database> {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const database = {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        // Bounded: queries with IN lists of varying length produce many distinct texts.
        if (cache.size >= 2000) cache.clear();
        stmt = sqlite.prepare(text);
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/** Runs all pending migrations; throws with the failing migration's name. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  // Unordered: migrations are added per domain by parallel work; each is independent of later-numbered ones.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}
