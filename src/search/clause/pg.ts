import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ContentDocument } from '../../content/model.js';
import type { ContentIndexer, StoredSection } from '../../content/ports.js';
import { PgDocTable, PgPageReader } from '../adapters/pg-docs.js';
import { planTsquery } from '../adapters/pg.js';
import { ftsText } from '../adapters/pg-indexer.js';
import { selectAndCount } from '../facets.js';
import type { CatalogueSearch } from '../ports.js';
import { clauseIndexRows, docIdOfRowid } from './indexer.js';
import type { ClauseQuery, ClauseSearch, ClauseSearchResult } from './ports.js';
import { hiddenStandards, NON_PUBLIC_TEXTS_SQL, type NonPublicText } from './access.js';
import {
  clauseGroups,
  clauseParams,
  groupByStandard,
  MAX_CANDIDATES,
  rankPage,
  shownRowids,
  withCatalogueMatches,
  type DocInfo,
  type SectionRow,
} from './shared.js';

/**
 * Clause search on PostgreSQL: the SQLite design (engine.ts, indexer.ts) with a tsvector in place of FTS5.
 *
 * Table (migration 005 on PostgreSQL): clause_row(rowid BIGINT = content_doc.id × 2^20 + section order, doc_id,
 * anchor, tsv, tsv_title). tsv holds the section's segmented title and own text, tsv_title the title alone, each
 * a `simple` tsvector of the tokens as FTS5 indexes them (Porter stems, the catalogue's scheme: pg-indexer.ts);
 * GIN indexes on both. ON DELETE
 * CASCADE from content_doc removes a text's rows with it (no FTS shadow table to keep in step, so no trigger).
 *
 * Ranking is the SQLite engine's, from match sets only (title match 2, text match 1; a standard by its best clause
 * plus log2(1 + matching clauses); ties to the newest document), over the same capped candidate list (the newest
 * MAX_CANDIDATES matching clauses by rowid), so both databases give the same groups in the same order.
 */

const CHUNK = 200;

type Executor = Kysely<any>;

/** Creates the clause table (migration 005's PostgreSQL branch). */
export async function createPgClauseTables(db: Executor): Promise<void> {
  await sql`CREATE TABLE clause_row (
    rowid BIGINT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES content_doc(id) ON DELETE CASCADE,
    anchor TEXT NOT NULL,
    tsv TSVECTOR NOT NULL,
    tsv_title TSVECTOR NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX clause_row_doc ON clause_row (doc_id)`.execute(db);
  await sql`CREATE INDEX clause_row_tsv ON clause_row USING gin (tsv)`.execute(db);
  await sql`CREATE INDEX clause_row_tsv_title ON clause_row USING gin (tsv_title)`.execute(db);
}

const vec = (segmented: string): RawBuilder<unknown> => sql`to_tsvector('simple', ${ftsText(segmented)}::text)`;

/** Indexes the sections of one document (rows for that document must not exist yet). */
export async function writePgClauseRows(db: Executor, docId: number, sections: readonly Pick<StoredSection, 'anchor' | 'title' | 'text' | 'ord'>[]): Promise<void> {
  const rows = clauseIndexRows(docId, sections);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`INSERT INTO clause_row (rowid, doc_id, anchor, tsv, tsv_title) VALUES ${sql.join(
      part.map((r) => sql`(${r.rowid}, ${docId}, ${r.anchor}, ${vec(`${r.title} ${r.text}`)}, ${vec(r.title)})`),
    )}`.execute(db);
  }
}

/** The content store's indexer for clause search on PostgreSQL (runs in the store's put() transaction). */
export class ClausePgIndexer implements ContentIndexer {
  async index(tx: unknown, docId: number, _doc: ContentDocument, sections: StoredSection[]): Promise<void> {
    await sql`DELETE FROM clause_row WHERE doc_id = ${docId}`.execute(tx as Executor);
    await writePgClauseRows(tx as Executor, docId, sections);
  }

  async remove(tx: unknown, docId: number): Promise<void> {
    await sql`DELETE FROM clause_row WHERE doc_id = ${docId}`.execute(tx as Executor);
  }
}

/** The clause engine on PostgreSQL (steps as in engine.ts). */
export class PgClauseEngine {
  private readonly docs: PgDocTable;
  private readonly page: PgPageReader;

  constructor(private readonly db: Executor) {
    this.docs = new PgDocTable(db);
    this.page = new PgPageReader(db);
  }

