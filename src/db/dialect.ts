import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { PostgresAdapter, SqliteAdapter, sql } from 'kysely';

/** The SQL dialects stdhub runs on: embedded SQLite (default) and PostgreSQL (DATABASE_URL=postgres://…). */
export type DialectName = 'sqlite' | 'postgres';

/** Which dialect a Kysely instance speaks (for the few migrations and queries that must differ). */
export function dialectOf(db: Kysely<any>): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error('unsupported SQL dialect');
}

/**
 * Column helpers for the few DDL differences between the dialects, for every migration (including other
 * domains'): `.addColumn('id', idType(db), idColumn(db))` is INTEGER PRIMARY KEY AUTOINCREMENT on SQLite (ids
 * never reused) and SERIAL PRIMARY KEY on PostgreSQL (a sequence: never reused either).
 */
export function idType(db: Kysely<any>): 'integer' | 'serial' {
  return dialectOf(db) === 'postgres' ? 'serial' : 'integer';
}

/** See idType(). */
export function idColumn(db: Kysely<any>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialectOf(db) === 'postgres' ? (c) => c.primaryKey() : (c) => c.primaryKey().autoIncrement();
}

/** Binary column type: BLOB on SQLite, BYTEA on PostgreSQL (both take and give a Buffer). */
export function blobType(db: Kysely<any>): 'blob' | 'bytea' {
  return dialectOf(db) === 'postgres' ? 'bytea' : 'blob';
}

/**
 * Makes a table append-only: UPDATE and DELETE raise an error (SQLite: BEFORE triggers with RAISE(ABORT);
 * PostgreSQL: a PL/pgSQL trigger function shared by all such tables). `name` prefixes the trigger names.
 */
export async function appendOnly(db: Kysely<any>, table: string, name = table): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`CREATE OR REPLACE FUNCTION stdhub_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`.execute(db);
    await sql.raw(`CREATE TRIGGER ${name}_no_update BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION stdhub_append_only()`).execute(db);
    await sql.raw(`CREATE TRIGGER ${name}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION stdhub_append_only()`).execute(db);
    // TRUNCATE bypasses row triggers; refuse it too.
    await sql.raw(`CREATE TRIGGER ${name}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION stdhub_append_only()`).execute(db);
    return;
  }
  await sql.raw(`CREATE TRIGGER ${name}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
  await sql.raw(`CREATE TRIGGER ${name}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
}
