import { highlight } from '../highlight.js';
import { porterStem } from '../porter.js';
import type { Highlight } from '../ports.js';
import { hasHan } from '../segment.js';

/** Snippet width in characters: Latin text, and text with Chinese (denser: fewer characters say as much). */
const WIDTH_LATIN = 220;
const WIDTH_HAN = 110;
/** Occurrences of one term looked at when choosing the window (a word on every line of a long clause). */
const MAX_OCCURRENCES = 100;
/** Characters of a section scanned for matches (a very long clause: the best window in its first part). */
const MAX_SCAN = 30_000;
const LETTER = /[\p{L}\p{N}]/u;

/** The part of an English query term every inflected form of it starts with (term and its porter stem agree). */
function wordKey(term: string): string {
  const stem = porterStem(term);
  let i = 0;
  while (i < term.length && i < stem.length && term[i] === stem[i]) i++;
  return i >= 3 || i === term.length ? term.slice(0, Math.max(i, 1)) : term;
}

/** Start offsets of each term in `lower` (Han terms anywhere, English terms at a word start). */
function occurrences(lower: string, terms: readonly string[]): { at: number; term: number }[] {
  const out: { at: number; term: number }[] = [];
  terms.forEach((t, ti) => {
    const han = hasHan(t);
    const key = han ? t : wordKey(t);
    let n = 0;
    for (let at = lower.indexOf(key); at >= 0 && n < MAX_OCCURRENCES; at = lower.indexOf(key, at + key.length)) {
      if (!han && at > 0 && LETTER.test(lower[at - 1])) continue;
      out.push({ at, term: ti });
      n++;
    }
  });
  return out.sort((a, b) => a.at - b.at);
}

/** Moves a cut to a nearby word or sentence boundary so the snippet does not start or end mid-word. */
function boundary(text: string, at: number, dir: 1 | -1, han: boolean): number {
  if (at <= 0) return 0;
  if (at >= text.length) return text.length;
  const reach = han ? 12 : 24;
  for (let k = 0; k < reach; k++) {
    const i = at + dir * k;
    if (i <= 0 || i >= text.length) break;
    const ch = text[i - 1];
    if (ch === ' ' || '。；，、：！？'.includes(ch)) return i;
  }
  return at;
}

/**
 * A highlighted excerpt of a clause's ORIGINAL text (whitespace collapsed, RFC line breaks and indentation
 * removed): the window of the text holding the most distinct query terms, cut at word boundaries (at Chinese
 * punctuation, or anywhere, in Chinese text), with '…' where text was left out. Marks come from highlight(),
 * which matches the normalised terms against the original characters.
 */
export function clauseSnippet(original: string, terms: readonly string[]): Highlight {
  // Only the part that is scanned is collapsed (a clause of RFC tables can be hundreds of kilobytes).
  const text = (original.length > MAX_SCAN ? original.slice(0, MAX_SCAN) : original).replace(/\s+/g, ' ').trim();
  const han = hasHan(text);
  const width = han ? WIDTH_HAN : WIDTH_LATIN;
  if (text.length <= width) return highlight(text, terms);
  const useful = terms.filter((t) => t.length > 0);
  const lower = text.toLowerCase();
  // toLowerCase keeps UTF-16 offsets for all but a few characters (İ); if it does not, start at the beginning.
  const occ = lower.length === text.length ? occurrences(lower, useful) : [];
  let best = 0;
  let bestCount = 0;
  // Sliding window over the occurrences (linear: per-term counts in the window): the most distinct terms within
  // `width` characters, earliest first.
  const inWindow = new Int32Array(useful.length);
  let distinct = 0;
  for (let i = 0, j = 0; i < occ.length; i++) {
    if (inWindow[occ[i].term]++ === 0) distinct++;
    while (occ[i].at - occ[j].at > width * 0.8) if (--inWindow[occ[j++].term] === 0) distinct--;
    if (distinct > bestCount) {
      bestCount = distinct;
      best = j;
      if (distinct === useful.length) break;
    }
  }
  let start = 0;
  if (occ.length) {
    const first = occ[best].at;
    // Some context before the first match: a quarter of the window.
    start = Math.max(0, first - Math.floor(width / 4));
  }
  start = boundary(text, start, 1, han);
  let end = Math.min(text.length, start + width);
  if (end < text.length) end = boundary(text, end, -1, han);
  if (end <= start) end = Math.min(text.length, start + width);
  const piece = text.slice(start, end).trim();
  const out: Highlight = [];
  if (start > 0) out.push({ text: '…', hit: false });
  out.push(...highlight(piece, useful));
  if (end < text.length || original.length > MAX_SCAN) out.push({ text: '…', hit: false });
  return out;
}