  async search(input: ClauseQuery): Promise<Omit<ClauseSearchResult, 'catalogue'>> {
    const docs = await this.docs.refresh();
    const { filters, page, pageSize, plan, empty } = clauseParams(input);
    if (!plan.all) return empty;

    let query = planTsquery(plan.terms, 'all');
    let ids = await this.match(query, 'tsv');
    if (!ids.length && plan.any) ids = await this.match((query = planTsquery(plan.terms, 'any')), 'tsv');
    if (!ids.length) return empty;
    const exact = ids.length <= MAX_CANDIDATES;
    if (!exact) ids = ids.slice(0, MAX_CANDIDATES);
    const inTitle = new Set(await this.match(query, 'tsv_title', ids));
    const rows: [number, number][] = ids.map((r) => [r, inTitle.has(r) ? 2 : 1]);

    const info = await this.docInfo([...new Set(rows.map(([r]) => docIdOfRowid(r)))]);
    // Not-disclosed texts and restricted ones the caller may not read contribute nothing (access.ts).
    const hidden = hiddenStandards((await sql.raw<NonPublicText>(NON_PUBLIC_TEXTS_SQL).execute(this.db)).rows, input?.access);
    const { groups, visible } = groupByStandard(rows, info, hidden);
    const { selected, facets } = selectAndCount(groups.keys(), docs, filters);
    const { pageRows, shown } = rankPage(selected, groups, page, pageSize);
    const sections = await this.sections(shownRowids(shown));
    const summaries = await this.page.summaries(pageRows.map(([r]) => r));
    const out = clauseGroups(pageRows, shown, groups, sections, summaries, info, plan.terms);
    return { total: selected.length, clauses: visible, exact, page, pageSize, groups: out, facets, interpreted: { identifier: null, terms: plan.terms } };
  }

  /** Matching clause rowids, newest first, at most MAX_CANDIDATES + 1 (or only among `within`). */
  private async match(query: RawBuilder<unknown>, column: 'tsv' | 'tsv_title', within?: number[]): Promise<number[]> {
    const r = within
      ? await sql<{ rowid: number }>`SELECT rowid FROM clause_row, (SELECT ${query} AS q) AS query
          WHERE ${sql.ref(column)} @@ q AND rowid = ANY(${within}::bigint[])`.execute(this.db)
      : await sql<{ rowid: number }>`SELECT rowid FROM clause_row, (SELECT ${query} AS q) AS query
          WHERE ${sql.ref(column)} @@ q ORDER BY rowid DESC LIMIT ${MAX_CANDIDATES + 1}`.execute(this.db);
    return r.rows.map((x) => Number(x.rowid));
  }

  private async docInfo(ids: number[]): Promise<Map<number, DocInfo>> {
    const out = new Map<number, DocInfo>();
    if (!ids.length) return out;
    const r = await sql<{ id: number; std_id: string; lang: string; rowid: number }>`
      SELECT d.id, d.std_id, d.lang, s.rowid FROM content_doc d JOIN search_doc s ON s.std_id = d.std_id
      WHERE d.id = ANY(${ids}::int[])`.execute(this.db);
    for (const x of r.rows) out.set(Number(x.id), { stdId: x.std_id, lang: x.lang, stdRow: Number(x.rowid) });
    return out;
  }

  private async sections(rowids: number[]): Promise<Map<number, SectionRow>> {
    const out = new Map<number, SectionRow>();
    if (!rowids.length) return out;
    const r = await sql<{ rowid: number; anchor: string; num: string | null; title: string; text: string }>`
      SELECT c.rowid, c.anchor, s.num, s.title, s.text FROM clause_row c
      JOIN content_section s ON s.doc_id = c.doc_id AND s.anchor = c.anchor
      WHERE c.rowid = ANY(${rowids}::bigint[])`.execute(this.db);
    for (const x of r.rows) out.set(Number(x.rowid), { anchor: x.anchor, num: x.num, title: x.title, text: x.text });
    return out;
  }
}

/** The ClauseSearch port on PostgreSQL; identifier queries also go to the catalogue search (as on SQLite). */
export function createPgClauseSearch(db: Executor, catalogue: CatalogueSearch): ClauseSearch {
  const engine = new PgClauseEngine(db);
  return {
    search: (q: ClauseQuery): Promise<ClauseSearchResult> => withCatalogueMatches(q, (x) => engine.search(x), catalogue),
    async close() {},
  };
}
