import { sql, type Kysely } from 'kysely';
import type { StandardRecord } from '../../catalogue/model.js';
import { writeIndexRows } from '../../search/adapters/fts5-indexer.js';
import { indexRowsOf } from '../../search/index-rows.js';
import { dialectOf } from '../dialect.js';
import { createPgSearchTables, writePgIndexRows } from '../../search/adapters/pg-indexer.js';
import { createSearchNumberTable, SEARCH_DOC_FACET_COLUMNS } from '../../search/adapters/search-doc.js';

/**
 * Catalogue search on SQLite FTS5 (see src/search/adapters/fts5-indexer.ts for how the tables are written and
 * fts5-engine.ts for how they are queried).
 *
 * - catalogue_fts: everything searchable of a record (identifiers, titles in all languages, keywords, committee
 *   and contributors, abstracts) as one pre-segmented text (jieba for Chinese, done in JS), with porter stemming
 *   over unicode61 for English. Decides what matches: all query terms anywhere in the record.
 * - catalogue_fts_title: identifiers and titles only. A record found here too ranks in the title tier.
 *
 * Both are contentless (the text lives in the catalogue, not twice; highlights are built from the original
 * titles), contentless_delete=1 (SQLite ≥ 3.43) so rows can be replaced, and detail=none: rowids only, no positions.
 * Ranking is BM25 evaluated in JS from these match sets and the lengths in search_doc, not FTS5's bm25(): that
 * function scans each term's whole doclist for its IDF on every query (6 ms for 'iso', in 62k records) and reads
 * positions and sizes per matching row (~2 µs a row), which put broad queries at 15–50 ms. Query terms are single
 * tokens (src/search/query.ts), so no phrase queries are needed.
 * - search_doc: one row per indexed standard, rowid = FTS rowid (an explicit INTEGER PRIMARY KEY, so VACUUM keeps
 *   it), holding what a hit shows (number, display titles as JSON: one row read per hit instead of the title
 *   table's eight rows of an ISO record), the facet and sort columns, the token counts of its two FTS rows, and
 *   the generation of its last write.
 * - search_number: number parts of identifiers, for bare-number queries ('29772', '9001:2015').
 * - search_state: the generation counter readers compare to refresh their in-memory facet table.
 *
 * Existing standards (a database imported before this migration) are indexed here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL: the same search_doc / search_number / search_state plus a weighted tsvector column instead of the
  // FTS5 tables (src/search/adapters/pg-indexer.ts).
  const pg = dialectOf(db) === 'postgres';
  if (pg) await createPgSearchTables(db);
  else await createFts5Tables(db);
  const write = pg ? writePgIndexRows : writeIndexRows;

  // Backfill in id order, in pages, so memory stays flat on a large catalogue.
  let after = '';
  for (;;) {
    const page = await sql<{ id: string; record: string }>`
      SELECT id, record FROM standard WHERE id > ${after} ORDER BY id LIMIT 500`.execute(db);
    if (!page.rows.length) break;
    for (const row of page.rows) await write(db, indexRowsOf(JSON.parse(row.record) as StandardRecord));
    after = page.rows[page.rows.length - 1].id;
  }
}

async function createFts5Tables(db: Kysely<any>): Promise<void> {
  for (const table of ['catalogue_fts', 'catalogue_fts_title']) {
    await sql`CREATE VIRTUAL TABLE ${sql.table(table)} USING fts5(
      text,
      content = '', contentless_delete = 1, detail = none,
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  }
  await sql`CREATE TABLE search_doc (
    rowid INTEGER PRIMARY KEY,
    std_id TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL,
    titles TEXT NOT NULL,
    gen INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    ${SEARCH_DOC_FACET_COLUMNS}
  )`.execute(db);
  await sql`CREATE INDEX search_doc_gen ON search_doc (gen)`.execute(db);
  await createSearchNumberTable(db);
  await sql`CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL)`.execute(db);
  await sql`INSERT INTO search_state (id, gen) VALUES (1, 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['catalogue_fts', 'catalogue_fts_title', 'search_doc', 'search_number', 'search_state']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
}
