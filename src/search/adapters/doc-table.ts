import type BetterSqlite3 from 'better-sqlite3';
import type { FacetColumns } from '../facets.js';

/**
 * Each reader's in-memory copy of search_doc: the facet and sort fields of every indexed standard, in columns
 * indexed by FTS rowid, values coded as small integers (see FacetColumns).
 *
 * Why: facet counts cover the whole match set (thousands of rows for 'information technology', the whole
 * catalogue when browsing); reading those columns through SQLite on every query costs more than the full-text
 * match itself. Here a query fetches only (rowid, score) and counts in memory. Freshness: writers bump
 * search_state.gen with every index write and stamp the row; refresh() compares one integer per query and reloads
 * only rows with a newer generation.
 */

type Row = [number, string, number, string, string, string | null, string, number | null, string, string, string | null, string, number, number];

const CURRENT_LIKE = new Set(['current', 'to-be-implemented']);

export class DocTable implements FacetColumns {
  live = new Uint8Array(0);
  body = new Uint16Array(0);
  status = new Uint16Array(0);
  nature = new Uint16Array(0);
  docType = new Uint16Array(0);
  year = new Uint16Array(0);
  ics: (readonly number[] | null)[] = [];
  ccs: (readonly number[] | null)[] = [];
  icsTopA = new Uint16Array(0);
  icsTopB = new Uint16Array(0);
  icsTopMore: (readonly number[] | undefined)[] = [];
  ccsTopA = new Uint16Array(0);
  ccsTopB = new Uint16Array(0);
  ccsTopMore: (readonly number[] | undefined)[] = [];
  stdId: string[] = [];
  dateKey: string[] = [];
  numberKey: string[] = [];
  /** 0 for current / to-be-implemented (ranks first among editions), 1 otherwise. */
  currentRank = new Uint8Array(0);
  /** Tokens in the record's catalogue_fts_title / catalogue_fts rows, and their sums over live records. */
  titleLen = new Uint16Array(0);
  allLen = new Uint16Array(0);
  private titleLenSum = 0;
  private allLenSum = 0;
  /** Code 0 is "none". */
  readonly names: string[] = [''];
  private readonly codes = new Map<string, number>([['', 0]]);
  private gen = -1;
  private count = 0;
  private orders: { number: Int32Array; date: Int32Array } | null = null;
  private readonly genStmt: BetterSqlite3.Statement;
  private readonly rowsStmt: BetterSqlite3.Statement;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.genStmt = db.prepare('SELECT gen FROM search_state WHERE id = 1').pluck();
    this.rowsStmt = db
      .prepare(
        `SELECT rowid, std_id, deleted, body, status, nature, doc_type, year, ics, ccs, date_key, number_key, title_len, all_len
         FROM search_doc WHERE gen > ?`,
      )
      .raw();
  }

  codeOf(value: string): number | undefined {
    return this.codes.get(value);
  }

  private code(value: string): number {
    let c = this.codes.get(value);
    if (c === undefined) {
      c = this.names.length;
      if (c > 0xffff) throw new Error('search facet table: too many distinct values');
      this.names.push(value);
      this.codes.set(value, c);
    }
    return c;
  }

  /** Distinct codes of a space-separated list, and their distinct top-level groups. */
  private codeList(text: string, top: (code: string) => string): [number[] | null, number[] | null] {
    if (!text) return [null, null];
    const codes = [...new Set(text.split(' '))].map((c) => this.code(c));
    const tops = [...new Set(text.split(' ').map(top))].map((t) => this.code(t));
    return [codes, tops];
  }

  private grow(rowid: number): void {
    if (rowid < this.live.length) return;
    const size = Math.max(rowid + 1, Math.ceil(this.live.length * 1.5), 1024);
    const g = <T extends Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.live = g(this.live, (n) => new Uint8Array(n));
    this.currentRank = g(this.currentRank, (n) => new Uint8Array(n));
    this.body = g(this.body, (n) => new Uint16Array(n));
    this.status = g(this.status, (n) => new Uint16Array(n));
    this.nature = g(this.nature, (n) => new Uint16Array(n));
    this.docType = g(this.docType, (n) => new Uint16Array(n));
    this.year = g(this.year, (n) => new Uint16Array(n));
    this.icsTopA = g(this.icsTopA, (n) => new Uint16Array(n));
    this.icsTopB = g(this.icsTopB, (n) => new Uint16Array(n));
    this.ccsTopA = g(this.ccsTopA, (n) => new Uint16Array(n));
    this.ccsTopB = g(this.ccsTopB, (n) => new Uint16Array(n));
    this.titleLen = g(this.titleLen, (n) => new Uint16Array(n));
    this.allLen = g(this.allLen, (n) => new Uint16Array(n));
  }

  /**
   * Brings the table up to date. Reads the generation before the rows, so a write committed in between is read
   * again next time rather than missed. Skipped while this connection is inside a write transaction (inline mode
   * shares the writer's connection): uncommitted rows must not enter the table.
   */
  refresh(): void {
    if (this.db.inTransaction) return;
    const gen = Number(this.genStmt.get() ?? 0);
    if (gen === this.gen) return;
    for (const r of this.rowsStmt.iterate(this.gen) as IterableIterator<Row>) {
      const [rowid, stdId, deleted, body, status, nature, docType, year, ics, ccs, dateKey, numberKey, titleLen, allLen] = r;
      this.grow(rowid);
      if (this.live[rowid]) {
        this.count--;
        this.titleLenSum -= this.titleLen[rowid];
        this.allLenSum -= this.allLen[rowid];
      }
      this.live[rowid] = 0;
      if (deleted) continue;
      this.count++;
      this.live[rowid] = 1;
      this.titleLen[rowid] = Math.min(titleLen, 0xffff);
      this.allLen[rowid] = Math.min(allLen, 0xffff);
      this.titleLenSum += this.titleLen[rowid];
      this.allLenSum += this.allLen[rowid];
      this.stdId[rowid] = stdId;
      this.body[rowid] = this.code(body);
      this.status[rowid] = this.code(status);
      this.currentRank[rowid] = CURRENT_LIKE.has(status) ? 0 : 1;
      this.nature[rowid] = nature === null ? 0 : this.code(nature);
      this.docType[rowid] = this.code(docType);
      this.year[rowid] = year !== null && year > 0 && year < 10_000 ? year : 0;
      let tops: number[] | null;
      [this.ics[rowid], tops] = this.codeList(ics, (c) => c.split('.')[0]);
      [this.icsTopA[rowid], this.icsTopB[rowid], this.icsTopMore[rowid]] = split3(tops);
      [this.ccs[rowid], tops] = this.codeList(ccs, (c) => c.slice(0, 1));
      [this.ccsTopA[rowid], this.ccsTopB[rowid], this.ccsTopMore[rowid]] = split3(tops);
      this.dateKey[rowid] = dateKey ?? '';
      this.numberKey[rowid] = numberKey;
    }
    this.gen = gen;
    this.orders = null;
    this.liveList = null;
  }

  /** One more than the highest rowid seen (sizes per-rowid scratch arrays). */
  get capacity(): number {
    return this.live.length;
  }

  /** The data generation this table reflects (changes whenever the index is written). */
  get generation(): number {
    return this.gen;
  }

  has(rowid: number): boolean {
    return this.live[rowid] === 1;
  }

  /** Average FTS row lengths in tokens (BM25's avgdl of each field). */
  get avgTitleLen(): number {
    return this.count ? Math.max(1, this.titleLenSum / this.count) : 1;
  }
  get avgAllLen(): number {
    return this.count ? Math.max(1, this.allLenSum / this.count) : 1;
  }

  /** Number of live (not removed) documents. */
  get size(): number {
    return this.count;
  }

  private liveList: Int32Array | null = null;

  /** Every live rowid, ascending (cached per generation: browsing walks it on every request). */
  rowids(): Int32Array {
    if (this.liveList) return this.liveList;
    const out = new Int32Array(this.count);
    let n = 0;
    for (let r = 0; r < this.live.length; r++) if (this.live[r]) out[n++] = r;
    this.liveList = out.subarray(0, n);
    return this.liveList;
  }

  /** Edition order: current first, then newest year, then number order. */
  editionOrder = (a: number, b: number): number =>
    this.currentRank[a] - this.currentRank[b] || this.year[b] - this.year[a] || cmp(this.numberKey[a], this.numberKey[b]);

  /**
   * Rank of each rowid in "by number" and "by date" order (index = rowid), computed once per generation so that
   * sorting a large match set compares integers, not strings.
   */
  ranks(): { number: Int32Array; date: Int32Array } {
    if (this.orders) return this.orders;
    const live = [...this.rowids()];
    const byNumber = live.slice().sort((a, b) => cmp(this.numberKey[a], this.numberKey[b]) || a - b);
    const byDate = live
      .slice()
      .sort((a, b) => cmp(this.dateKey[a], this.dateKey[b]) || this.year[a] - this.year[b] || cmp(this.numberKey[a], this.numberKey[b]));
    const number = new Int32Array(this.live.length);
    const date = new Int32Array(this.live.length);
    byNumber.forEach((r, i) => (number[r] = i));
    byDate.forEach((r, i) => (date[r] = i));
    this.orders = { number, date };
    return this.orders;
  }
}

/** First, second and further codes of a list (0 / undefined when absent), for the flat top-level columns. */
function split3(codes: number[] | null): [number, number, number[] | undefined] {
  return [codes?.[0] ?? 0, codes?.[1] ?? 0, codes && codes.length > 2 ? codes.slice(2) : undefined];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
