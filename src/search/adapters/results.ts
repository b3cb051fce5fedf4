import type { StandardSummary } from '../../catalogue/ports.js';
import { cleanFilters } from '../facets.js';
import { highlight } from '../highlight.js';
import type { SearchFilters, SearchHit, SearchQuery, SearchSort } from '../ports.js';
import { boundedQueryText, type NumberQuery } from '../query.js';
import type { Candidates } from './candidates.js';
import type { DocTable } from './doc-table.js';

/**
 * What the SQLite (fts5-engine.ts, page-reader.ts) and PostgreSQL (pg.ts, pg-docs.ts) catalogue search adapters
 * share: the query's parameters, the order of identifier and number hits, the result order, and the assembly of
 * a result page (summaries, successors, hits with highlights) from the rows each database returns. Only the SQL
 * differs between the two; everything here is dialect-independent, so both give the same hits in the same order.
 */

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE = 10_000;
/** Identifier hits score above any text hit (BM25 scores of a catalogue record stay far below), in their order. */
export const NUMBER_SCORE = 1_000_000;
/** The OR fallback scans once per term: more terms than this are not worth it (the AND already failed). */
export const MAX_OR_TERMS = 12;

const SORTS: readonly SearchSort[] = ['relevance', 'newest', 'oldest', 'number'];

export function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

/** A query's cleaned parameters: bounded text, filters, a known sort, page and page size within their bounds. */
export interface SearchParams {
  q: string;
  filters: SearchFilters;
  sort: SearchSort;
  page: number;
  pageSize: number;
}

export function searchParams(input: SearchQuery): SearchParams {
  return {
    q: boundedQueryText(input?.q).trim(),
    filters: cleanFilters(input?.filters),
    sort: SORTS.includes(input?.sort) ? input.sort : 'relevance',
    pageSize: clampInt(input?.pageSize, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
    page: clampInt(input?.page, 1, MAX_PAGE, 1),
  };
}

/** Identifier hits, best first: exact identifier matches, then the family in edition order, then sub-series members. */
export function identifierOrder(docs: DocTable, byNorm: number[], family: number[], members: number[]): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (rowids: number[]) => {
    for (const r of rowids) if (!seen.has(r) && docs.has(r)) (seen.add(r), out.push(r));
  };
  add(byNorm);
  add(family.filter((r) => docs.has(r)).sort(docs.editionOrder));
  // A sub-series or collection ('BCP 14', 'STD 7') is not a record: its members say they are part of it.
  add(members.filter((r) => docs.has(r)).sort(docs.editionOrder));
  return out;
}

/** One search_number row: doc (search_doc rowid), exact, supplement, year. */
export type NumRow = [number, number, number, number | null];

/**
 * Bare-number hits, best first: the asked year first, the whole number before a part's base ('60335' → 60335
 * before 60335-1), base documents before amendments, then the edition order.
 */
export function numberOrder(docs: DocTable, n: NumberQuery, numRows: NumRow[]): number[] {
  const rows = numRows.filter(([doc]) => docs.has(doc));
  const key = ([, exact, supplement, year]: NumRow) => (n.year !== null && year === n.year ? 0 : 4) + (exact ? 0 : 2) + (supplement ? 1 : 0);
  rows.sort((a, b) => key(a) - key(b) || docs.editionOrder(a[0], b[0]));
  const out: number[] = [];
  const seen = new Set<number>();
  for (const [r] of rows) if (!seen.has(r)) (seen.add(r), out.push(r));
  return out;
}

/** The display form of a bare-number query ('9001:2015'). */
export function numberIdentifier(n: NumberQuery): string {
  return n.year !== null ? `${n.number}:${n.year}` : n.number;
}

/** The comparison of the requested order (relevance: score, then edition order; else the table's precomputed ranks). */
export function rowOrder(cand: Candidates | null, sort: SearchSort, docs: DocTable): (a: number, b: number) => number {
  if (sort === 'relevance' && cand) {
    const ed = docs.editionOrder;
    return (a, b) => cand.scoreOf(b) - cand.scoreOf(a) || ed(a, b);
  }
  const ranks = docs.ranks();
  const rank = sort === 'number' ? ranks.number : ranks.date;
  const dir = sort === 'newest' ? -1 : 1;
  return (a, b) => dir * (rank[a] - rank[b]);
}

