import type BetterSqlite3 from 'better-sqlite3';
import { looksLikeIdentifier, parseIdentifier } from '../../catalogue/identifier.js';
import { identifierNorm } from '../../catalogue/normalise.js';
import { selectAndCount } from '../facets.js';
import type { SearchFilters, SearchHit, SearchQuery, SearchResult, SearchSort } from '../ports.js';
import { parseNumberQuery, planTextQuery, quoteFts, withoutTerms, type TextQuery } from '../query.js';
import { segment } from '../segment.js';
import { scoreAll, scoreAny } from './bm25.js';
import { Candidates, RowMarks } from './candidates.js';
import { DocTable } from './doc-table.js';
import { PageReader } from './page-reader.js';
import { identifierOrder, MAX_OR_TERMS, NUMBER_SCORE, numberIdentifier, numberOrder, rowOrder, searchHits, searchParams, superseded, type NumRow, type SearchParams } from './results.js';

export { MAX_PAGE_SIZE } from './results.js';

/**
 * The synchronous search engine over one better-sqlite3 connection (the writer's in inline mode, a read-only one
 * in each worker thread). One query:
 *   1. identifier hits: an identifier query ('gb 12955', 'GB/T29772', 'rfc9110') looks up identifier.norm exactly,
 *      then the family (current edition first, then the others newest first), then the members of a sub-series
 *      ('BCP 14'); a bare number ('29772', '9001:2015') looks up search_number. These rank before text hits
 *      (matchedBy 'number').
 *   2. text hits: FTS5 MATCH of the segmented terms, all required; if that finds nothing, any term. Ranked by
 *      BM25 evaluated in JS (bm25.ts; migration 002 says why not FTS5's bm25()).
 *   3. filters and disjunctive facets over the union, in memory (DocTable), then sort and page.
 *   4. the page: summaries, highlights from the original titles, successors of replaced standards.
 */

/** Browse results kept (each holds one Int32Array of up to the catalogue's size). */
const BROWSE_CACHE_SIZE = 16;

interface BrowseResult {
  gen: number;
  ordered: Int32Array;
  facets: SearchResult['facets'];
}

/** Callers own what they receive: cached facets are copied out. */
function copyFacets(f: SearchResult['facets']): SearchResult['facets'] {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.map((x) => ({ ...x }))])) as SearchResult['facets'];
}

const EMPTY = new Int32Array(0);

