import type { FacetName } from '../search/ports.js';
import type { SearchFilters, SearchQuery, SearchSort } from '../search/ports.js';

/** The state of the search page as carried in its URL; links (facets, sort, pages) are built from it. */
export interface SearchState {
  q: string;
  body: string[];
  status: string[];
  nature: string[];
  docType: string[];
  ics?: string;
  ccs?: string;
  yearFrom?: number;
  yearTo?: number;
  sort: SearchSort;
  page: number;
  pageSize: number;
}

export const SORTS: readonly SearchSort[] = ['relevance', 'newest', 'oldest', 'number'];
export const MULTI_FILTERS = ['body', 'status', 'nature', 'docType'] as const;
export type MultiFilter = (typeof MULTI_FILTERS)[number];

/** Limits that keep any URL cheap to answer: out-of-range values are clamped, never an error. */
export const LIMITS = { qChars: 500, valueChars: 100, valuesPerFilter: 20, maxPage: 10_000, maxPageSize: 100, defaultPageSize: 20 };

function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.trim().slice(0, LIMITS.valueChars))
    .filter((x) => x !== '');
}
function first(v: unknown): string | undefined {
  return strings(v)[0];
}
function int(v: unknown, min: number, max: number): number | undefined {
  const s = first(v);
  if (s === undefined || !/^-?\d{1,9}$/.test(s)) return undefined;
  return Math.min(max, Math.max(min, Number(s)));
}

/**
 * Reads the search page's query string leniently: unknown or malformed values are dropped, numbers clamped, text
 * truncated, repeated filters de-duplicated, so every URL gives a page and never a server error.
 */
export function parseSearchState(query: Record<string, unknown>): SearchState {
  const qRaw = Array.isArray(query.q) ? query.q[0] : query.q;
  const q = typeof qRaw === 'string' ? qRaw.slice(0, LIMITS.qChars).trim() : '';
  const multi = (name: MultiFilter) => [...new Set(strings(query[name]))].slice(0, LIMITS.valuesPerFilter);
  const sortRaw = first(query.sort);
  const sort = SORTS.includes(sortRaw as SearchSort) ? (sortRaw as SearchSort) : q ? 'relevance' : 'newest';
  return {
    q,
    body: multi('body'),
    status: multi('status'),
    nature: multi('nature'),
    docType: multi('docType'),
    ics: first(query.ics),
    ccs: first(query.ccs),
    yearFrom: int(query.yearFrom, 0, 9999),
    yearTo: int(query.yearTo, 0, 9999),
    sort,
    page: int(query.page, 1, LIMITS.maxPage) ?? 1,
    pageSize: int(query.pageSize, 1, LIMITS.maxPageSize) ?? LIMITS.defaultPageSize,
  };
}

/** The port query for a page state. */
export function toSearchQuery(s: SearchState): SearchQuery {
  const filters: SearchFilters = {};
  for (const name of MULTI_FILTERS) if (s[name].length) filters[name] = s[name];
  if (s.ics) filters.ics = s.ics;
  if (s.ccs) filters.ccs = s.ccs;
  if (s.yearFrom !== undefined) filters.yearFrom = s.yearFrom;
  if (s.yearTo !== undefined) filters.yearTo = s.yearTo;
  return { q: s.q, filters, sort: s.sort, page: s.page, pageSize: s.pageSize };
}

/** `/search?…` for a state; defaults are left out so URLs stay short and readable. */
export function searchHref(s: SearchState): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const name of MULTI_FILTERS) for (const v of s[name]) p.append(name, v);
  if (s.ics) p.set('ics', s.ics);
  if (s.ccs) p.set('ccs', s.ccs);
  if (s.yearFrom !== undefined) p.set('yearFrom', String(s.yearFrom));
  if (s.yearTo !== undefined) p.set('yearTo', String(s.yearTo));
  if (s.sort !== (s.q ? 'relevance' : 'newest')) p.set('sort', s.sort);
  if (s.page !== 1) p.set('page', String(s.page));
  if (s.pageSize !== LIMITS.defaultPageSize) p.set('pageSize', String(s.pageSize));
  const qs = p.toString();
  return qs ? `/search?${qs}` : '/search';
}

/** A state with changes applied and paging reset (a new filter or sort starts at page 1). */
export function withChange(s: SearchState, change: Partial<SearchState>): SearchState {
  return { ...s, page: 1, ...change };
}

/** Adds the value to a multi-value filter, or removes it when present. */
export function toggled(s: SearchState, name: MultiFilter, value: string): SearchState {
  const list = s[name].includes(value) ? s[name].filter((v) => v !== value) : [...s[name], value];
  return withChange(s, { [name]: list });
}

/** True when any filter is set. */
export function hasFilters(s: SearchState): boolean {
  return MULTI_FILTERS.some((n) => s[n].length > 0) || !!s.ics || !!s.ccs || s.yearFrom !== undefined || s.yearTo !== undefined;
}

/** Whether a facet value is an active filter, and the state a click on it leads to (add or remove). */
export function facetLink(s: SearchState, name: FacetName, value: string): { on: boolean; next: SearchState } {
  if ((MULTI_FILTERS as readonly string[]).includes(name)) {
    const n = name as MultiFilter;
    return { on: s[n].includes(value), next: toggled(s, n, value) };
  }
  if (name === 'ics' || name === 'ccs') {
    const on = s[name] === value;
    return { on, next: withChange(s, { [name]: on ? undefined : value }) };
  }
  const year = Number(value);
  const on = s.yearFrom === year && s.yearTo === year;
  return { on, next: withChange(s, on ? { yearFrom: undefined, yearTo: undefined } : { yearFrom: year, yearTo: year }) };
}
