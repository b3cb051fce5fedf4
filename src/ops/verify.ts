import { type Kysely } from 'kysely';
import { openPostgres } from '../db/postgres.js';
import { openSqlite, type SqliteDb } from '../db/sqlite.js';
import { DERIVED_TABLES, OWN_TABLES, pgChecksum, pgTables, sqliteChecksum, sqliteTables, type PgColumn, type PgTable, type RowFilter, type TableSum } from './tables-copy.js';

export interface TableCheck {
  table: string;
  source: TableSum;
  target: TableSum;
  ok: boolean;
}

/** Meta keys a PostgreSQL database writes for itself (its search index kind); never compared with SQLite's. */
export const PG_OWN_META = /^search\.pg_/;

/** The tables copied by migrate-to-postgres (both sides have them, not derived) and the columns compared. */
export function comparableTables(have: Map<string, string[]>, all: PgTable[]): { table: PgTable; cols: PgColumn[] }[] {
  return all
    .filter((t) => !OWN_TABLES.has(t.name) && !DERIVED_TABLES.has(t.name) && have.has(t.name))
    .map((t) => {
      const src = new Set(have.get(t.name)!);
      return { table: t, cols: t.columns.filter((c) => src.has(c.name)) };
    });
}

/** Compares row counts and checksums of every copied table; `ownMeta` are the target's own meta keys. */
export async function verifyTables(sqlite: SqliteDb, pg: Kysely<any>, order: string[] | null, ownMeta: string[]): Promise<{ tables: TableCheck[]; problems: string[] }> {
  const list = comparableTables(sqliteTables(sqlite), await pgTables(pg));
  if (order) list.sort((a, b) => order.indexOf(a.table.name) - order.indexOf(b.table.name));
  const tables: TableCheck[] = [];
  const problems: string[] = [];
  for (const { table, cols } of list) {
    const filter: RowFilter | undefined = table.name === 'meta' ? { column: 'key', notIn: ownMeta } : undefined;
    const s = sqliteChecksum(sqlite, table, cols, filter);
    const d = await pgChecksum(pg, table, cols, filter);
    const ok = s.rows === d.rows && s.sha256 === d.sha256;
    if (!ok) problems.push(`table ${table.name}: ${s.rows} rows (sha256 ${s.sha256.slice(0, 12)}) in SQLite, ${d.rows} rows (sha256 ${d.sha256.slice(0, 12)}) in PostgreSQL`);
    tables.push({ table: table.name, source: s, target: d, ok });
  }
  return { tables, problems };
}

/** Re-verifies an SQLite database against a PostgreSQL copy (e.g. after migrate-to-postgres, before switching). */
export async function tablesOf(sqlitePath: string, pgUrl: string): Promise<{ tables: TableCheck[]; problems: string[] }> {
  const sqlite = openSqlite(sqlitePath, { readonly: true });
  const pg = openPostgres(pgUrl, { max: 2, applicationName: 'stdhub-verify' });
  try {
    const own = (await pg.selectFrom('meta').select('key').execute()).map((r) => r.key).filter((k) => PG_OWN_META.test(k));
    return await verifyTables(sqlite, pg, null, own);
  } finally {
    await pg.destroy();
    sqlite.close();
  }
}