export class SqliteSearchEngine {
  private readonly docs: DocTable;
  private readonly browseCache = new Map<string, BrowseResult>();
  private readonly cand = new Candidates();
  private readonly marks = new RowMarks();
  private readonly page: PageReader;
  private readonly ftsAll: BetterSqlite3.Statement;
  private readonly ftsTitle: BetterSqlite3.Statement;
  private readonly byNorm: BetterSqlite3.Statement;
  private readonly byFamily: BetterSqlite3.Statement;
  private readonly byNumber: BetterSqlite3.Statement;
  private readonly members: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.docs = new DocTable(db);
    this.page = new PageReader(db);
    // One row with a comma-separated list: per-row marshalling costs more than the match itself.
    this.ftsAll = db.prepare('SELECT group_concat(rowid) FROM catalogue_fts WHERE catalogue_fts MATCH ?').pluck();
    this.ftsTitle = db.prepare('SELECT group_concat(rowid) FROM catalogue_fts_title WHERE catalogue_fts_title MATCH ?').pluck();
    this.byNorm = db
      .prepare('SELECT DISTINCT d.rowid FROM identifier i JOIN search_doc d ON d.std_id = i.std_id WHERE i.norm = ?')
      .pluck();
    this.byFamily = db
      .prepare('SELECT DISTINCT d.rowid FROM identifier i JOIN search_doc d ON d.std_id = i.std_id WHERE i.family = ?')
      .pluck();
    this.members = db
      .prepare(
        `SELECT DISTINCT d.rowid FROM relation r JOIN search_doc d ON d.std_id = r.std_id
         WHERE r.target_norm = ? AND r.type = 'partOf'`,
      )
      .pluck();
    this.byNumber = db.prepare('SELECT doc, exact, supplement, year FROM search_number WHERE num = ?').raw();
  }

  /** Loads the segmenter's dictionaries and the facet table now, so the first real query is not the slow one. */
  warm(): void {
    this.docs.refresh();
    planTextQuery('预热 warm');
  }

  /** Runs one query. Never throws on query text or filters; only a broken database can make it throw. */
  search(input: SearchQuery): SearchResult {
    this.docs.refresh();
    const params = searchParams(input);
    const { q, sort } = params;

    const ids = q ? this.identifierHits(q) : { identifier: null, prefix: null, rowids: [] };
    let plan = q ? planTextQuery(q) : { terms: [], all: null, any: null };
    // 'iso 27001' found ISO/IEC 27001: the text part looks for '27001' alone ('iso' is in 62k records). When the
    // identifier found nothing, all words stay (the text may still match, e.g. a sub-series mentioned in a title).
    if (ids.prefix && ids.rowids.length) plan = withoutTerms(plan, new Set(segment(ids.prefix, 'query')));
    // Candidates with scores (higher is better); identifier hits first, above any text score, in their own order.
    const cand = this.cand.begin(this.docs.capacity);
    try {
      ids.rowids.forEach((rowid, i) => cand.add(rowid, NUMBER_SCORE - i));
      if (plan.all) this.match(plan, sort === 'relevance', cand, new Set(ids.rowids));
      return this.result(params, cand, ids, plan.terms);
    } finally {
      cand.end();
    }
  }

  private result(
    { q, filters, sort, page, pageSize }: SearchParams,
    cand: Candidates,
    ids: { identifier: string | null; rowids: number[] },
    terms: string[],
  ): SearchResult {
    const from = (page - 1) * pageSize;
    let total: number;
    let facets: SearchResult['facets'];
    let pageRows: number[];
    if (!q) {
      // Browsing: no text, the whole catalogue under the filters (see browse()).
      const b = this.browse(filters, sort === 'relevance' ? 'number' : sort);
      total = b.ordered.length;
      facets = copyFacets(b.facets);
      pageRows = Array.from(b.ordered.subarray(from, from + pageSize));
    } else {
      const sel = selectAndCount(cand.list, this.docs, filters);
      total = sel.selected.length;
      facets = sel.facets;
      pageRows = this.order(sel.selected, cand, sort, from + pageSize).slice(from, from + pageSize);
    }
    return {
      total,
      page,
      pageSize,
      items: this.hits(pageRows, cand, new Set(ids.rowids), terms),
      facets,
      interpreted: { identifier: ids.identifier, terms },
    };
  }

  /**
   * A browse result: every record passing the filters, in order, with facets. Browsing walks the whole catalogue
   * (72k records: ~10 ms), and the same category pages are asked for again and again (paging through them), so
   * results are kept per data generation for a few recent filter/sort combinations. Text queries are not cached.
   */
  private browse(filters: SearchFilters, sort: SearchSort): BrowseResult {
    const key = JSON.stringify([filters, sort]);
    const hit = this.browseCache.get(key);
    if (hit && hit.gen === this.docs.generation) {
      this.browseCache.delete(key);
      this.browseCache.set(key, hit);
      return hit;
    }
    const { selected, facets } = selectAndCount(this.docs.rowids(), this.docs, filters);
    const ordered = Int32Array.from(this.order(selected, null, sort, selected.length));
    const result = { gen: this.docs.generation, ordered, facets };
    this.browseCache.set(key, result);
    if (this.browseCache.size > BROWSE_CACHE_SIZE) this.browseCache.delete(this.browseCache.keys().next().value!);
    return result;
  }

  /**
   * Adds the text hits to `cand` with scores (higher is better, 0 when not ranking): all terms anywhere in the
   * record (catalogue_fts); if none, any term. Ranked with BM25 (bm25.ts), the title field from catalogue_fts_title.
   * Identifier hits (`keep`) are already in `cand` and keep their scores.
   */
  private match(plan: TextQuery, ranked: boolean, cand: Candidates, keep: ReadonlySet<number>): void {
    const all = this.rowidsOf(this.ftsAll, plan.all!);
    if (all.length) {
      if (!ranked) for (const r of all) cand.add(r, 0);
      else scoreAll(all, this.marks.of(this.rowidsOf(this.ftsTitle, plan.all!)), plan.terms.length, this.docs, cand);
      return;
    }
    if (plan.terms.length < 2) return;
    // OR: one scan per term gives each term's records (and so its idf) and each record's terms.
    const perTerm = plan.terms.slice(0, MAX_OR_TERMS).map((t) => {
      const q = quoteFts(t);
      return { all: this.rowidsOf(this.ftsAll, q), title: ranked ? new Set(this.rowidsOf(this.ftsTitle, q)) : null };
    });
    if (ranked) scoreAny(perTerm, this.docs.size, this.docs, cand, (r) => keep.has(r));
    else for (const t of perTerm) for (const r of t.all) cand.add(r, 0);
  }

  /** The rowids of a MATCH, parsed from group_concat's text without making a string per number. */
  private rowidsOf(stmt: BetterSqlite3.Statement, expr: string): Int32Array {
    const list = this.safeAll(stmt, expr)[0] as string | null | undefined;
    if (!list) return EMPTY;
    let count = 1;
    for (let i = 0; i < list.length; i++) if (list.charCodeAt(i) === 44) count++;
    const out = new Int32Array(count);
    let n = 0;
    let v = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list.charCodeAt(i);
      if (c === 44) {
        out[n++] = v;
        v = 0;
      } else v = v * 10 + (c - 48);
    }
    out[n] = v;
    return out;
  }

  private safeAll(stmt: BetterSqlite3.Statement, expr: string): unknown[] {
    try {
      return stmt.all(expr);
    } catch {
      return [];
    }
  }

  /** Identifier and bare-number hits, best first (see the module comment). */
  private identifierHits(q: string): { identifier: string | null; prefix: string | null; rowids: number[] } {
    if (!looksLikeIdentifier(q)) return { identifier: null, prefix: null, rowids: [] };
    const parsed = parseIdentifier(q);
    if (parsed) {
      const norm = identifierNorm(q);
      const rowids = identifierOrder(
        this.docs,
        this.byNorm.all(norm) as number[],
        this.byFamily.all(parsed.familyKey.toUpperCase()) as number[],
        this.members.all(norm) as number[],
      );
      return { identifier: parsed.canonical, prefix: parsed.prefix, rowids };
    }
    const n = parseNumberQuery(q);
    if (!n) return { identifier: null, prefix: null, rowids: [] };
    const rowids = numberOrder(this.docs, n, this.byNumber.all(n.number.toUpperCase()) as NumRow[]);
    return { identifier: numberIdentifier(n), prefix: null, rowids };
  }

  /** The first `need` rowids of `rows` in the requested order. */
  private order(rows: number[], cand: Candidates | null, sort: SearchSort, need: number): number[] {
    return topK(rows, need, rowOrder(cand, sort, this.docs));
  }

  private hits(rows: number[], cand: Candidates, byNumber: Set<number>, terms: string[]): SearchHit[] {
    const summaries = this.page.summaries(rows);
    const lineage = this.page.successors(superseded(rows, this.docs));
    return searchHits(rows, summaries, lineage, cand, byNumber, terms);
  }
}

/**
 * The first k elements of `rows` in `cmp` order. A full sort of thousands of hits to show 20 is wasted work: past
 * a size, keep a bounded sorted buffer instead (k is small: page × page size).
 */
function topK(rows: number[], k: number, cmp: (a: number, b: number) => number): number[] {
  if (rows.length <= k * 4 || rows.length < 256) return rows.sort(cmp).slice(0, k);
  const buf: number[] = [];
  for (const r of rows) {
    if (buf.length === k && cmp(r, buf[k - 1]) >= 0) continue;
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(buf[mid], r) <= 0) lo = mid + 1;
      else hi = mid;
    }
    buf.splice(lo, 0, r);
    if (buf.length > k) buf.pop();
  }
  return buf;
}
