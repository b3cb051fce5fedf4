import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SqliteDb } from '../db/sqlite.js';

/**
 * Table introspection, batched copying and checksums between SQLite and PostgreSQL (migrate-to-postgres, restore
 * verification). Both sides are read in key order and every value is normalised by the PostgreSQL column type, so
 * the same logical row hashes the same on both sides whatever the storage class SQLite gave it.
 */

/** A column of the PostgreSQL schema. */
export interface PgColumn {
  name: string;
  /** information_schema data_type: 'text', 'integer', 'bigint', 'bytea', 'jsonb', … */
  type: string;
  /** The sequence feeding it (SERIAL / IDENTITY), to move past the copied ids. */
  sequence: string | null;
}

export interface PgTable {
  name: string;
  columns: PgColumn[];
  /** Primary-key columns in key order; empty when the table has none (then all columns order the rows). */
  key: string[];
}

/**
 * Tables rebuilt from the copied data rather than copied: the search indexes (their PostgreSQL form differs:
 * tsvector columns instead of FTS5 tables). Kept as data so a new derived table is one line here.
 */
export const DERIVED_TABLES = new Set(['search_doc', 'search_number', 'search_state', 'clause_row']);
/** Bookkeeping each database keeps for itself. */
export const OWN_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);

/** The user tables of the PostgreSQL database (public schema) with columns, key and sequences. */
export async function pgTables(db: Kysely<any>): Promise<PgTable[]> {
  const cols = await sql<{ table_name: string; column_name: string; data_type: string; seq: string | null }>`
    SELECT c.table_name, c.column_name, c.data_type,
      pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS seq
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const keys = await sql<{ table_name: string; column_name: string; pos: number }>`
    SELECT tc.table_name, kcu.column_name, kcu.ordinal_position AS pos
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
    WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'
    ORDER BY tc.table_name, kcu.ordinal_position`.execute(db);
  const byName = new Map<string, PgTable>();
  for (const c of cols.rows) {
    let t = byName.get(c.table_name);
    if (!t) byName.set(c.table_name, (t = { name: c.table_name, columns: [], key: [] }));
    t.columns.push({ name: c.column_name, type: c.data_type, sequence: c.seq });
  }
  for (const k of keys.rows) byName.get(k.table_name)?.key.push(k.column_name);
  return [...byName.values()];
}

/** Foreign-key edges child → parent among public tables (for the copy order). */
export async function pgForeignKeys(db: Kysely<any>): Promise<{ child: string; parent: string }[]> {
  const r = await sql<{ child: string; parent: string }>`
    SELECT c.relname AS child, p.relname AS parent
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
    JOIN pg_class p ON p.oid = k.confrelid
    WHERE k.contype = 'f' AND cn.nspname = 'public'`.execute(db);
  return r.rows;
}

/** Orders tables so every parent comes before its children (self references ignored); ties by name. */
export function dependencyOrder(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const set = new Set(tables);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (set.has(e.child) && set.has(e.parent) && e.child !== e.parent) parents.get(e.child)!.add(e.parent);
  const out: string[] = [];
  const done = new Set<string>();
  const remaining = [...tables].sort();
  while (remaining.length) {
    const i = remaining.findIndex((t) => [...parents.get(t)!].every((p) => done.has(p)));
    // A cycle cannot be ordered: take the first remaining table (the copy then relies on deferred checks).
    const [t] = remaining.splice(i >= 0 ? i : 0, 1);
    out.push(t!);
    done.add(t!);
  }
  return out;
}

/** The ordinary tables of an SQLite database (not virtual tables, FTS shadow tables or sqlite_* internals). */
export function sqliteTables(sqlite: SqliteDb): Map<string, string[]> {
  const rows = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string; sql: string | null }[];
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (/^\s*CREATE\s+VIRTUAL/i.test(r.sql ?? '')) continue;
    const cols = (sqlite.prepare(`PRAGMA table_info(${quoteIdent(r.name)})`).all() as { name: string }[]).map((c) => c.name);
    out.set(r.name, cols);
  }
  return out;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value as PostgreSQL expects it for a column of `type` (SQLite stores by value, not by declared type). */
export function toPg(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (NUMERIC.has(type)) return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v);
  if (type === 'bytea') return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
  if (type === 'boolean') return v === true || v === 1 || v === '1' || v === 'true';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** Sorts object keys recursively so jsonb (which reorders keys) and text JSON hash alike. */
function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonicalJson((v as Record<string, unknown>)[k])]));
  return v;
}

/** The normalised form of a value that goes into a checksum. */
export function normalise(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (NUMERIC.has(type)) return Number(v);
  if (type === 'bytea') return { hex: (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')).toString('hex') };
  if (type === 'boolean') return v === true || v === 1 || v === '1' || v === 'true' ? 1 : 0;
  if (type === 'json' || type === 'jsonb') return JSON.stringify(canonicalJson(typeof v === 'string' ? JSON.parse(v) : v));
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** Per-table count and checksum (sha256 over the normalised rows in key order). */
export interface TableSum {
  rows: number;
  sha256: string;
}

function orderColumns(t: PgTable, cols: PgColumn[]): PgColumn[] {
  const key = t.key.length ? t.key.map((k) => cols.find((c) => c.name === k)!).filter(Boolean) : cols.filter((c) => c.type !== 'bytea' && c.type !== 'tsvector');
  return key;
}

/** Rows left out of a copy and its checksums: `column` NOT IN `values` (the target's own meta keys). */
export interface RowFilter {
  column: string;
  notIn: string[];
}

function whereOf(f: RowFilter | undefined, placeholder: (i: number) => string): string {
  if (!f || !f.notIn.length) return '';
  return ` WHERE ${quoteIdent(f.column)} NOT IN (${f.notIn.map((_, i) => placeholder(i)).join(', ')})`;
}

/** Checksum of an SQLite table over `cols` (PostgreSQL column types), rows in key order (BINARY collation). */
export function sqliteChecksum(sqlite: SqliteDb, t: PgTable, cols: PgColumn[], filter?: RowFilter): TableSum {
  const order = orderColumns(t, cols).map((c) => quoteIdent(c.name)).join(', ');
  const stmt = sqlite
    .prepare(`SELECT ${cols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.name)}${whereOf(filter, () => '?')}${order ? ` ORDER BY ${order}` : ''}`)
    .raw(true)
    .bind(...(filter?.notIn ?? []));
  const hash = createHash('sha256');
  let rows = 0;
  for (const row of stmt.iterate() as Iterable<unknown[]>) {
    hash.update(JSON.stringify(row.map((v, i) => normalise(v, cols[i]!.type))));
    hash.update('\n');
    rows++;
  }
  return { rows, sha256: hash.digest('hex') };
}

/**
 * Checksum of a PostgreSQL table over `cols`, rows in key order. Text keys sort with COLLATE "C" (code-point
 * order, which is SQLite's BINARY order for UTF-8). Read through a cursor in pages, so memory stays flat.
 */
export async function pgChecksum(db: Kysely<any>, t: PgTable, cols: PgColumn[], filter?: RowFilter): Promise<TableSum> {
  const order = orderColumns(t, cols)
    .map((c) => (NUMERIC.has(c.type) ? quoteIdent(c.name) : `${quoteIdent(c.name)} COLLATE "C"`))
    .join(', ');
  // Filter values are inlined as escaped literals: DECLARE … CURSOR takes no bind parameters.
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const where = whereOf(filter, (i) => lit(filter!.notIn[i]!));
  const select = `SELECT ${cols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.name)}${where}${order ? ` ORDER BY ${order}` : ''}`;
  return db.transaction().execute(async (tx) => {
    await sql.raw(`DECLARE stdhub_sum NO SCROLL CURSOR FOR ${select}`).execute(tx);
    const hash = createHash('sha256');
    let rows = 0;
    for (;;) {
      const page = await sql.raw<Record<string, unknown>>('FETCH 1000 FROM stdhub_sum').execute(tx);
      if (!page.rows.length) break;
      for (const r of page.rows) {
        hash.update(JSON.stringify(cols.map((c) => normalise(r[c.name], c.type))));
        hash.update('\n');
        rows++;
      }
    }
    await sql.raw('CLOSE stdhub_sum').execute(tx);
    return { rows, sha256: hash.digest('hex') };
  });
}

/**
 * Copies one table from SQLite to PostgreSQL in batches (bounded by rows and by bytes), keeping ids
 * (OVERRIDING SYSTEM VALUE), then moves the table's sequences past the copied ids. Returns the rows copied.
 */
export async function copyTable(sqlite: SqliteDb, db: Kysely<any>, t: PgTable, cols: PgColumn[], opts: { filter?: RowFilter; onBatch?: (n: number) => void } = {}): Promise<number> {
  const onBatch = opts.onBatch;
  const stmt = sqlite
    .prepare(`SELECT ${cols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.name)}${whereOf(opts.filter, () => '?')}`)
    .raw(true)
    .bind(...(opts.filter?.notIn ?? []));
  // PostgreSQL allows 65,535 bind parameters per statement.
  const maxRows = Math.max(1, Math.min(1000, Math.floor(60_000 / cols.length)));
  const maxBytes = 16 * 1024 * 1024;
  const colList = sql.join(cols.map((c) => sql.ref(c.name)));
  let batch: unknown[][] = [];
  let bytes = 0;
  let copied = 0;
  const flush = async () => {
    if (!batch.length) return;
    const values = sql.join(batch.map((r) => sql`(${sql.join(r)})`));
    await sql`INSERT INTO ${sql.table(t.name)} (${colList}) OVERRIDING SYSTEM VALUE VALUES ${values}`.execute(db);
    copied += batch.length;
    onBatch?.(copied);
    batch = [];
    bytes = 0;
  };
  // The statement stays open across the PostgreSQL round trips: nothing else uses this SQLite connection meanwhile
  // (migrate-to-postgres opens its own), and reading lazily keeps memory at one batch.
  const it = (stmt.iterate() as IterableIterator<unknown[]>)[Symbol.iterator]();
  for (;;) {
    let next = it.next();
    while (!next.done) {
      const row = next.value.map((v, i) => toPg(v, cols[i]!.type));
      for (const v of row) bytes += Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? v.length * 3 : 8;
      batch.push(row);
      if (batch.length >= maxRows || bytes >= maxBytes) break;
      next = it.next();
    }
    await flush();
    if (next.done) break;
  }
  for (const c of cols) {
    if (!c.sequence) continue;
    await sql`SELECT setval(${c.sequence}::regclass, GREATEST((SELECT COALESCE(MAX(${sql.ref(c.name)}), 0) FROM ${sql.table(t.name)}), 1),
      (SELECT COUNT(*) > 0 FROM ${sql.table(t.name)}))`.execute(db);
  }
  return copied;
}
