import { parseIdentifier } from '../catalogue/identifier.js';
import { dateOf, primaryIdentifier, type StandardRecord, type Title } from '../catalogue/model.js';
import { dateSortKey } from '../catalogue/normalise.js';
import { segmentForIndex } from './segment.js';

/**
 * What one catalogue record contributes to the search index, computed without touching a database so the
 * indexer, the migration's backfill and any future adapter (tsvector on PostgreSQL) share it.
 */
export interface IndexRows {
  /** Facet and sort columns (search_doc): copied from the record so facet counting needs no join. */
  doc: {
    std_id: string;
    /** The primary identifier as displayed, and the display title per language (JSON), as hits show them. */
    number: string;
    titles: string;
    body: string;
    status: string;
    nature: string | null;
    doc_type: string;
    year: number | null;
    /** Space-separated codes. */
    ics: string;
    ccs: string;
    date_key: string | null;
    number_key: string;
    /** Tokens in the record's catalogue_fts_title and catalogue_fts rows: BM25's document lengths. */
    title_len: number;
    all_len: number;
  };
  /** FTS5 texts, pre-segmented (space-separated tokens): identifiers + titles, and everything searchable. */
  fts: { title: string; all: string };
  /** Number parts for bare-number queries ('29772', '9001', '60335-1' and its base '60335'). */
  numbers: { num: string; exact: number; supplement: number; year: number | null }[];
}

/**
 * BM25 field weights: a term found in the identifiers or titles counts five times a term found only in keywords,
 * committee, contributors or the abstract (see adapters/bm25.ts for the formula).
 */
export const FIELD_WEIGHTS = { title: 5, other: 1 } as const;

/** Identifier types that are not standard numbers (their digits would make '10' match every DOI). */
const NOT_A_NUMBER = new Set(['DOI', 'URN', 'ISBN', 'ISSN', 'URI', 'URL', 'slug']);
/** Contributor roles not indexed (the publisher is on every record of a body: noise). */
const SKIP_ROLES = new Set(['publisher']);

/** Digit runs padded so that string order is numeric order ('GB/T 1.10' after 'GB/T 1.9'). */
function padDigits(s: string): string {
  return s.replace(/\d+/g, (d) => d.replace(/^0+(?=\d)/, '').padStart(10, '0'));
}

/** Sort key for "by number": prefix, then the number with padded digit runs, base documents before supplements. */
export function numberSortKey(value: string): string {
  const p = parseIdentifier(value);
  if (!p) return `~${padDigits(value.toUpperCase())}`;
  const sup = p.supplements.map((s) => `${s.type}${padDigits(s.number)}${s.year ?? ''}`).join('/');
  return `${p.prefix.toUpperCase()}\u0001${padDigits(p.number)}\u0001${p.year ?? 0}\u0001${sup}`;
}

/**
 * Titles to index, per language: the full 'main' title when there is one (the title-intro/main/part pieces would
 * repeat its words), plus abbreviations.
 */
function titlesByLanguage(titles: Title[]): string[][] {
  const out: string[][] = [];
  const langs = [...new Set(titles.map((t) => t.lang))];
  for (const lang of langs) {
    const mine = titles.filter((t) => t.lang === lang);
    const main = mine.filter((t) => t.type === 'main');
    const pick = main.length ? [...main, ...mine.filter((t) => t.type === 'abbreviation')] : mine;
    out.push(pick.map((t) => t.text));
  }
  return out;
}

/** One title per language, preferring 'main' (as the catalogue store's summaries do). */
function displayTitles(titles: Title[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of titles) if (t.type === 'main' || !(t.lang in out)) out[t.lang] = t.text;
  return out;
}

/** Number parts of one identifier (see IndexRows.numbers). */
function numberParts(value: string): IndexRows['numbers'] {
  const p = parseIdentifier(value);
  if (!p) return [];
  const supplement = p.supplements.length ? 1 : 0;
  const year = p.year ?? null;
  const num = p.number.toUpperCase();
  const rows = [{ num, exact: 1, supplement, year }];
  const base = /^\d+/.exec(num)?.[0];
  if (base && base !== num) rows.push({ num: base, exact: 0, supplement, year });
  return rows;
}

/** Tokens in a segmented text (segmentForIndex joins tokens with single spaces). */
function tokenCount(text: string): number {
  return text ? text.split(' ').length : 0;
}

/** Index rows for a record: what the indexer writes and the migration's backfill replays. */
export function indexRowsOf(r: StandardRecord): IndexRows {
  const primary = primaryIdentifier(r);
  const parsedPrimary = primary ? parseIdentifier(primary.value) : null;
  const numTexts: string[] = [];
  const numbers: IndexRows['numbers'] = [];
  const seenNum = new Set<string>();
  for (const id of r.identifiers) {
    if (NOT_A_NUMBER.has(id.type)) continue;
    numTexts.push(id.value);
    const p = parseIdentifier(id.value);
    // The compact form ('gbt29772', 'rfc9110', 'iso9001') is how people type a number without spaces.
    if (p) numTexts.push(`${p.prefix}${p.number}`.replace(/[^A-Za-z0-9]/g, ''));
    for (const n of numberParts(id.value)) {
      const key = `${n.num}|${n.exact}`;
      if (seenNum.has(key)) continue;
      seenNum.add(key);
      numbers.push(n);
    }
  }
  const committee = [r.committee ?? '', ...r.contributors.filter((c) => !SKIP_ROLES.has(c.role)).flatMap((c) => [c.name, c.abbreviation ?? ''])];
  const numText = segmentForIndex(numTexts.join(' '));
  const byLang = titlesByLanguage(r.titles).map((texts) => segmentForIndex(texts.join(' \n ')));
  const title = [numText, ...byLang].filter(Boolean).join(' ');
  const other = [
    segmentForIndex(r.keywords.join(' \n ')),
    segmentForIndex(committee.filter(Boolean).join(' \n ')),
    segmentForIndex(r.abstracts.map((a) => a.text).join(' \n ')),
  ].filter(Boolean);
  const fts = { title, all: [title, ...other].filter(Boolean).join(' ') };
  return {
    doc: {
      std_id: r.id,
      number: primary?.value ?? r.id,
      titles: JSON.stringify(displayTitles(r.titles)),
      body: r.body,
      status: r.status,
      nature: r.nature ?? null,
      doc_type: r.docType,
      year: r.year ?? parsedPrimary?.year ?? null,
      ics: [...new Set(r.classifications.filter((c) => c.scheme === 'ics').map((c) => c.code))].join(' '),
      ccs: [...new Set(r.classifications.filter((c) => c.scheme === 'ccs').map((c) => c.code))].join(' '),
      date_key: dateSortKey(dateOf(r, 'issued') ?? dateOf(r, 'published') ?? (r.year ? String(r.year) : undefined)),
      number_key: numberSortKey(primary?.value ?? r.id),
      // A query matches one language's title: a record titled in English and French must not rank below one
      // titled in English only, so the title length is the identifiers plus the shortest language's title.
      title_len: tokenCount(numText) + (byLang.length ? Math.min(...byLang.map(tokenCount)) : 0),
      all_len: tokenCount(fts.all),
    },
    fts,
    numbers,
  };
}
