/**
 * Saved-search watches. The target is the query string of a search page ('q=防火门&body=SAC&ics=13.220'). A changed
 * standard belongs to the saved search when it passes the filters (checked here on the record) and, when there is
 * query text, when the search port finds it: the search is re-run narrowed to the standard's own body, document
 * type and year, so the result set is small and the standard's presence in it is the answer.
 */
import type { CatalogueSearch, SearchFilters } from '../search/ports.js';
import type { StdFacts } from './model.js';

export interface SavedSearch {
  q: string;
  filters: SearchFilters;
}

const MULTI = ['body', 'status', 'nature', 'docType'] as const;

/** Reads a saved search from its query string (lenient: unknown keys dropped, values bounded). */
export function parseSavedSearch(target: string): SavedSearch {
  // Plain words (no key=value pairs) are the query text itself.
  if (!target.includes('=')) return { q: target.trim().slice(0, 500), filters: {} };
  const p = new URLSearchParams(target.replace(/^[^?]*\?/, '').slice(0, 2000));
  const filters: SearchFilters = {};
  for (const k of MULTI) {
    const vs = p.getAll(k).map((v) => v.trim().slice(0, 100)).filter(Boolean).slice(0, 20);
    if (vs.length) filters[k] = vs;
  }
  const one = (k: string) => p.get(k)?.trim().slice(0, 100) || undefined;
  const ics = one('ics');
  const ccs = one('ccs');
  if (ics) filters.ics = ics;
  if (ccs) filters.ccs = ccs;
  const year = (k: string) => {
    const v = one(k);
    return v && /^\d{1,4}$/.test(v) ? Number(v) : undefined;
  };
  const yf = year('yearFrom');
  const yt = year('yearTo');
  if (yf !== undefined) filters.yearFrom = yf;
  if (yt !== undefined) filters.yearTo = yt;
  return { q: (p.get('q') ?? '').trim().slice(0, 500), filters };
}

/** Canonical query string of a saved search (the watch target; the same search saved twice is one watch). */
export function canonicalSearch(s: SavedSearch): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const k of MULTI) for (const v of [...(s.filters[k] ?? [])].sort()) p.append(k, v);
  if (s.filters.ics) p.set('ics', s.filters.ics);
  if (s.filters.ccs) p.set('ccs', s.filters.ccs);
  if (s.filters.yearFrom !== undefined) p.set('yearFrom', String(s.filters.yearFrom));
  if (s.filters.yearTo !== undefined) p.set('yearTo', String(s.filters.yearTo));
  return p.toString();
}

const prefix = (want: string, codes: string[]) => codes.some((c) => c === want || c.startsWith(`${want}.`) || c.startsWith(want));

/** True when the standard passes the saved search's filters (no text query involved). */
export function passesFilters(f: SearchFilters, s: StdFacts): boolean {
  if (f.body && !f.body.includes(s.body)) return false;
  if (f.status && !f.status.includes(s.status)) return false;
  if (f.nature && !(s.nature && f.nature.includes(s.nature))) return false;
  if (f.docType && !f.docType.includes(s.docType)) return false;
  if (f.ics && !prefix(f.ics, s.ics)) return false;
  if (f.ccs && !prefix(f.ccs, s.ccs)) return false;
  if (f.yearFrom !== undefined && (s.year === null || s.year < f.yearFrom)) return false;
  if (f.yearTo !== undefined && (s.year === null || s.year > f.yearTo)) return false;
  return true;
}

/** Whether a saved search finds the standard now. */
export async function savedSearchMatches(search: CatalogueSearch, saved: SavedSearch, s: StdFacts): Promise<boolean> {
  if (!passesFilters(saved.filters, s)) return false;
  if (!saved.q) return true;
  const filters: SearchFilters = { ...saved.filters, body: [s.body], docType: [s.docType] };
  if (s.year !== null) {
    filters.yearFrom = s.year;
    filters.yearTo = s.year;
  }
  for (let page = 1; page <= 5; page++) {
    const r = await search.search({ q: saved.q, filters, sort: 'number', page, pageSize: 100 });
    if (r.items.some((h) => h.id === s.id)) return true;
    if (page * 100 >= r.total) return false;
  }
  return false;
}
