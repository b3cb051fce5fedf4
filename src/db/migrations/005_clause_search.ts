import { sql, type Kysely } from 'kysely';
import { writeClauseRows } from '../../search/clause/indexer.js';
import { createPgClauseTables, writePgClauseRows } from '../../search/clause/pg.js';
import { dialectOf } from '../dialect.js';

/**
 * Clause full-text search (src/search/clause): one FTS5 row per content section (the section's own title and
 * text, segmented by the catalogue's segmenter — jieba for Chinese, porter stemming over unicode61 for English).
 *
 * - clause_fts(title, text): contentless (the text lives once, in content_section; snippets are built from it),
 *   contentless_delete=1 so rows can be replaced, detail=column (bm25 needs per-column counts, not positions:
 *   half the insert time of detail=full and a smaller index).
 * - clause_row: rowid = FTS rowid = content_doc.id × 2^20 + section order, so a hit's document is known from the
 *   rowid alone (grouping by standard needs no join); doc_id and anchor lead to the original section text.
 *   ON DELETE CASCADE from content_doc plus the trigger below keep the FTS rows in step even when a text is
 *   removed by deleting its standard (the content store's indexer hook only runs on put()).
 *
 * Texts stored before this migration are indexed here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL: one clause_row table with tsvector columns instead of FTS5 (src/search/clause/pg.ts).
  const pg = dialectOf(db) === 'postgres';
  if (pg) await createPgClauseTables(db);
  else await createFts5ClauseTables(db);
  const write = pg ? writePgClauseRows : writeClauseRows;

  // Backfill document by document (memory stays flat on the full RFC series).
  const docs = await sql<{ id: number }>`SELECT id FROM content_doc ORDER BY id`.execute(db);
  for (const { id } of docs.rows) {
    const rows = await sql<{ anchor: string; title: string; text: string; ord: number }>`
      SELECT anchor, title, text, ord FROM content_section WHERE doc_id = ${id} ORDER BY ord`.execute(db);
    await write(db, Number(id), rows.rows);
  }
}

async function createFts5ClauseTables(db: Kysely<any>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE clause_fts USING fts5(
    title, text,
    content = '', contentless_delete = 1, detail = column,
    tokenize = 'porter unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`CREATE TABLE clause_row (
    rowid INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES content_doc(id) ON DELETE CASCADE,
    anchor TEXT NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX clause_row_doc ON clause_row (doc_id)`.execute(db);
  await sql`CREATE TRIGGER clause_row_delete AFTER DELETE ON clause_row BEGIN
    DELETE FROM clause_fts WHERE rowid = old.rowid;
  END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS clause_row_delete`.execute(db);
  await sql`DROP TABLE IF EXISTS clause_row`.execute(db);
  await sql`DROP TABLE IF EXISTS clause_fts`.execute(db);
}
