import { z } from 'zod';
import vocabData from '../catalogue/vocabularies.json' with { type: 'json' };
import { vocabEntry, type VocabKind } from '../catalogue/vocabularies.js';
import { AppError } from '../kernel/errors.js';
import type { SearchFilters, SearchQuery, SearchSort } from '../search/ports.js';

/**
 * Query-parameter validation for the public API. Unlike the HTML search page (which clamps and drops bad values so
 * every URL renders), the API is strict: a machine client wants to learn that `pageSize=500` or `status=curent` is
 * wrong. Every rejection is AppError('invalid_query') with details { param, reason } so clients can branch on it.
 */

/** Limits on any one request; the same numbers as the search page so both answer the same queries. */
export const API_LIMITS = {
  qChars: 500,
  valueChars: 100,
  valuesPerFilter: 20,
  maxPage: 10_000,
  maxPageSize: 100,
  defaultPageSize: 20,
  /** Longest path parameter accepted as a standard number or id (no real number comes close). */
  idChars: 200,
  /** Longest classification code (CCS ranges such as 'A00/09' are the longest real ones). */
  codeChars: 32,
} as const;

export const SORTS: readonly SearchSort[] = ['relevance', 'newest', 'oldest', 'number'];

/** The vocabulary kinds the API serves (the keys of vocabularies.json). */
export const VOCAB_KINDS = Object.keys(vocabData) as VocabKind[];

/** Stable reason codes carried in details.reason of an invalid_query error. */
export type InvalidReason = 'repeated' | 'too_long' | 'too_many' | 'not_allowed' | 'bad_format' | 'out_of_range' | 'bad_range';

function invalid(param: string, reason: InvalidReason, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('invalid_query', `Invalid query parameter "${param}": ${message}`, { param, reason, ...extra });
}

/** A parameter that may appear once; repeating it with different values is an error, not a silent pick. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).map((x) => String(x));
  if (new Set(list).size > 1) throw invalid(name, 'repeated', 'may be given only once');
  const s = list[0].trim();
  return s === '' ? undefined : s;
}

/** A multi-valued filter: repeated parameters and comma-separated lists both work (`status=a&status=b` = `status=a,b`). */
function list(query: Record<string, unknown>, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  const raw = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
  const out = [...new Set(raw.map((x) => x.trim()).filter((x) => x !== ''))];
  if (out.length > API_LIMITS.valuesPerFilter) throw invalid(name, 'too_many', `at most ${API_LIMITS.valuesPerFilter} values`);
  for (const x of out) if (x.length > API_LIMITS.valueChars) throw invalid(name, 'too_long', `a value is longer than ${API_LIMITS.valueChars} characters`);
  return out;
}

function vocabList(query: Record<string, unknown>, name: string, kind: VocabKind): string[] {
  const values = list(query, name);
  for (const v of values) {
    const e = vocabEntry(kind, v);
    if (!e || !e.used) throw invalid(name, 'not_allowed', `unknown value "${v}" (see /api/v1/vocabularies/${kind})`, { value: v });
  }
  return values;
}

const intText = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be ${min} or more`).max(max, `must be ${max} or less`));

// Typed shape of the single-valued parameters; zod reports which one failed and why.
const singles = z.object({
  q: z.string().max(API_LIMITS.qChars, `longer than ${API_LIMITS.qChars} characters`).optional(),
  // ICS codes nest by dotted prefix: '13', '13.220', '13.220.50'.
  ics: z.string().regex(/^\d{2}(\.\d{3}(\.\d{2})?)?$/, 'must look like 13, 13.220 or 13.220.50').optional(),
  // CCS: a letter, a letter + two digits, or a range code such as A00/09.
  ccs: z
    .string()
    .regex(/^[A-Za-z](\d{2}(\/\d{2})?)?$/, 'must look like C, C81 or A00/09')
    .transform((s) => s.toUpperCase())
    .optional(),
  yearFrom: intText(1000, 9999).optional(),
  yearTo: intText(1000, 9999).optional(),
  sort: z.enum(SORTS as [SearchSort, ...SearchSort[]], { error: `must be one of ${SORTS.join(', ')}` }).optional(),
  page: intText(1, API_LIMITS.maxPage).optional(),
  pageSize: intText(1, API_LIMITS.maxPageSize).optional(),
});

/** Body codes are short printable codes ('SAC', 'ISO/IEC', 'IETF'); anything else cannot match a record. */
const BODY_CODE = /^[\p{L}\p{N}][\p{L}\p{N} /._&-]*$/u;

/**
 * Parses the query string of GET /api/v1/search into the search port's query. Throws AppError('invalid_query')
 * naming the parameter; unknown parameters are ignored so clients may add their own (cache busters, tracking).
 */
export function parseSearchQuery(query: Record<string, unknown>): SearchQuery {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(singles.shape)) raw[name] = single(query, name);
  const parsed = singles.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue.path[0] ?? 'query');
    const reason: InvalidReason = issue.code === 'too_big' || issue.code === 'too_small' ? (param === 'q' ? 'too_long' : 'out_of_range') : issue.code === 'invalid_value' ? 'not_allowed' : 'bad_format';
    throw invalid(param, reason, issue.message);
  }
  const p = parsed.data;
  const body = list(query, 'body');
  for (const b of body) if (!BODY_CODE.test(b)) throw invalid('body', 'bad_format', `"${b}" is not a body code`, { value: b });
  const filters: SearchFilters = {};
  if (body.length) filters.body = body;
  const status = vocabList(query, 'status', 'status');
  if (status.length) filters.status = status;
  const nature = vocabList(query, 'nature', 'nature');
  if (nature.length) filters.nature = nature;
  const docType = vocabList(query, 'docType', 'doc_type');
  if (docType.length) filters.docType = docType;
  if (p.ics) filters.ics = p.ics;
  if (p.ccs) filters.ccs = p.ccs;
  if (p.yearFrom !== undefined) filters.yearFrom = p.yearFrom;
  if (p.yearTo !== undefined) filters.yearTo = p.yearTo;
  if (p.yearFrom !== undefined && p.yearTo !== undefined && p.yearFrom > p.yearTo)
    throw invalid('yearFrom', 'bad_range', 'must not be after yearTo');
  const q = p.q ?? '';
  return {
    q,
    filters,
    // Without text there is nothing to rank by relevance: newest first, as on the search page.
    sort: p.sort ?? (q ? 'relevance' : 'newest'),
    page: p.page ?? 1,
    pageSize: p.pageSize ?? API_LIMITS.defaultPageSize,
  };
}
