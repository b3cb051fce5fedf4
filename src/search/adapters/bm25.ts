import { FIELD_WEIGHTS } from '../index-rows.js';

/**
 * BM25 over match sets, evaluated in JS (why not FTS5's bm25(): see migration 002). The formula is FTS5's
 * (k1 = 1.2, b = 0.75, idf = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6), with two fields: a term found in
 * the identifiers/titles gets weight FIELD_WEIGHTS.title and that field's length normalisation; a term found only
 * elsewhere (keywords, committee, abstract) gets FIELD_WEIGHTS.other and the whole record's length. Term frequency
 * is taken as 1: a catalogue record rarely repeats a word, and positions are not stored (detail=none).
 */

const K1 = 1.2;
const B = 0.75;

/** Lengths of each record's two FTS rows by rowid, their averages, and the status prior. */
export interface FieldLengths {
  titleLen: Uint16Array;
  allLen: Uint16Array;
  avgTitleLen: number;
  avgAllLen: number;
  /** 0 for a record in force (current / to be implemented), 1 otherwise. */
  currentRank: Uint8Array;
}

/**
 * A prior on top of BM25: a superseded, withdrawn or draft record's score is multiplied by this. People search the
 * catalogue for what applies now; the factor reorders near-ties (the same title in two editions, or a draft of a
 * current standard) without burying a clearly better title match.
 */
export const NOT_IN_FORCE = 0.8;

/** FTS5's idf: ln((N − n + 0.5) / (n + 0.5)), never below 1e-6 (so very common terms still count a little). */
export function idf(total: number, withTerm: number): number {
  const v = Math.log((total - withTerm + 0.5) / (withTerm + 0.5));
  return v > 1e-6 ? v : 1e-6;
}

/** One term's contribution before idf: weight w at relative length len/avg. */
function part(w: number, len: number, avg: number): number {
  return (w * (K1 + 1)) / (w + K1 * (1 - B + (B * len) / avg));
}

/** Field weight and length of a record for a term found in its title field or only elsewhere. */
function termScore(r: number, inTitle: boolean, lengths: FieldLengths): number {
  const s = inTitle
    ? part(FIELD_WEIGHTS.title, lengths.titleLen[r], lengths.avgTitleLen)
    : part(FIELD_WEIGHTS.other, lengths.allLen[r], lengths.avgAllLen);
  return lengths.currentRank[r] ? s * NOT_IN_FORCE : s;
}

/** Where scores go (Candidates): add keeps a first score, addTo sums. */
export interface ScoreSink {
  add(rowid: number, score: number): void;
  addTo(rowid: number, score: number): void;
}

/**
 * Scores an AND match set: every record has every term, so idf is the same for all and is left out (scores
 * compare within one query only). `inTitle` holds the records that have every term in the title field.
 */
export function scoreAll(
  all: ArrayLike<number>,
  inTitle: { has(rowid: number): boolean },
  terms: number,
  lengths: FieldLengths,
  out: ScoreSink,
): void {
  for (let i = 0; i < all.length; i++) out.add(all[i], terms * termScore(all[i], inTitle.has(all[i]), lengths));
}

/**
 * Scores an OR match: per term, the records having it (anywhere / in the title field); idf from those counts.
 * Records already in `out` with a higher-tier score (identifier hits) keep it: the caller adds those first and
 * passes `skip` so they are not summed into.
 */
export function scoreAny(
  perTerm: { all: ArrayLike<number>; title: { has(rowid: number): boolean } | null }[],
  total: number,
  lengths: FieldLengths,
  out: ScoreSink,
  skip: (rowid: number) => boolean,
): void {
  for (const t of perTerm) {
    const w = idf(total, t.all.length);
    for (let i = 0; i < t.all.length; i++) {
      const r = t.all[i];
      if (!skip(r)) out.addTo(r, w * (t.title ? termScore(r, t.title.has(r), lengths) : 1));
    }
  }
}
