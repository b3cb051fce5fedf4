import { FACET_NAMES, type FacetName, type FacetValue, type SearchFilters } from './ports.js';

/**
 * Filtering and facet counting over a match set, in memory. Facets are disjunctive (the usual faceted-search
 * behaviour): the counts of a facet are computed with every filter applied except that facet's own, so choosing
 * 'ISO' under "body" still shows how many 'IETF' hits there are. Counts cover the whole match set, not the page.
 *
 * Works on columns of small integer codes (FacetColumns) rather than objects: a browse page counts facets over
 * the whole catalogue (72k records), and integer columns make that a few milliseconds.
 */

/** Facet fields of the indexed standards, by rowid. Code 0 means "none"; names[code] is the value. */
export interface FacetColumns {
  live: Uint8Array;
  body: Uint16Array;
  status: Uint16Array;
  nature: Uint16Array;
  docType: Uint16Array;
  /** Year, 0 = unknown. */
  year: Uint16Array;
  /** Distinct codes per record (null = none): full ICS / CCS codes … */
  ics: (readonly number[] | null)[];
  ccs: (readonly number[] | null)[];
  /**
   * … and their distinct top-level groups (ICS field '13', CCS letter 'J'), also coded: the first two in flat
   * columns (0 = none; almost every record has at most two), any further ones in `…TopMore`. Flat columns keep
   * the counting loop free of per-record arrays.
   */
  icsTopA: Uint16Array;
  icsTopB: Uint16Array;
  icsTopMore: (readonly number[] | undefined)[];
  ccsTopA: Uint16Array;
  ccsTopB: Uint16Array;
  ccsTopMore: (readonly number[] | undefined)[];
  /** The value of a code (shared by every column). */
  names: readonly string[];
  /** The code of a value, or undefined when no record has it. */
  codeOf(value: string): number | undefined;
}

/** Years counted in the year facet: YEAR_BASE … YEAR_BASE + YEAR_SPAN − 1 (publication years of standards). */
const YEAR_BASE = 1800;
const YEAR_SPAN = 400;
/** Most values listed per facet (years and ICS groups stay far below it in real catalogues). */
const MAX_FACET_VALUES = 100;
const MAX_FILTER_VALUES = 50;
const MAX_FILTER_CHARS = 64;

/** Bounded, typed copy of filters as they arrive from HTTP (anything unexpected is dropped, never an error). */
export function cleanFilters(f: unknown): SearchFilters {
  const src = (f && typeof f === 'object' ? f : {}) as Record<string, unknown>;
  const list = (v: unknown): string[] | undefined => {
    const arr = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    const out = arr
      .filter((x): x is string => typeof x === 'string')
      .map((x) => x.trim().slice(0, MAX_FILTER_CHARS))
      .filter(Boolean)
      .slice(0, MAX_FILTER_VALUES);
    return out.length ? out : undefined;
  };
  const code = (v: unknown): string | undefined => {
    if (typeof v !== 'string') return undefined;
    const s = v.normalize('NFKC').trim().toUpperCase().slice(0, MAX_FILTER_CHARS);
    return s || undefined;
  };
  const year = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
    return Number.isInteger(n) && n >= 1000 && n <= 9999 ? n : undefined;
  };
  const out: SearchFilters = {};
  for (const k of ['body', 'status', 'nature', 'docType'] as const) {
    const v = list(src[k]);
    if (v) out[k] = v;
  }
  const ics = code(src.ics);
  const ccs = code(src.ccs);
  if (ics) out.ics = ics;
  if (ccs) out.ccs = ccs;
  const from = year(src.yearFrom);
  const to = year(src.yearTo);
  if (from !== undefined) out.yearFrom = from;
  if (to !== undefined) out.yearTo = to;
  return out;
}

const F_BODY = 0, F_STATUS = 1, F_NATURE = 2, F_DOCTYPE = 3, F_ICS = 4, F_CCS = 5, F_YEAR = 6;
const ORDER: FacetName[] = ['body', 'status', 'nature', 'docType', 'ics', 'ccs', 'year'];

