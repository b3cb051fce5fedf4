import type { Highlight } from './ports.js';
import { porterStem } from './porter.js';
import { hasHan, normaliseText } from './segment.js';

/**
 * Highlights built from the ORIGINAL text (FTS5's snippet() would show the index's segmented text, with spaces
 * between Chinese words and duplicated sub-words). The text is normalised character by character, keeping a map
 * back to the original offsets, so full-width or upper-case originals are marked where a normalised term matched.
 */

/** Longest text highlighted; titles are far shorter, abstracts are cut here. */
const MAX_TEXT = 2000;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

interface Normalised {
  text: string;
  /** For each UTF-16 unit of `text`, the original offset where its source character starts (null = identity). */
  start: number[] | null;
  /** For each UTF-16 unit of `text`, the original offset just after its source character (null = identity). */
  end: number[] | null;
}

/** Per-character normalisation of non-ASCII characters, memoised (titles reuse a small alphabet). */
const charCache = new Map<string, string>();
const ASCII_ONLY = /^[\x20-\x7e]*$/;

function normaliseChar(ch: string): string {
  let n = charCache.get(ch);
  if (n === undefined) {
    n = normaliseText(ch);
    if (charCache.size < 20_000) charCache.set(ch, n);
  }
  return n;
}

function normaliseWithMap(original: string): Normalised {
  if (ASCII_ONLY.test(original)) {
    // Printable ASCII only: lower-casing keeps every offset, so the map is the identity.
    return { text: original.toLowerCase(), start: null, end: null };
  }
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const ch of original) {
    const n = ch.length === 1 && ch < '\x7f' && ch >= ' ' ? ch.toLowerCase() : normaliseChar(ch);
    for (let k = 0; k < n.length; k++) {
      start.push(i);
      end.push(i + ch.length);
    }
    text += n;
    i += ch.length;
  }
  return { text, start, end };
}

/** Porter stems, memoised (the same title words come back query after query). */
const stemCache = new Map<string, string>();
function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porterStem(word);
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

/** Marked ranges [from, to) in normalised-text offsets. */
function findRanges(norm: string, terms: string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const han = terms.filter(hasHan);
  const words = new Set<string>();
  for (const t of terms) if (!hasHan(t)) words.add(stem(t));
  for (const t of han) {
    for (let at = norm.indexOf(t); at >= 0; at = norm.indexOf(t, at + t.length)) ranges.push([at, at + t.length]);
  }
  if (words.size) {
    for (const m of norm.matchAll(WORD)) {
      if (words.has(m[0]) || words.has(stem(m[0]))) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    // Overlapping ranges merge; touching ones stay apart, so each matched word is its own marked piece.
    if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * Splits `original` into pieces, marking those that match any of the query terms (as produced by segment()).
 * Returns one unmarked piece when nothing matches. Renderers escape each piece; nothing here is HTML.
 */
export function highlight(original: string, terms: readonly string[]): Highlight {
  const text = original.length > MAX_TEXT ? original.slice(0, MAX_TEXT) : original;
  if (!text) return [];
  const useful = terms.filter((t) => t.length > 0);
  if (!useful.length) return [{ text, hit: false }];
  const n = normaliseWithMap(text);
  const ranges = findRanges(n.text, useful);
  if (!ranges.length) return [{ text, hit: false }];
  const out: Highlight = [];
  let pos = 0;
  for (const [from, to] of ranges) {
    const a = n.start ? n.start[from] : from;
    const b = n.end ? n.end[to - 1] : to;
    if (a > pos) out.push({ text: text.slice(pos, a), hit: false });
    if (b > a) out.push({ text: text.slice(Math.max(a, pos), b), hit: true });
    pos = Math.max(pos, b);
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}
