/**
 * The records of one query with their scores, in scratch arrays indexed by rowid that live as long as the engine:
 * a broad query ('requirements') has 18k candidates, and a Map per query costs more than the scoring itself.
 * Single-threaded by construction (one engine per connection, queries run one at a time).
 */
export class Candidates {
  /** Candidate rowids in the order they were added. */
  readonly list: number[] = [];
  private score = new Float64Array(0);
  private mark = new Uint8Array(0);

  /** Starts a query over rowids below `capacity`. */
  begin(capacity: number): this {
    this.end();
    if (this.mark.length < capacity) {
      this.score = new Float64Array(capacity);
      this.mark = new Uint8Array(capacity);
    }
    return this;
  }

  /** Adds a record with a score unless it is already there (the first score wins). */
  add(rowid: number, score: number): void {
    if (rowid >= this.mark.length || this.mark[rowid]) return;
    this.mark[rowid] = 1;
    this.score[rowid] = score;
    this.list.push(rowid);
  }

  /** Adds to a record's score, adding the record first if needed. */
  addTo(rowid: number, score: number): void {
    if (rowid >= this.mark.length) return;
    if (this.mark[rowid]) this.score[rowid] += score;
    else this.add(rowid, score);
  }

  has(rowid: number): boolean {
    return this.mark[rowid] === 1;
  }

  scoreOf(rowid: number): number {
    return this.score[rowid];
  }

  /** Clears the marks of this query (only the rows it touched). */
  end(): void {
    for (const r of this.list) this.mark[r] = 0;
    this.list.length = 0;
  }
}

/**
 * A reusable membership test over rowids (the title-tier set of one query), cheaper than a Set of thousands of
 * numbers. `of()` replaces the previous contents.
 */
export class RowMarks {
  private mark = new Uint8Array(0);
  private rows: ArrayLike<number> = [];

  of(rows: ArrayLike<number>): { has(rowid: number): boolean } {
    for (let i = 0; i < this.rows.length; i++) this.mark[this.rows[i]] = 0;
    let max = 0;
    for (let i = 0; i < rows.length; i++) if (rows[i] > max) max = rows[i];
    if (this.mark.length <= max) this.mark = new Uint8Array(Math.max(max + 1, this.mark.length * 2));
    for (let i = 0; i < rows.length; i++) this.mark[rows[i]] = 1;
    this.rows = rows;
    return { has: (rowid: number) => this.mark[rowid] === 1 };
  }
}
