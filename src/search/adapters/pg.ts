import { sql, type Kysely, type RawBuilder } from 'kysely';
import { looksLikeIdentifier, parseIdentifier } from '../../catalogue/identifier.js';
import { identifierNorm } from '../../catalogue/normalise.js';
import { selectAndCount } from '../facets.js';
import type { CatalogueSearch, SearchHit, SearchQuery, SearchResult } from '../ports.js';
import { parseNumberQuery, planTextQuery, withoutTerms, type TextQuery } from '../query.js';
import { segment } from '../segment.js';
import { NOT_IN_FORCE } from './bm25.js';
import { Candidates } from './candidates.js';
import type { DocTable } from './doc-table.js';
import { PgDocTable, PgPageReader } from './pg-docs.js';
import { ftsToken } from './pg-indexer.js';
import { identifierOrder, MAX_OR_TERMS, NUMBER_SCORE, numberIdentifier, numberOrder, rowOrder, searchHits, searchParams, superseded, type NumRow, type SearchParams } from './results.js';

export { PgIndexer } from './pg-indexer.js';
export { MAX_PAGE_SIZE } from './results.js';

/**
 * The catalogue search port on PostgreSQL (migration 002's PostgreSQL branch, written by pg-indexer.ts). The same
 * steps as the SQLite engine (fts5-engine.ts), so both answer the same queries with the same hits:
 *   1. identifier hits: identifier.norm, the family (current edition first), sub-series members, bare numbers
 *      (search_number) — the same SQL lookups, ranked above any text hit.
 *   2. text hits: the query plan of query.ts (the same segmented terms, stop words, caps); each term a `simple`
 *      tsquery lexeme of the token as FTS5 matches it (Porter stem, pg-indexer.ts); all terms required, else any. Ranked by PostgreSQL: with the
 *      rum index its distance operator (tsv <=> query), else ts_rank over the weighted tsvector (titles A, the
 *      rest D), times the catalogue's prior for records not in force (bm25.ts NOT_IN_FORCE).
 *   3. filters and disjunctive facets over the whole match set in memory (the same DocTable and selectAndCount),
 *      then sort and page; 4. the page: summaries, highlights built in JS from the original titles, successors.
 * Ranking therefore differs from SQLite's BM25 in order within the text tier (declared as data in the agreement
 * test, src/search/agreement.pg.test.ts); which records are hits, totals and facets do not.
 */

/** One query term as a tsquery: the token as FTS5 would match it (pg-indexer.ts ftsToken), `simple` config. */
function termQuery(term: string): RawBuilder<unknown> {
  return sql`plainto_tsquery('simple', ${ftsToken(term)}::text)`;
}

/** The tsquery of a plan: every term (AND) or any term (OR). */
export function planTsquery(terms: string[], mode: 'all' | 'any'): RawBuilder<unknown> {
  return sql`(${sql.join(terms.map(termQuery), mode === 'all' ? sql` && ` : sql` || `)})`;
}

export interface PgSearchOptions {
  /** 'rum' or 'gin': read from meta('search.pg_index') when not given. */
  index?: 'rum' | 'gin';
}

/** Creates the PostgreSQL catalogue search over `db` (queries run on the pool; no worker threads needed). */
export async function createPgSearch(db: Kysely<any>, opts: PgSearchOptions = {}): Promise<CatalogueSearch & { index: 'rum' | 'gin'; engine: PgSearchEngine }> {
  const index = opts.index ?? (await pgSearchIndexKind(db));
  const engine = new PgSearchEngine(db, index);
  return { index, engine, search: (q) => engine.search(q), close: async () => {} };
}

/** The full-text index kind migration 002 made on this database. */
export async function pgSearchIndexKind(db: Kysely<any>): Promise<'rum' | 'gin'> {
  const r = await sql<{ value: string }>`SELECT value FROM meta WHERE key = 'search.pg_index'`.execute(db);
  return r.rows[0]?.value === 'rum' ? 'rum' : 'gin';
}

export class PgSearchEngine {
  readonly docs: PgDocTable;
  private readonly page: PgPageReader;

  constructor(
    private readonly db: Kysely<any>,
    readonly index: 'rum' | 'gin',
  ) {
    this.docs = new PgDocTable(db);
    this.page = new PgPageReader(db);
  }

  /** Runs one query. Never throws on query text or filters; only a broken database can make it throw. */
  async search(input: SearchQuery): Promise<SearchResult> {
    const docs = await this.docs.refresh();
    const params = searchParams(input);
    const { q, sort } = params;

    const ids = q ? await this.identifierHits(q, docs) : { identifier: null, prefix: null, rowids: [] as number[] };
    let plan: TextQuery = q ? planTextQuery(q) : { terms: [], all: null, any: null };
    if (ids.prefix && ids.rowids.length) plan = withoutTerms(plan, new Set(segment(ids.prefix, 'query')));
    // Per query (queries interleave on the pool, unlike the synchronous SQLite engine).
    const cand = new Candidates().begin(docs.capacity);
    ids.rowids.forEach((rowid, i) => cand.add(rowid, NUMBER_SCORE - i));
    if (plan.all) await this.match(plan, sort === 'relevance', cand, docs);
    return this.result(params, cand, ids, plan.terms, docs);
  }