/** The search_doc ids of the page rows whose status shows successors (see SUPERSEDED). */
export function superseded(rows: number[], docs: DocTable): string[] {
  return rows.filter((r) => needsSuccessors(docs.names[docs.status[r]])).map((r) => docs.stdId[r]);
}

/** The page's hits, in `rows` order: summaries with highlighted titles, score, how matched, successors. */
export function searchHits(
  rows: number[],
  summaries: Map<number, StandardSummary>,
  lineage: Map<string, Successor[]>,
  cand: Candidates,
  byNumber: Set<number>,
  terms: string[],
): SearchHit[] {
  const out: SearchHit[] = [];
  for (const r of rows) {
    const s = summaries.get(r);
    if (!s) continue;
    const highlights: SearchHit['highlights'] = {};
    for (const [lang, title] of Object.entries(s.titles)) highlights[lang] = highlight(title, terms);
    out.push({
      ...s,
      score: cand.has(r) ? cand.scoreOf(r) : 0,
      matchedBy: byNumber.has(r) ? 'number' : 'text',
      highlights,
      successors: lineage.get(s.id) ?? [],
    });
  }
  return out;
}

/** Statuses whose hits show their successors (lineage). */
const SUPERSEDED = new Set(['replaced', 'withdrawn', 'abolished', 'obsoleted']);
/** Relation types stated on the old record pointing at its successor … */
export const SUCCESSOR_OUT = ['replacedBy', 'obsoletedBy'];
/** … and stated on the successor pointing back at the old record. */
export const SUCCESSOR_IN = ['replaces', 'obsoletes'];

export function needsSuccessors(status: string): boolean {
  return SUPERSEDED.has(status);
}

export type Successor = SearchHit['successors'][number];

/** A search_doc row as read for a result page. */
export interface SummaryRow {
  rowid: number | string;
  std_id: string;
  number: string;
  titles: string;
  body: string;
  doc_type: string;
  nature: string | null;
  status: string;
  year: number | string | null;
}

/** Summaries by rowid from search_doc rows (see migration 002). */
export function summariesOf(rows: SummaryRow[]): Map<number, StandardSummary> {
  const out = new Map<number, StandardSummary>();
  for (const x of rows) {
    out.set(Number(x.rowid), {
      id: x.std_id,
      number: x.number,
      body: x.body,
      docType: x.doc_type,
      nature: x.nature,
      status: x.status,
      year: x.year === null ? null : Number(x.year),
      titles: JSON.parse(x.titles) as Record<string, string>,
    });
  }
  return out;
}

/** A successor row: the old record, the target as named, and the resolved standard when it is in the catalogue. */
export type SuccessorRow = { old: string; target?: string; id: string | null; number: string | null; status: string | null; year: number | string | null };

/** The ids among `oldIds` that name no successor in `outgoing` (the reverse direction is read only for those). */
export function unnamed(oldIds: string[], outgoing: SuccessorRow[]): string[] {
  const named = new Set(outgoing.map((r) => r.old));
  return oldIds.filter((id) => !named.has(id));
}

/** Successors of each old standard from successor rows, without duplicates, newest first. */
export function successorLists(rows: SuccessorRow[]): Map<string, Successor[]> {
  const out = new Map<string, (Successor & { year: number | null })[]>();
  for (const r of rows) {
    if (r.id === r.old) continue;
    const list = out.get(r.old) ?? [];
    const number = r.number ?? r.target ?? '';
    const dup = list.some((x) => (r.id ? x.id === r.id : x.id === null && x.number === number));
    if (!dup && number) list.push({ id: r.id, number, status: r.status, year: r.year === null ? null : Number(r.year) });
    out.set(r.old, list);
  }
  const result = new Map<string, Successor[]>();
  for (const [old, list] of out) {
    list.sort((a, b) => (b.year ?? 0) - (a.year ?? 0));
    result.set(old, list.map(({ id, number, status }) => ({ id, number, status })));
  }
  return result;
}
