import { sql, type Kysely } from 'kysely';
import type { BlobStore } from '../blobs/ports.js';
import type { StandardRecord } from '../catalogue/model.js';
import { openPostgres } from '../db/postgres.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { otherText, tsvectorOf } from '../search/adapters/pg-indexer.js';
import type { IndexRows } from '../search/index-rows.js';
import { writePgClauseRows } from '../search/clause/pg.js';
import { indexRowsOf } from '../search/index-rows.js';
import { copyBlobs, listBlobs, verifyBlobs, type BlobSum } from './blob-copy.js';
import { verifyTables, type TableCheck } from './verify.js';
import {
  copyTable,
  DERIVED_TABLES,
  dependencyOrder,
  OWN_TABLES,
  pgForeignKeys,
  pgTables,
  sqliteTables,
  type RowFilter,
} from './tables-copy.js';

export interface MigrateOptions {
  /** The SQLite deployment's database file. */
  sqlitePath: string;
  /** Target PostgreSQL database (must be empty: a fresh database). */
  pgUrl: string;
  /** The deployment's blob store (its files). */
  sourceBlobs: BlobStore;
  /** Where the files go; null = they stay where they are (same filesystem folder), only verified. */
  targetBlobs: BlobStore | null;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export type TableReport = TableCheck;

export interface MigrateReport {
  tables: TableReport[];
  /** Tables only one side has (not copied), with the reason. */
  skipped: { table: string; reason: string }[];
  search: { standards: number; indexed: number; texts: number; clauseDocs: number };
  blobs: { count: number; bytes: number; copied: boolean; problems: string[] };
  problems: string[];
  ok: boolean;
}

/** Rows of the target's own bookkeeping in `meta` (written by its migrations; the source's values describe SQLite). */
async function targetOwnMeta(pg: Kysely<any>): Promise<string[]> {
  const r = await sql<{ key: string }>`SELECT key FROM meta`.execute(pg);
  return r.rows.map((x) => x.key);
}

/**
 * Copies an SQLite deployment (database and files) to PostgreSQL and an object store, then verifies it:
 *  1. migrates the source to the latest schema and creates the target schema with the same migrations (their
 *     PostgreSQL branches);
 *  2. copies every table both sides have, parents before children, in batches, keeping ids (and moving sequences
 *     past them); the search-index tables are rebuilt instead (their PostgreSQL form is different);
 *  3. rebuilds the PostgreSQL catalogue and clause search index from the copied records and sections;
 *  4. copies the blobs;
 *  5. verifies per-table row counts and checksums (sha256 over the rows in key order, values normalised by column
 *     type), that every standard and text is indexed, and every blob's sha256 read back from the target.
 * Refuses a target that already holds data. The report lists every check; `ok` is false on any mismatch.
 */
export async function migrateToPostgres(opts: MigrateOptions): Promise<MigrateReport> {
  const log = opts.log ?? (() => undefined);
  const sqlite = openSqlite(opts.sqlitePath);
  const source = kyselyOf(sqlite);
  const pg = openPostgres(opts.pgUrl, { applicationName: 'stdhub-migrate', max: 2 });
  const problems: string[] = [];
  try {
    await migrate(source);
    log('creating the PostgreSQL schema (migrations)…');
    await migrate(pg);
    const have = sqliteTables(sqlite);
    const all = await pgTables(pg);
    const skipped: MigrateReport['skipped'] = [];
    const copy = all.filter((t) => {
      if (OWN_TABLES.has(t.name)) return false;
      if (DERIVED_TABLES.has(t.name)) return (skipped.push({ table: t.name, reason: 'search index: rebuilt' }), false);
      if (!have.has(t.name)) return (skipped.push({ table: t.name, reason: 'not in the SQLite database' }), false);
      return true;
    });
    for (const name of have.keys()) {
      if (!all.some((t) => t.name === name) && !OWN_TABLES.has(name) && !/(_fts|_fts_\w+)$/.test(name) && !/_fts(_title)?_(data|idx|content|docsize|config)$/.test(name))
        skipped.push({ table: name, reason: 'SQLite only (not in the PostgreSQL schema)' });
    }
    const ownMeta = await targetOwnMeta(pg);
    // Refuse a target holding data: a migration is a copy into a fresh database, never a merge.
    for (const t of copy) {
      const filter: RowFilter | undefined = t.name === 'meta' ? { column: 'key', notIn: ownMeta } : undefined;
      const n = await pgChecksumCount(pg, t.name, filter);
      if (n > 0) throw new Error(`the target database is not empty (table ${t.name} has ${n} rows); migrate into a fresh database`);
    }
    const order = dependencyOrder(
      copy.map((t) => t.name),
      await pgForeignKeys(pg),
    );
    const colsOf = new Map(
      copy.map((t) => {
        const src = new Set(have.get(t.name)!);
        const missing = have.get(t.name)!.filter((c) => !t.columns.some((x) => x.name === c));
        if (missing.length) problems.push(`table ${t.name}: SQLite columns missing in PostgreSQL: ${missing.join(', ')}`);
        return [t.name, t.columns.filter((c) => src.has(c.name))] as const;
      }),
    );
    await pg.transaction().execute(async (tx) => {
      for (const name of order) {
        const t = copy.find((x) => x.name === name)!;
        const filter = name === 'meta' ? { column: 'key', notIn: ownMeta } : undefined;
        const n = await copyTable(sqlite, tx, t, colsOf.get(name)!, { filter });
        log(`copied ${name}: ${n} rows`);
      }
    });

    log('rebuilding the PostgreSQL search index…');
    const search = await rebuildSearch(pg, log);
    // Fresh tables have no planner statistics until autovacuum comes by; without them the first queries of the
    // site on this database get poor plans.
    await sql`ANALYZE`.execute(pg);

    let blobSums: BlobSum[];
    let copied = false;
    if (opts.targetBlobs) {
      log('copying blobs…');
      blobSums = await copyBlobs(opts.sourceBlobs, opts.targetBlobs);
      copied = true;
    } else {
      blobSums = (await listBlobs(opts.sourceBlobs)).map((b) => ({ key: b.key, size: b.size, sha256: b.sha256 }));
    }

    log('verifying…');
    const checked = await verifyTables(sqlite, pg, order, ownMeta);
    const tables = checked.tables;
    problems.push(...checked.problems);
    if (search.indexed !== search.standards) problems.push(`search index: ${search.indexed} of ${search.standards} standards indexed`);
    if (search.clauseDocs !== search.texts) problems.push(`clause index: ${search.clauseDocs} of ${search.texts} texts indexed`);
    // Source hashes come from the source store; the target's bytes are read back and hashed.
    const expected = copied ? (await listBlobs(opts.sourceBlobs)).map((b) => ({ key: b.key, size: b.size, sha256: b.sha256 })) : blobSums;
    const blobProblems = await verifyBlobs(opts.targetBlobs ?? opts.sourceBlobs, expected);
    problems.push(...blobProblems);
    return {
      tables,
      skipped,
      search,
      blobs: { count: expected.length, bytes: expected.reduce((a, b) => a + b.size, 0), copied, problems: blobProblems },
      problems,
      ok: problems.length === 0,
    };
  } finally {
    await pg.destroy();
    await source.destroy();
  }
}

async function pgChecksumCount(pg: Kysely<any>, table: string, filter?: RowFilter): Promise<number> {
  let q = sql`SELECT COUNT(*) AS n FROM ${sql.table(table)}`;
  if (filter?.notIn.length) q = sql`${q} WHERE ${sql.ref(filter.column)} NOT IN (${sql.join(filter.notIn)})`;
  const r = await q.execute(pg);
  return Number((r.rows[0] as { n: number }).n);
}

/**
 * Rebuilds the PostgreSQL catalogue and clause indexes from the copied data (as the migrations' backfill does),
 * page by page so memory stays flat on the full catalogue.
 */
export async function rebuildSearch(pg: Kysely<any>, log: (line: string) => void = () => undefined): Promise<MigrateReport['search']> {
  await sql`DELETE FROM search_number`.execute(pg);
  await sql`DELETE FROM search_doc`.execute(pg);
  await sql`DELETE FROM clause_row`.execute(pg);
  let after = '';
  let standards = 0;
  for (let page = 0; page < 1_000_000; page++) {
    const rows = await sql<{ id: string; record: string }>`SELECT id, record FROM standard WHERE id > ${after} ORDER BY id LIMIT 500`.execute(pg);
    if (!rows.rows.length) break;
    await pg.transaction().execute((tx) => bulkIndex(tx, rows.rows.map((r) => indexRowsOf(JSON.parse(r.record) as StandardRecord))));
    standards += rows.rows.length;
    after = rows.rows[rows.rows.length - 1]!.id;
    if (page % 20 === 19) log(`  indexed ${standards} standards`);
  }
  const docs = await sql<{ id: number }>`SELECT id FROM content_doc ORDER BY id`.execute(pg);
  for (const { id } of docs.rows) {
    const secs = await sql<{ anchor: string; title: string; text: string; ord: number }>`
      SELECT anchor, title, text, ord FROM content_section WHERE doc_id = ${id} ORDER BY ord`.execute(pg);
    await writePgClauseRows(pg, Number(id), secs.rows);
  }
  const n = async (q: ReturnType<typeof sql>) => Number(((await q.execute(pg)).rows[0] as { n: number }).n);
  return {
    standards: await n(sql`SELECT COUNT(*) AS n FROM standard`),
    indexed: await n(sql`SELECT COUNT(*) AS n FROM search_doc WHERE deleted = 0`),
    // Texts with some indexable section (a text of empty sections has no clause rows).
    texts: await n(sql`SELECT COUNT(DISTINCT doc_id) AS n FROM content_section WHERE title <> '' OR text <> ''`),
    clauseDocs: await n(sql`SELECT COUNT(DISTINCT doc_id) AS n FROM clause_row`),
  };
}

/**
 * Writes the index rows of many records into empty search tables: the same rows as writePgIndexRows
 * (src/search/adapters/pg-indexer.ts) — the same columns and tsvectorOf — but three statements per page instead of
 * four per record, which made the rebuild of the full ISO catalogue (72k records) take minutes instead of a quarter
 * of an hour. The page shares one generation number.
 */
async function bulkIndex(tx: Kysely<any>, list: IndexRows[]): Promise<void> {
  if (!list.length) return;
  const gen = Number(((await sql<{ gen: number }>`UPDATE search_state SET gen = gen + 1 WHERE id = 1 RETURNING gen`.execute(tx)).rows[0] as { gen: number }).gen);
  const inserted = await sql<{ rowid: number; std_id: string }>`INSERT INTO search_doc
    (std_id, number, titles, gen, deleted, body, status, nature, doc_type, year, ics, ccs, date_key, number_key, title_len, all_len, tsv)
    VALUES ${sql.join(
      list.map((rows) => {
        const d = rows.doc;
        return sql`(${d.std_id}, ${d.number}, ${d.titles}, ${gen}, 0, ${d.body}, ${d.status}, ${d.nature}, ${d.doc_type}, ${d.year}, ${d.ics},
          ${d.ccs}, ${d.date_key}, ${d.number_key}, ${d.title_len}, ${d.all_len}, ${tsvectorOf(rows.fts.title, otherText(rows))})`;
      }),
    )} RETURNING rowid, std_id`.execute(tx);
  const rowidOf = new Map(inserted.rows.map((r) => [r.std_id, Number(r.rowid)]));
  const numbers = list.flatMap((rows) => rows.numbers.map((n) => ({ ...n, doc: rowidOf.get(rows.doc.std_id)! })));
  for (let i = 0; i < numbers.length; i += 2000) {
    await sql`INSERT INTO search_number (num, doc, exact, supplement, year) VALUES ${sql.join(
      numbers.slice(i, i + 2000).map((n) => sql`(${n.num}, ${n.doc}, ${n.exact}, ${n.supplement}, ${n.year})`),
    )}`.execute(tx);
  }
}