  private async result(
    { q, filters, sort, page, pageSize }: SearchParams,
    cand: Candidates,
    ids: { identifier: string | null; rowids: number[] },
    terms: string[],
    docs: DocTable,
  ): Promise<SearchResult> {
    const from = (page - 1) * pageSize;
    const sel = selectAndCount(q ? cand.list : docs.rowids(), docs, filters);
    const ordered = sel.selected.sort(rowOrder(q ? cand : null, q ? sort : sort === 'relevance' ? 'number' : sort, docs));
    const pageRows = ordered.slice(from, from + pageSize);
    return {
      total: sel.selected.length,
      page,
      pageSize,
      items: await this.hits(pageRows, cand, new Set(ids.rowids), terms, docs),
      facets: sel.facets,
      interpreted: { identifier: ids.identifier, terms },
    };
  }

  /** Text hits with PostgreSQL's scores (see the module comment); identifier hits keep their higher scores. */
  private async match(plan: TextQuery, ranked: boolean, cand: Candidates, docs: DocTable): Promise<void> {
    const add = (rows: { rowid: number; score: number }[]) => {
      for (const r of rows) {
        const rowid = Number(r.rowid);
        const s = ranked ? Number(r.score) * (docs.currentRank[rowid] ? NOT_IN_FORCE : 1) : 0;
        cand.add(rowid, s);
      }
    };
    const all = await this.matching(planTsquery(plan.terms, 'all'), ranked);
    if (all.length) return add(all);
    if (plan.terms.length < 2) return;
    add(await this.matching(planTsquery(plan.terms.slice(0, MAX_OR_TERMS), 'any'), ranked));
  }

  private async matching(query: RawBuilder<unknown>, ranked: boolean): Promise<{ rowid: number; score: number }[]> {
    // rum: 1 / distance (the distance is 1 / ts_rank_cd-like score, so larger is better either way).
    const score = !ranked
      ? sql`0`
      : this.index === 'rum'
        ? sql`1.0 / greatest(tsv <=> q, 1e-9)`
        : sql`ts_rank(tsv, q)`;
    const r = await sql<{ rowid: number; score: number }>`
      SELECT rowid, ${score} AS score FROM search_doc, (SELECT ${query} AS q) AS query WHERE tsv @@ q AND deleted = 0`.execute(this.db);
    return r.rows;
  }

  /** Identifier and bare-number hits, best first (as fts5-engine.ts). */
  private async identifierHits(q: string, docs: DocTable): Promise<{ identifier: string | null; prefix: string | null; rowids: number[] }> {
    if (!looksLikeIdentifier(q)) return { identifier: null, prefix: null, rowids: [] };
    const parsed = parseIdentifier(q);
    const rowids = async (query: RawBuilder<{ rowid: number }>) => (await query.execute(this.db)).rows.map((r) => Number(r.rowid));
    if (parsed) {
      const norm = identifierNorm(q);
      const byNorm = await rowids(sql`SELECT DISTINCT d.rowid FROM identifier i JOIN search_doc d ON d.std_id = i.std_id WHERE i.norm = ${norm}`);
      const family = await rowids(
        sql`SELECT DISTINCT d.rowid FROM identifier i JOIN search_doc d ON d.std_id = i.std_id WHERE i.family = ${parsed.familyKey.toUpperCase()}`,
      );
      const members = await rowids(sql`SELECT DISTINCT d.rowid FROM relation r JOIN search_doc d ON d.std_id = r.std_id
        WHERE r.target_norm = ${norm} AND r.type = 'partOf'`);
      return { identifier: parsed.canonical, prefix: parsed.prefix, rowids: identifierOrder(docs, byNorm, family, members) };
    }
    const n = parseNumberQuery(q);
    if (!n) return { identifier: null, prefix: null, rowids: [] };
    const rows = (
      await sql<{ doc: number; exact: number; supplement: number; year: number | null }>`
        SELECT doc, exact, supplement, year FROM search_number WHERE num = ${n.number.toUpperCase()}`.execute(this.db)
    ).rows.map((r): NumRow => [Number(r.doc), Number(r.exact), Number(r.supplement), r.year === null ? null : Number(r.year)]);
    return { identifier: numberIdentifier(n), prefix: null, rowids: numberOrder(docs, n, rows) };
  }

  private async hits(rows: number[], cand: Candidates, byNumber: Set<number>, terms: string[], docs: DocTable): Promise<SearchHit[]> {
    const summaries = await this.page.summaries(rows);
    const lineage = await this.page.successors(superseded(rows, docs));
    return searchHits(rows, summaries, lineage, cand, byNumber, terms);
  }
}
