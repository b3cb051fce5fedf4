import type BetterSqlite3 from 'better-sqlite3';
import { DocTable } from '../adapters/doc-table.js';
import { PageReader } from '../adapters/page-reader.js';
import { selectAndCount } from '../facets.js';
import { planTextQuery } from '../query.js';
import { docIdOfRowid } from './indexer.js';
import type { ClauseQuery, ClauseSearchResult } from './ports.js';
import { hiddenStandards, NON_PUBLIC_TEXTS_SQL, type NonPublicText } from './access.js';
import { clauseGroups, clauseParams, groupByStandard, MAX_CANDIDATES, rankPage, shownRowids, type DocInfo, type SectionRow } from './shared.js';

export { clausePermalink, HITS_PER_STANDARD, MAX_CANDIDATES, MAX_PAGE_SIZE } from './shared.js';

/**
 * The synchronous clause search engine over one better-sqlite3 connection (the writer's inline, a read-only one
 * in each clause worker). One query:
 *   1. the text plan of the catalogue (planTextQuery: segmented, every token a quoted FTS5 string, so no user text
 *      is FTS5 syntax): all terms in one clause; if none, any term.
 *   2. candidates: the rowids of matching clauses, newest-indexed first (ORDER BY rowid DESC streams), at most
 *      MAX_CANDIDATES, as one group_concat row; and which of them match in the clause title ({title} : …).
 *      A broad query ('network', 'must not') matches 60,000 of the RFC series' 320,000 clauses: past the cap the
 *      result says exact: false and ranks within the most recent candidates (RFCs: the highest numbers).
 *      Why not FTS5's bm25(): on the full RFC series it cost 15–70 ms per query for 4,000 candidates (it reads
 *      every row's column sizes and scans each term's whole doclist for its IDF), over the 50 ms budget alone.
 *   3. ranking from match sets only: a clause matching in its title ranks above one matching in its text; a
 *      standard ranks by its best clause plus log2(1 + its matching clauses) — a text that talks about the
 *      subject in many clauses is more likely the one wanted; ties go to the newer document.
 *   4. candidates grouped by standard (the rowid encodes the document, see indexer.ts), the catalogue's filters and
 *      disjunctive facets applied to those standards in memory (the catalogue's DocTable and selectAndCount).
 *   5. the page: standards by score, each with its best few clauses (title matches first, then document order),
 *      snippets built from the original section text.
 */

/** Cached document → standard mappings (document ids are never reused: AUTOINCREMENT). */
const MAX_DOC_CACHE = 200_000;

export class ClauseSearchEngine {
  private readonly docs: DocTable;
  private readonly page: PageReader;
  private readonly candidates: BetterSqlite3.Statement;
  private readonly docInfoStmt: BetterSqlite3.Statement;
  private readonly sectionStmt: BetterSqlite3.Statement;
  private readonly docCache = new Map<number, DocInfo | null>();
  private readonly nonPublicStmt: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.docs = new DocTable(db);
    this.page = new PageReader(db);
    // One row with a comma-separated list: per-row marshalling costs more than the match itself.
    this.candidates = db
      .prepare('SELECT group_concat(rowid) FROM (SELECT rowid FROM clause_fts WHERE clause_fts MATCH ? ORDER BY rowid DESC LIMIT ?)')
      .pluck();
    this.docInfoStmt = db
      .prepare(
        `SELECT d.id, d.std_id, d.lang, s.rowid FROM content_doc d JOIN search_doc s ON s.std_id = d.std_id
         WHERE d.id IN (SELECT value FROM json_each(?))`,
      )
      .raw();
    // Read per query, never cached: a disclosure change applies to the next search.
    this.nonPublicStmt = db.prepare(NON_PUBLIC_TEXTS_SQL);
    this.sectionStmt = db
      .prepare(
        `SELECT c.rowid, c.anchor, s.num, s.title, s.text FROM clause_row c
         JOIN content_section s ON s.doc_id = c.doc_id AND s.anchor = c.anchor
         WHERE c.rowid IN (SELECT value FROM json_each(?))`,
      )
      .raw();
  }

  /** Loads the segmenter and the facet table now, so the first real query is not the slow one. */
  warm(): void {
    this.docs.refresh();
    planTextQuery('预热 warm');
  }

  /** Runs one query. Never throws on query text or filters; only a broken database can make it throw. */
  search(input: ClauseQuery): Omit<ClauseSearchResult, 'catalogue'> {
    this.docs.refresh();
    const { filters, page, pageSize, plan, empty } = clauseParams(input);
    if (!plan.all) return empty;

    let expr = plan.all;
    let ids = this.match(expr);
    if (!ids.length && plan.any) ids = this.match((expr = plan.any));
    if (!ids.length) return empty;
    const exact = ids.length <= MAX_CANDIDATES;
    if (!exact) ids = ids.slice(0, MAX_CANDIDATES);
    const inTitle = new Set(this.match(`{title} : (${expr})`));
    // Clause score: 2 for a title match, 1 for a text match (see step 3).
    const rows: [number, number][] = ids.map((r) => [r, inTitle.has(r) ? 2 : 1]);

    // Group by standard (several languages of one standard share a group).
    const info = this.docInfo([...new Set(rows.map(([r]) => docIdOfRowid(r)))]);
    // Not-disclosed texts and restricted ones the caller may not read contribute nothing (access.ts).
    const hidden = hiddenStandards(this.nonPublicStmt.all() as NonPublicText[], input?.access);
    const { groups, visible } = groupByStandard(rows, info, hidden);
    const { selected, facets } = selectAndCount(groups.keys(), this.docs, filters);
    // Rank the standards and take the page (step 3, step 5).
    const { pageRows, shown } = rankPage(selected, groups, page, pageSize);
    const sections = this.sections(shownRowids(shown));
    const summaries = this.page.summaries(pageRows.map(([r]) => r));
    const out = clauseGroups(pageRows, shown, groups, sections, summaries, info, plan.terms);
    return { total: selected.length, clauses: visible, exact, page, pageSize, groups: out, facets, interpreted: { identifier: null, terms: plan.terms } };
  }

  /** Candidate rowids, newest first; an expression FTS5 rejects matches nothing (it cannot be user syntax anyway). */
  private match(expr: string): number[] {
    let list: string | null;
    try {
      list = this.candidates.get(expr, MAX_CANDIDATES + 1) as string | null;
    } catch {
      return [];
    }
    if (!list) return [];
    return list.split(',').map(Number);
  }

  private docInfo(ids: number[]): Map<number, DocInfo> {
    const out = new Map<number, DocInfo>();
    const missing: number[] = [];
    for (const id of ids) {
      const c = this.docCache.get(id);
      if (c) out.set(id, c);
      else if (c === undefined) missing.push(id);
    }
    if (missing.length) {
      if (this.docCache.size + missing.length > MAX_DOC_CACHE) this.docCache.clear();
      for (const [id, stdId, lang, stdRow] of this.docInfoStmt.all(JSON.stringify(missing)) as [number, string, string, number][]) {
        const d = { stdId, lang, stdRow };
        this.docCache.set(id, d);
        out.set(id, d);
      }
      // Not cached when absent: a document still being written (inline mode) or whose standard is not indexed yet.
    }
    return out;
  }

  private sections(rowids: number[]): Map<number, SectionRow> {
    const out = new Map<number, SectionRow>();
    if (!rowids.length) return out;
    for (const [rowid, anchor, num, title, text] of this.sectionStmt.all(JSON.stringify(rowids)) as [number, string, string | null, string, string][]) {
      out.set(rowid, { anchor, num, title, text });
    }
    return out;
  }
}
