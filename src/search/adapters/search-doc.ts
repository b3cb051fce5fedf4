import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * What the FTS5 (fts5-indexer.ts) and PostgreSQL (pg-indexer.ts) catalogue indexes share: search_doc's facet and
 * sort columns, the search_number table, and the generation protocol of every write (migration 002 creates both).
 * The statements here are the same on both databases.
 */

type Executor = Kysely<any>;

/** search_doc's facet and sort columns and token counts (after gen and deleted), as written in CREATE TABLE. */
export const SEARCH_DOC_FACET_COLUMNS: RawBuilder<unknown> = sql.raw(`body TEXT NOT NULL,
    status TEXT NOT NULL,
    nature TEXT,
    doc_type TEXT NOT NULL,
    year INTEGER,
    ics TEXT NOT NULL DEFAULT '',
    ccs TEXT NOT NULL DEFAULT '',
    date_key TEXT,
    number_key TEXT NOT NULL,
    title_len INTEGER NOT NULL DEFAULT 0,
    all_len INTEGER NOT NULL DEFAULT 0`);

/** Creates search_number (number parts of identifiers, for bare-number queries) and its indexes. */
export async function createSearchNumberTable(db: Executor): Promise<void> {
  await sql`CREATE TABLE search_number (
    num TEXT NOT NULL,
    doc INTEGER NOT NULL,
    exact INTEGER NOT NULL,
    supplement INTEGER NOT NULL,
    year INTEGER
  )`.execute(db);
  await sql`CREATE INDEX search_number_num ON search_number (num)`.execute(db);
  await sql`CREATE INDEX search_number_doc ON search_number (doc)`.execute(db);
}

/**
 * Every write takes the next generation; readers reload only rows with a newer one. On PostgreSQL the UPDATE locks
 * the one search_state row until the transaction ends, so generations are handed out in commit order and a reader
 * that saw generation g has seen every row up to g (SQLite has one writer at a time anyway).
 */
export async function nextGeneration(db: Executor): Promise<number> {
  const r = await sql<{ gen: number }>`UPDATE search_state SET gen = gen + 1 WHERE id = 1 RETURNING gen`.execute(db);
  return Number(r.rows[0]?.gen ?? 0);
}

/** The search_doc rowid of a standard, or null when it was never indexed. */
export async function rowidOf(db: Executor, stdId: string): Promise<number | null> {
  const r = await sql<{ rowid: number }>`SELECT rowid FROM search_doc WHERE std_id = ${stdId}`.execute(db);
  return r.rows.length ? Number(r.rows[0].rowid) : null;
}
