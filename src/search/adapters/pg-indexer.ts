import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StandardRecord } from '../../catalogue/model.js';
import type { RecordIndexer } from '../../catalogue/ports.js';
import { tryExtension } from '../../db/postgres.js';
import { indexRowsOf, type IndexRows } from '../index-rows.js';
import { porterStem } from '../porter.js';
import { createSearchNumberTable, nextGeneration, rowidOf, SEARCH_DOC_FACET_COLUMNS } from './search-doc.js';

/**
 * The catalogue search index on PostgreSQL, written inside the catalogue's upsert/remove transaction like the FTS5
 * one (fts5-indexer.ts), from the same IndexRows (the same jieba-segmented text, src/search/index-rows.ts).
 *
 * Tables (migration 002 on PostgreSQL): search_doc, search_number and search_state exactly as on SQLite (rowid is a
 * SERIAL key; readers keep the same in-memory facet table, refreshed by generation), plus search_doc.tsv: the
 * segmented identifiers and titles at weight A and everything else searchable at weight D, as a `simple` tsvector
 * (no dictionary: every token as it is, Chinese words from jieba included) of the tokens as FTS5 indexes them
 * (ftsToken: diacritics folded, Porter stem). Why not the `english` configuration for the stems: its Snowball
 * stemmer conflates other words than FTS5's Porter stemmer ('HTTPS' stays 'https' in Snowball, becomes 'http' in
 * Porter), and on the demo corpus the query 'http' then found 136 records on PostgreSQL and 140 on SQLite; the
 * two databases must give the same hits, so both stem with Porter.
 *
 * Index: `rum` (rum_tsvector_ops) when the extension can be created — it can return matches in rank order and
 * keeps positions for its distance operator `<=>` — else GIN. Which one the migration made is recorded in
 * meta('search.pg_index') and read by the search adapter to choose its ranking expression.
 */

type Executor = Kysely<any>;

/**
 * One token as FTS5's `porter unicode61 remove_diacritics 2` tokenizer indexes it: diacritics folded (café → cafe),
 * then the Porter stem (doors → door; the same algorithm as FTS5, src/search/porter.ts). Chinese words and numbers
 * pass unchanged. Index and query both go through this, so PostgreSQL matches exactly what SQLite matches.
 */
export function ftsToken(token: string): string {
  const folded = /[\u0300-\u036f]/.test(token.normalize('NFD')) ? token.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC') : token;
  return porterStem(folded);
}

/** A segmented text (space-separated tokens, segment.ts) as FTS5 would index it: every token through ftsToken(). */
export function ftsText(segmented: string): string {
  return segmented ? segmented.split(' ').map(ftsToken).join(' ') : '';
}

/** The weighted tsvector of one record's index texts (title tier A, the rest D), `simple` config on ftsText(). */
export function tsvectorOf(title: string, other: string): RawBuilder<unknown> {
  return sql`setweight(to_tsvector('simple', ${ftsText(title)}::text), 'A') || setweight(to_tsvector('simple', ${ftsText(other)}::text), 'D')`;
}

/** The part of IndexRows.fts.all that is not the title text (all = title + ' ' + the rest, see index-rows.ts). */
export function otherText(rows: IndexRows): string {
  const { title, all } = rows.fts;
  if (!title) return all;
  return all.startsWith(title) ? all.slice(title.length).trim() : all;
}

