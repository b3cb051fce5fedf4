import { hasHan, normaliseText, segment } from './segment.js';

/**
 * User text → FTS5 MATCH expressions. The user never writes FTS5 syntax: every token is a quoted FTS5 string
 * (so AND, OR, NOT, NEAR, *, ^, :, parentheses and quotes are plain text), tokens come from the same segmenter as
 * the index, and the expression is built here. Whatever the input, the result is a valid expression or null.
 */

/** Characters of query text considered (10 KB pasted into the box is cut here, before any work). */
export const MAX_QUERY_CHARS = 256;
/** Tokens in one expression: more adds cost without changing a catalogue search's answer. */
export const MAX_TERMS = 32;
/** A single token longer than this is a paste accident; it is cut (FTS5 then matches nothing, harmlessly). */
const MAX_TERM_CHARS = 64;

/**
 * Words skipped when the query has other words: with AND semantics "requirements for doors" would otherwise
 * demand the word "for". They stay in the index (titles are short; the cost is nil).
 */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'of', 'on', 'or',
  'the', 'to', 'with', 'without', 'de', 'des', 'du', 'et', 'la', 'le', 'les', 'pour',
  '的', '和', '与', '及', '或', '之', '等', '了', '在', '对', '于', '其',
]);

export interface TextQuery {
  /** Distinct query terms in order (what the user will see as "searched for"). */
  terms: string[];
  /** All terms required (FTS5 implicit AND), or null when there is nothing to search. */
  all: string | null;
  /** Any term (the fallback when AND finds nothing); null when it would equal `all`. */
  any: string | null;
}

/** Coerces anything to a bounded string (query strings can arrive as arrays or numbers from HTTP layers). */
export function boundedQueryText(q: unknown): string {
  const s = typeof q === 'string' ? q : q == null ? '' : String(q);
  return s.length > MAX_QUERY_CHARS * 2 ? s.slice(0, MAX_QUERY_CHARS * 2) : s;
}

/** FTS5 string literal: wrapped in double quotes, inner quotes doubled (the only escape FTS5 strings have). */
export function quoteFts(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Plans the text part of a query: segmented, de-duplicated, stop words dropped, capped, quoted. */
export function planTextQuery(q: string): TextQuery {
  const text = boundedQueryText(q).slice(0, MAX_QUERY_CHARS);
  const seen = new Set<string>();
  const tokens: string[] = [];
  for (const t of segment(text, 'query')) {
    const term = t.length > MAX_TERM_CHARS ? t.slice(0, MAX_TERM_CHARS) : t;
    if (seen.has(term)) continue;
    seen.add(term);
    tokens.push(term);
    if (tokens.length >= MAX_TERMS) break;
  }
  const content = tokens.filter((t) => !STOP_WORDS.has(t));
  const terms = content.length ? content : tokens;
  if (!terms.length) return { terms: [], all: null, any: null };
  const quoted = terms.map(quoteFts);
  return { terms, all: quoted.join(' '), any: quoted.length > 1 ? quoted.join(' OR ') : null };
}

/**
 * The plan without some terms (kept as is when nothing would remain). Used for identifier queries: 'iso 27001'
 * searches the text for '27001' only, since 'iso' is in every ISO record and adds cost, not precision.
 */
export function withoutTerms(plan: TextQuery, drop: ReadonlySet<string>): TextQuery {
  const terms = plan.terms.filter((t) => !drop.has(t));
  if (!terms.length || terms.length === plan.terms.length) return plan;
  const quoted = terms.map(quoteFts);
  return { terms, all: quoted.join(' '), any: quoted.length > 1 ? quoted.join(' OR ') : null };
}

/** A bare number as typed: '29772', '9001:2015', '29772-2024', '60335-1', '1.1'. */
export interface NumberQuery {
  number: string;
  year: number | null;
}

// The number is lazy so a trailing ':YYYY' / '-YYYY' is taken as the year ('29772-2024'), but '60335-1' stays whole.
const BARE_NUMBER = /^(\d{1,9}(?:[.-]\d{1,9}){0,4}?)(?:\s*[:-]\s*((?:19|20)\d\d))?$/;

/** Recognises a query that is only a standard number (no body prefix), else null. */
export function parseNumberQuery(q: string): NumberQuery | null {
  const s = normaliseText(boundedQueryText(q)).trim();
  if (s.length > 40 || hasHan(s)) return null;
  const m = BARE_NUMBER.exec(s);
  if (!m) return null;
  return { number: m[1], year: m[2] ? Number(m[2]) : null };
}
