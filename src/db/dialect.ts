import type { Kysely } from 'kysely';
import { PostgresAdapter, SqliteAdapter } from 'kysely';

/** The SQL dialects stdhub runs on: embedded SQLite (default) and PostgreSQL (DATABASE_URL=postgres://…). */
export type DialectName = 'sqlite' | 'postgres';

/** Which dialect a Kysely instance speaks (for the few migrations and queries that must differ). */
export function dialectOf(db: Kysely<any>): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error('unsupported SQL dialect');
}