/** Per-code lookups derived from the filters: which codes pass, and the level below a classification filter. */
interface Plan {
  /** For body/status/nature/docType: a pass mask over codes, or null when unfiltered. */
  masks: (Uint8Array | null)[];
  /** ICS/CCS filter prefix, the codes known to pass or fail it, and the next-level group of passing codes. */
  ics: Under | null;
  ccs: Under | null;
  yearFrom: number;
  yearTo: number;
  yearFiltered: boolean;
  /** Names of next-level groups that are not themselves codes ('13.220' when only '13.220.50' occurs). */
  groupNames: string[];
  groupCode: Map<string, number>;
}

/** A classification filter: decided per code on first sight (few distinct codes occur in one result). */
interface Under {
  prefix: string;
  ics: boolean;
  /** code → next-level group code, 0 for the prefix itself, -1 outside the prefix, -2 not yet decided. */
  decided: Int32Array;
}

function buildPlan(cols: FacetColumns, f: SearchFilters): Plan {
  const mask = (values: string[] | undefined): Uint8Array | null => {
    if (!values?.length) return null;
    const m = new Uint8Array(cols.names.length);
    for (const v of values) {
      const c = cols.codeOf(v);
      if (c !== undefined) m[c] = 1;
    }
    return m;
  };
  return {
    masks: [mask(f.body), mask(f.status), mask(f.nature), mask(f.docType)],
    ics: f.ics ? { prefix: f.ics, ics: true, decided: new Int32Array(cols.names.length).fill(-2) } : null,
    ccs: f.ccs ? { prefix: f.ccs, ics: false, decided: new Int32Array(cols.names.length).fill(-2) } : null,
    yearFrom: f.yearFrom ?? 0,
    yearTo: f.yearTo ?? 65535,
    yearFiltered: f.yearFrom !== undefined || f.yearTo !== undefined,
    groupNames: [],
    groupCode: new Map(),
  };
}

/**
 * For a code under the filter prefix: the code of its next-level group (ICS '13' → '13.220' for '13.220.50';
 * CCS 'J' → the code itself), or 0 when the code is the prefix itself; -1 when outside the prefix.
 */
function nextLevel(code: number, u: Under, cols: FacetColumns, plan: Plan): number {
  let g = u.decided[code];
  if (g !== -2) return g;
  const name = cols.names[code];
  if (name === u.prefix) g = 0;
  else if (u.ics && name.startsWith(`${u.prefix}.`)) g = groupOf(`${u.prefix}.${name.slice(u.prefix.length + 1).split('.')[0]}`, cols, plan);
  else if (!u.ics && name.startsWith(u.prefix)) g = code;
  else g = -1;
  u.decided[code] = g;
  return g;
}

function groupOf(value: string, cols: FacetColumns, plan: Plan): number {
  const known = cols.codeOf(value);
  if (known !== undefined) return known;
  let g = plan.groupCode.get(value);
  if (g === undefined) {
    g = cols.names.length + plan.groupNames.length;
    plan.groupNames.push(value);
    plan.groupCode.set(value, g);
  }
  return g;
}

function passes(codes: readonly number[] | null, u: Under, cols: FacetColumns, plan: Plan): boolean {
  if (!codes) return false;
  for (const c of codes) if (nextLevel(c, u, cols, plan) >= 0) return true;
  return false;
}

/** Adds the next-level groups under a classification filter of one record's codes to `counts`. */
function countNextLevel(codes: readonly number[] | null, u: Under, counts: Int32Array, cols: FacetColumns, plan: Plan, seen: number[]): void {
  if (!codes) return;
  seen.length = 0;
  for (const c of codes) {
    const g = nextLevel(c, u, cols, plan);
    if (g > 0 && !seen.includes(g)) {
      seen.push(g);
      counts[g]++;
    }
  }
}

export interface FacetedSelection {
  /** Rowids passing every filter, in input order. */
  selected: number[];
  facets: Record<FacetName, FacetValue[]>;
}

/**
 * Applies the filters to the records `rowids` (removed records are skipped) and counts every facet
 * disjunctively over the whole set.
 */
