import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { StandardSummary } from '../../catalogue/ports.js';
import { DocTable } from './doc-table.js';
import { needsSuccessors, SUCCESSOR_IN, SUCCESSOR_OUT, successorLists, summariesOf, unnamed, type Successor, type SuccessorRow, type SummaryRow } from './results.js';

/**
 * What the PostgreSQL search adapters share with the SQLite ones: the in-memory facet table (DocTable, the same
 * class, so facets, filters and edition order are computed by the same code on both databases) and the reading
 * of a result page (summaries, successors) in PostgreSQL SQL.
 *
 * DocTable reads search_doc through two synchronous better-sqlite3 statements. Here it gets a stand-in connection
 * whose two statements answer from rows fetched asynchronously just before (PgDocTable.refresh): the same
 * generation protocol (read the generation, then the rows newer than the table's), one round trip when nothing
 * changed.
 */

type DocRow = [number, string, number, string, string, string | null, string, number | null, string, string, string | null, string, number, number];

/** A DocTable fed from PostgreSQL. refresh() is async and serialised; the table itself is then read synchronously. */
export class PgDocTable {
  readonly table: DocTable;
  private pendingGen = 0;
  private pendingRows: DocRow[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly db: Kysely<any>) {
    const stmt = {
      pluck: () => stmt,
      raw: () => stmt,
      get: () => this.pendingGen,
      iterate: () => this.pendingRows[Symbol.iterator](),
    };
    const standIn = { inTransaction: false, prepare: () => stmt };
    this.table = new DocTable(standIn as unknown as BetterSqlite3.Database);
  }

  /** Brings the table up to date (concurrent callers share one refresh). */
  async refresh(): Promise<DocTable> {
    while (this.running) await this.running;
    this.running = this.load().finally(() => (this.running = null));
    await this.running;
    return this.table;
  }

  private async load(): Promise<void> {
    const g = await sql<{ gen: number }>`SELECT gen FROM search_state WHERE id = 1`.execute(this.db);
    const gen = Number(g.rows[0]?.gen ?? 0);
    if (gen === this.table.generation) return;
    const r = await sql<Record<string, unknown>>`
      SELECT rowid, std_id, deleted, body, status, nature, doc_type, year, ics, ccs, date_key, number_key, title_len, all_len
      FROM search_doc WHERE gen > ${this.table.generation} ORDER BY gen`.execute(this.db);
    this.pendingGen = gen;
    this.pendingRows = r.rows.map(
      (x) =>
        [
          Number(x.rowid), x.std_id, Number(x.deleted), x.body, x.status, x.nature, x.doc_type,
          x.year === null ? null : Number(x.year), x.ics, x.ccs, x.date_key, x.number_key, Number(x.title_len), Number(x.all_len),
        ] as DocRow,
    );
    try {
      this.table.refresh();
    } finally {
      this.pendingRows = [];
    }
  }
}

/** The result page's reads (page-reader.ts) with PostgreSQL arrays (= ANY($1)) where SQLite uses json_each. */
export class PgPageReader {
  constructor(private readonly db: Kysely<any>) {}

  needsSuccessors(status: string): boolean {
    return needsSuccessors(status);
  }

  async summaries(rowids: number[]): Promise<Map<number, StandardSummary>> {
    if (!rowids.length) return new Map();
    const r = await sql<SummaryRow>`SELECT rowid, std_id, number, titles, body, doc_type, nature, status, year FROM search_doc
       WHERE rowid = ANY(${rowids}::int[])`.execute(this.db);
    return summariesOf(r.rows);
  }

  /** Successors of each old standard, resolved to catalogue ids where possible, newest first. */
  async successors(oldIds: string[]): Promise<Map<string, Successor[]>> {
    if (!oldIds.length) return new Map();
    const rows = (
      await sql<SuccessorRow>`SELECT r.std_id AS old, r.target AS target, s.id AS id, s.number AS number, s.status AS status, s.year AS year
        FROM relation r
        LEFT JOIN standard s ON s.id = (
          SELECT i.std_id FROM identifier i WHERE i.norm = r.target_norm ORDER BY i.is_primary DESC LIMIT 1)
        WHERE r.std_id = ANY(${oldIds}::text[]) AND r.type = ANY(${SUCCESSOR_OUT}::text[])`.execute(this.db)
    ).rows;
    const rest = unnamed(oldIds, rows);
    if (rest.length)
      rows.push(
        ...(
          await sql<SuccessorRow>`SELECT DISTINCT i.std_id AS old, s.id AS id, s.number AS number, s.status AS status, s.year AS year
            FROM identifier i
            JOIN relation r ON r.target_norm = i.norm AND r.std_id <> i.std_id
            JOIN standard s ON s.id = r.std_id
            WHERE i.std_id = ANY(${rest}::text[]) AND r.type = ANY(${SUCCESSOR_IN}::text[])`.execute(this.db)
        ).rows,
      );
    return successorLists(rows);
  }
}
