import type { StandardSummary } from '../../catalogue/ports.js';
import { looksLikeIdentifier } from '../../catalogue/identifier.js';
import { cleanFilters } from '../facets.js';
import { highlight } from '../highlight.js';
import { FACET_NAMES, type CatalogueSearch, type FacetName, type FacetValue, type SearchFilters, type SearchHit } from '../ports.js';
import { boundedQueryText, planTextQuery, type TextQuery } from '../query.js';
import { docIdOfRowid } from './indexer.js';
import type { ClauseGroup, ClauseHit, ClauseQuery, ClauseSearchResult } from './ports.js';
import { clauseSnippet } from './snippet.js';

/**
 * What the SQLite (engine.ts, service.ts) and PostgreSQL (pg.ts) clause searches share: everything but the SQL.
 * The query's parameters, grouping the candidate clauses by standard, ranking and paging the standards, building
 * the page's groups and hits, and adding the catalogue's identifier matches. Both engines call these steps in the
 * same order (engine.ts's module comment describes them), so both databases give the same groups in the same order.
 */

/** Matching clauses read per query (see engine.ts, step 2). */
export const MAX_CANDIDATES = 2000;
/** Clauses shown per standard. */
export const HITS_PER_STANDARD = 3;
export const MAX_PAGE_SIZE = 50;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE = 400;
/** Catalogue matches shown above the clause hits of an identifier query. */
const CATALOGUE_TOP = 3;

/** What the engines need of a clause's document. */
export interface DocInfo {
  stdId: string;
  lang: string;
  /** search_doc rowid of the standard (the DocTable key). */
  stdRow: number;
}

/** What the engines need of a clause's section. */
export interface SectionRow {
  anchor: string;
  num: string | null;
  title: string;
  text: string;
}

/** Matching clauses of one standard: the best clause score and [rowid, score] of each clause, newest first. */
export type ClauseGroups = Map<number, { best: number; clauses: [number, number][] }>;

type EngineResult = Omit<ClauseSearchResult, 'catalogue'>;

function emptyFacets(): Record<FacetName, FacetValue[]> {
  return Object.fromEntries(FACET_NAMES.map((n) => [n, []])) as unknown as Record<FacetName, FacetValue[]>;
}

function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

/** `/std/<id>/clause/<anchor>` with both parts escaped for a URL path. */
export function clausePermalink(stdId: string, anchor: string): string {
  return `/std/${encodeURIComponent(stdId)}/clause/${encodeURIComponent(anchor)}`;
}

/** A query's cleaned parameters, its text plan, and the result returned when nothing matches. */
export function clauseParams(input: ClauseQuery): { filters: SearchFilters; page: number; pageSize: number; plan: TextQuery; empty: EngineResult } {
  const q = boundedQueryText(input?.q).trim();
  const filters = cleanFilters(input?.filters);
  const pageSize = clampInt(input?.pageSize, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const page = clampInt(input?.page, 1, MAX_PAGE, 1);
  const plan: TextQuery = q ? planTextQuery(q) : { terms: [], all: null, any: null };
  const empty = { total: 0, clauses: 0, exact: true, page, pageSize, groups: [], facets: emptyFacets(), interpreted: { identifier: null, terms: plan.terms } };
  return { filters, page, pageSize, plan, empty };
}

/**
 * Candidate [rowid, score] pairs grouped by standard (several languages of one standard share a group); texts of
 * `hidden` standards and clauses of unknown documents contribute nothing. `visible` counts the clauses kept.
 */
export function groupByStandard(rows: [number, number][], info: Map<number, DocInfo>, hidden: Set<string>): { groups: ClauseGroups; visible: number } {
  const groups: ClauseGroups = new Map();
  let visible = 0;
  for (const [rowid, score] of rows) {
    const d = info.get(docIdOfRowid(rowid));
    if (!d || hidden.has(d.stdId)) continue;
    visible++;
    let g = groups.get(d.stdRow);
    if (!g) groups.set(d.stdRow, (g = { best: score, clauses: [] }));
    g.clauses.push([rowid, score]);
    if (score > g.best) g.best = score;
  }
  return { groups, visible };
}

/**
 * The page of standards ([stdRow, score], best first) and the clauses shown for each. A standard with many
 * matching clauses ranks a little above one with a single equally good clause; ties go to the standard whose text
 * was indexed last (the newest document; clauses are listed newest first). Shown clauses: title matches first,
 * then document order.
 */
export function rankPage(selected: number[], groups: ClauseGroups, page: number, pageSize: number): { pageRows: (readonly [number, number])[]; shown: Map<number, [number, number][]> } {
  const groupScore = (r: number) => groups.get(r)!.best + Math.log2(1 + groups.get(r)!.clauses.length);
  const newest = (r: number) => groups.get(r)!.clauses[0][0];
  const scored = selected.map((r) => [r, groupScore(r)] as const).sort((a, b) => b[1] - a[1] || newest(b[0]) - newest(a[0]));
  const from = (page - 1) * pageSize;
  const pageRows = scored.slice(from, from + pageSize);
  const shown = new Map<number, [number, number][]>();
  for (const [r] of pageRows) shown.set(r, groups.get(r)!.clauses.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, HITS_PER_STANDARD));
  return { pageRows, shown };
}