/** Creates the PostgreSQL search tables and indexes (migration 002); returns the full-text index kind used. */
export async function createPgSearchTables(db: Executor): Promise<'rum' | 'gin'> {
  const rum = await tryExtension(db, 'rum');
  // pg_trgm: trigram indexes for substring (LIKE '%…%') lookups, installed when the server has it so stores that
  // search names or e-mail addresses by substring can index them. Catalogue search adds no substring fallback of
  // its own: the SQLite adapter has none, and both must find the same records.
  const trgm = await tryExtension(db, 'pg_trgm');
  await sql`CREATE TABLE search_doc (
    rowid SERIAL PRIMARY KEY,
    std_id TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL,
    titles TEXT NOT NULL,
    gen BIGINT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    ${SEARCH_DOC_FACET_COLUMNS},
    tsv TSVECTOR NOT NULL DEFAULT ''
  )`.execute(db);
  await sql`CREATE INDEX search_doc_gen ON search_doc (gen)`.execute(db);
  if (rum) await sql`CREATE INDEX search_doc_tsv ON search_doc USING rum (tsv rum_tsvector_ops)`.execute(db);
  else await sql`CREATE INDEX search_doc_tsv ON search_doc USING gin (tsv)`.execute(db);
  await createSearchNumberTable(db);
  await sql`CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), gen BIGINT NOT NULL)`.execute(db);
  await sql`INSERT INTO search_state (id, gen) VALUES (1, 0)`.execute(db);
  const kind = rum ? 'rum' : 'gin';
  await sql`INSERT INTO meta (key, value) VALUES ('search.pg_index', ${kind})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db);
  await sql`INSERT INTO meta (key, value) VALUES ('search.pg_trgm', ${trgm ? 'yes' : 'no'})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db);
  return kind;
}

/** Writes (or rewrites) one record's index rows. */
export async function writePgIndexRows(db: Executor, rows: IndexRows): Promise<void> {
  const gen = await nextGeneration(db);
  const d = rows.doc;
  const tsv = tsvectorOf(rows.fts.title, otherText(rows));
  let rowid = await rowidOf(db, d.std_id);
  if (rowid !== null) {
    await sql`DELETE FROM search_number WHERE doc = ${rowid}`.execute(db);
    await sql`UPDATE search_doc SET gen = ${gen}, deleted = 0, number = ${d.number}, titles = ${d.titles}, body = ${d.body},
      status = ${d.status}, nature = ${d.nature}, doc_type = ${d.doc_type}, year = ${d.year}, ics = ${d.ics}, ccs = ${d.ccs},
      date_key = ${d.date_key}, number_key = ${d.number_key}, title_len = ${d.title_len}, all_len = ${d.all_len}, tsv = ${tsv}
      WHERE rowid = ${rowid}`.execute(db);
  } else {
    const r = await sql<{ rowid: number }>`INSERT INTO search_doc
      (std_id, number, titles, gen, deleted, body, status, nature, doc_type, year, ics, ccs, date_key, number_key, title_len, all_len, tsv)
      VALUES (${d.std_id}, ${d.number}, ${d.titles}, ${gen}, 0, ${d.body}, ${d.status}, ${d.nature}, ${d.doc_type}, ${d.year}, ${d.ics},
      ${d.ccs}, ${d.date_key}, ${d.number_key}, ${d.title_len}, ${d.all_len}, ${tsv}) RETURNING rowid`.execute(db);
    rowid = Number(r.rows[0].rowid);
  }
  if (rows.numbers.length) {
    await sql`INSERT INTO search_number (num, doc, exact, supplement, year) VALUES ${sql.join(
      rows.numbers.map((n) => sql`(${n.num}, ${rowid}, ${n.exact}, ${n.supplement}, ${n.year})`),
    )}`.execute(db);
  }
}

/** Removes one record from the index: its search_doc row stays as a tombstone (deleted = 1, empty tsvector). */
export async function removePgIndexRows(db: Executor, stdId: string): Promise<void> {
  const rowid = await rowidOf(db, stdId);
  if (rowid === null) return;
  const gen = await nextGeneration(db);
  await sql`DELETE FROM search_number WHERE doc = ${rowid}`.execute(db);
  await sql`UPDATE search_doc SET deleted = 1, gen = ${gen}, tsv = ''::tsvector WHERE rowid = ${rowid}`.execute(db);
}

/** The catalogue's RecordIndexer on PostgreSQL; `tx` is the upsert's Kysely transaction. */
export class PgIndexer implements RecordIndexer {
  async index(tx: unknown, record: StandardRecord): Promise<void> {
    await writePgIndexRows(tx as Executor, indexRowsOf(record));
  }

  async remove(tx: unknown, id: string): Promise<void> {
    await removePgIndexRows(tx as Executor, id);
  }
}