export function selectAndCount(rowids: Iterable<number> | ArrayLike<number>, cols: FacetColumns, f: SearchFilters): FacetedSelection {
  const plan = buildPlan(cols, f);
  const width = cols.names.length;
  // Classification counts get room for next-level groups that are not codes (at most one per code).
  const counts = ORDER.map((name) => new Int32Array(name === 'year' ? YEAR_SPAN : name === 'ics' || name === 'ccs' ? 2 * width : width));
  const [mBody, mStatus, mNature, mDocType] = plan.masks;
  const [cBody, cStatus, cNature, cDocType, cIcs, cCcs, cYear] = counts;
  const selected: number[] = [];
  const seen: number[] = [];
  const { live, body, status, nature, docType, year, ics, ccs, icsTopA, icsTopB, icsTopMore, ccsTopA, ccsTopB, ccsTopMore } = cols;
  const list = 'length' in rowids ? rowids : Array.from(rowids);
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!live[r]) continue;
    // Which filters fail, as a bit set; a record failing two filters counts in no facet.
    let failed = 0;
    if (mBody && !mBody[body[r]]) failed |= 1 << F_BODY;
    if (mStatus && !mStatus[status[r]]) failed |= 1 << F_STATUS;
    if (mNature && !mNature[nature[r]]) failed |= 1 << F_NATURE;
    if (mDocType && !mDocType[docType[r]]) failed |= 1 << F_DOCTYPE;
    if (plan.ics && !passes(ics[r], plan.ics, cols, plan)) failed |= 1 << F_ICS;
    if (plan.ccs && !passes(ccs[r], plan.ccs, cols, plan)) failed |= 1 << F_CCS;
    if (plan.yearFiltered && (year[r] === 0 || year[r] < plan.yearFrom || year[r] > plan.yearTo)) failed |= 1 << F_YEAR;
    if (failed === 0) selected.push(r);
    else if (failed & (failed - 1)) continue;
    // A record failing exactly one filter still counts in that filter's own facet (disjunctive counts).
    const ok = failed === 0;
    if (ok || failed === 1 << F_BODY) cBody[body[r]]++;
    if (ok || failed === 1 << F_STATUS) cStatus[status[r]]++;
    if (ok || failed === 1 << F_NATURE) cNature[nature[r]]++;
    if (ok || failed === 1 << F_DOCTYPE) cDocType[docType[r]]++;
    if ((ok || failed === 1 << F_YEAR) && year[r] >= YEAR_BASE && year[r] < YEAR_BASE + YEAR_SPAN) cYear[year[r] - YEAR_BASE]++;
    if ((ok || failed === 1 << F_ICS) && icsTopA[r]) {
      cIcs[icsTopA[r]]++;
      if (icsTopB[r]) {
        cIcs[icsTopB[r]]++;
        const more = icsTopMore[r];
        if (more) for (const t of more) cIcs[t]++;
      }
      if (plan.ics) countNextLevel(ics[r], plan.ics, cIcs, cols, plan, seen);
    }
    if ((ok || failed === 1 << F_CCS) && ccsTopA[r]) {
      cCcs[ccsTopA[r]]++;
      if (ccsTopB[r]) {
        cCcs[ccsTopB[r]]++;
        const more = ccsTopMore[r];
        if (more) for (const t of more) cCcs[t]++;
      }
      if (plan.ccs) countNextLevel(ccs[r], plan.ccs, cCcs, cols, plan, seen);
    }
  }
  const nameOf = (code: number) => (code < cols.names.length ? cols.names[code] : plan.groupNames[code - cols.names.length]);
  const facets = {} as Record<FacetName, FacetValue[]>;
  ORDER.forEach((name, i) => {
    const c = counts[i];
    const list: FacetValue[] = [];
    // Code 0 is "none" (no nature); unknown years (0) were never counted.
    const end = name === 'ics' || name === 'ccs' ? width + plan.groupNames.length : c.length;
    for (let code = 1; code < end; code++) {
      if (c[code]) list.push({ value: name === 'year' ? String(code + YEAR_BASE) : nameOf(code), count: c[code] });
    }
    if (name === 'year') list.sort((a, b) => Number(b.value) - Number(a.value));
    else list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    facets[name] = list.slice(0, MAX_FACET_VALUES);
  });
  for (const name of FACET_NAMES) facets[name] ??= [];
  return { selected, facets };
}
