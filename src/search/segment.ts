import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
// The package has no "exports" map, so Node's ESM resolver needs the file name with its extension.
import { dict } from '@node-rs/jieba/dict.js';

/**
 * Text → search tokens, one function for the index and the query (FTS5 sees only what this returns).
 *
 * - Normalisation: NFKC (full-width ＧＢ／Ｔ　２９７７２ → GB/T 29772), lower case, lone surrogates / NUL / control
 *   characters dropped.
 * - Chinese (Han runs): jieba with the general dictionary plus the domain user dictionary (src/search/dict/*.txt), HMM
 *   off. HMM guesses new words from context, so the same characters could become different tokens in a title and
 *   in a query; without it, unknown words fall back to dictionary words and single characters on both sides.
 * - Everything else: split on anything that is not a letter or digit, like FTS5's unicode61 tokenizer. English
 *   stemming is left to FTS5 (`porter unicode61`), which stems the index and the quoted query strings alike.
 *
 * Mode 'index' uses jieba's search-engine mode (cut_for_search): each word plus its 2- and 3-character dictionary
 * sub-words (电动汽车 → 电动, 汽车, 电动汽车), so a search for a part of a compound finds it. Mode 'query' uses the
 * precise cut; search mode always emits the precise word too, so every query token of a text is an index token of
 * the same text, and a query does not AND together sub-words it did not ask for.
 */
export type SegmentMode = 'index' | 'query';

/** Han ideographs (CJK unified, extensions and compatibility): the runs handed to jieba. */
const HAN_RUN = /\p{Script=Han}+/gu;
/**
 * Outside Han runs, tokens are runs of letters and digits. Combining marks separate tokens, as in FTS5's unicode61
 * (NFKC has already composed the common accented letters): a query token must be exactly one FTS5 token, because
 * the index has no positions for phrase queries (detail=none, migration 002).
 */
const NON_TOKEN = /[^\p{L}\p{N}]+/u;
// Lone surrogates cannot be encoded as UTF-8 (FTS5 and jieba would see replacement bytes); controls and NUL are noise.
const UNSAFE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u001F\u007F-\u009F]/g;

let jieba: Jieba | null = null;

/** Files of the domain user dictionary: beside this module (src/ under tests) or in src/ when running from dist/. */
function dictionaryFiles(): string[] {
  const names = ['domain.txt'];
  for (const base of ['./dict/', '../../src/search/dict/']) {
    const dir = new URL(base, import.meta.url);
    if (existsSync(fileURLToPath(new URL(names[0], dir)))) return names.map((n) => fileURLToPath(new URL(n, dir)));
  }
  throw new Error('search dictionary src/search/dict/domain.txt not found');
}

/** The user dictionary as jieba's format (word freq tag), comments and blank lines removed. */
export function userDictionary(): string[] {
  const lines: string[] = [];
  for (const f of dictionaryFiles()) {
    for (const raw of readFileSync(f, 'utf8').split(/\r?\n/)) {
      const line = raw.trim();
      if (line && !line.startsWith('#')) lines.push(line.normalize('NFKC'));
    }
  }
  return lines;
}

/** The shared jieba instance (the general dictionary takes ~300 ms to load: once per thread). */
function segmenter(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict);
    j.loadDict(Buffer.from(userDictionary().join('\n'), 'utf8'));
    jieba = j;
  }
  return jieba;
}

/** NFKC, lower case, unsafe code points replaced by spaces. Shared with highlighting and number detection. */
export function normaliseText(text: string): string {
  return text.replace(UNSAFE, ' ').normalize('NFKC').toLowerCase();
}

/** True when the token can match anything (has a letter or digit); punctuation-only pieces are dropped. */
const MEANINGFUL = /[\p{L}\p{N}]/u;

/**
 * Splits text into search tokens (normalised, in order, duplicates kept so term frequency means something).
 * Index and query both call this; see the module comment for the two modes.
 */
export function segment(text: string, mode: SegmentMode = 'index'): string[] {
  const norm = normaliseText(text);
  const out: string[] = [];
  const pushLatin = (s: string) => {
    for (const t of s.split(NON_TOKEN)) if (t && MEANINGFUL.test(t)) out.push(t);
  };
  let last = 0;
  for (const m of norm.matchAll(HAN_RUN)) {
    pushLatin(norm.slice(last, m.index));
    const words = mode === 'index' ? segmenter().cutForSearch(m[0], false) : segmenter().cut(m[0], false);
    for (const w of words) if (MEANINGFUL.test(w)) out.push(w);
    last = m.index + m[0].length;
  }
  pushLatin(norm.slice(last));
  return out;
}

/** Text for an FTS5 column: the index-mode tokens joined by spaces (FTS5's unicode61 splits on the spaces). */
export function segmentForIndex(text: string): string {
  return segment(text, 'index').join(' ');
}

/** True when the text contains Han characters (the query planner skips English stop words only outside them). */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}