/** The rowids of every clause shown on the page (to read their sections). */
export function shownRowids(shown: Map<number, [number, number][]>): number[] {
  return [...shown.values()].flat().map(([rowid]) => rowid);
}

/** The page's groups: each standard's summary with its shown clauses (titles highlighted, snippets, permalinks). */
export function clauseGroups(
  pageRows: (readonly [number, number])[],
  shown: Map<number, [number, number][]>,
  groups: ClauseGroups,
  sections: Map<number, SectionRow>,
  summaries: Map<number, StandardSummary>,
  info: Map<number, DocInfo>,
  terms: string[],
): ClauseGroup[] {
  const out: ClauseGroup[] = [];
  for (const [r, score] of pageRows) {
    const standard = summaries.get(r);
    if (!standard) continue;
    const hits: ClauseHit[] = [];
    for (const [rowid, s] of shown.get(r)!) {
      const sec = sections.get(rowid);
      const d = info.get(docIdOfRowid(rowid));
      if (!sec || !d) continue;
      hits.push({
        anchor: sec.anchor,
        num: sec.num,
        title: sec.title,
        titleHighlight: highlight(sec.title, terms),
        snippet: clauseSnippet(sec.text, terms),
        permalink: clausePermalink(standard.id, sec.anchor),
        lang: d.lang,
        score: s,
      });
    }
    out.push({ standard, score, clauseCount: groups.get(r)!.clauses.length, hits });
  }
  return out;
}

/**
 * A clause search with the catalogue's identifier matches: identifier queries ('RFC 9110', 'GB/T 29772') also go
 * to the catalogue search, and its number matches are returned in `catalogue`, to be shown above the clause hits.
 */
export async function withCatalogueMatches(
  q: ClauseQuery,
  run: (q: ClauseQuery) => Promise<EngineResult>,
  catalogue: CatalogueSearch,
): Promise<ClauseSearchResult> {
  const text = boundedQueryText(q?.q).trim();
  let isId = false;
  try {
    isId = text.length > 0 && looksLikeIdentifier(text);
  } catch {
    isId = false;
  }
  const [result, cat] = await Promise.all([
    run(q),
    isId ? catalogue.search({ q: text, filters: q.filters ?? {}, sort: 'relevance', page: 1, pageSize: CATALOGUE_TOP }) : null,
  ]);
  const hits: SearchHit[] = cat ? cat.items.filter((h) => h.matchedBy === 'number') : [];
  return { ...result, catalogue: hits, interpreted: { identifier: cat?.interpreted.identifier ?? null, terms: result.interpreted.terms } };
}
