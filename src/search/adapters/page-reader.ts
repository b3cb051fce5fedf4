import type BetterSqlite3 from 'better-sqlite3';
import type { StandardSummary } from '../../catalogue/ports.js';
import { needsSuccessors, SUCCESSOR_IN, SUCCESSOR_OUT, successorLists, summariesOf, unnamed, type Successor, type SuccessorRow, type SummaryRow } from './results.js';

/**
 * Reads what one result page shows, with a fixed number of prepared statements whatever the page size (ids are
 * passed as one JSON array and expanded with json_each, so no SQL is built from values).
 */

export class PageReader {
  private readonly docs: BetterSqlite3.Statement;
  private readonly outgoing: BetterSqlite3.Statement;
  private readonly incoming: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.docs = db.prepare(
      `SELECT rowid, std_id, number, titles, body, doc_type, nature, status, year FROM search_doc
       WHERE rowid IN (SELECT value FROM json_each(?))`,
    );
    // Successors named on the old record, resolved through the identifier index when they are in the catalogue.
    this.outgoing = db.prepare(
      `SELECT r.std_id AS old, r.target AS target, s.id AS id, s.number AS number, s.status AS status, s.year AS year
       FROM relation r
       LEFT JOIN standard s ON s.id = (
         SELECT i.std_id FROM identifier i WHERE i.norm = r.target_norm ORDER BY i.is_primary DESC LIMIT 1)
       WHERE r.std_id IN (SELECT value FROM json_each(?))
         AND r.type IN (SELECT value FROM json_each(?))`,
    );
    // Records that say they replace one of the old record's identifiers.
    this.incoming = db.prepare(
      `SELECT DISTINCT i.std_id AS old, s.id AS id, s.number AS number, s.status AS status, s.year AS year
       FROM identifier i
       JOIN relation r ON r.target_norm = i.norm AND r.std_id <> i.std_id
       JOIN standard s ON s.id = r.std_id
       WHERE i.std_id IN (SELECT value FROM json_each(?))
         AND r.type IN (SELECT value FROM json_each(?))`,
    );
  }

  needsSuccessors(status: string): boolean {
    return needsSuccessors(status);
  }

  /** Summaries by rowid, read from search_doc (see migration 002). */
  summaries(rowids: number[]): Map<number, StandardSummary> {
    if (!rowids.length) return new Map();
    return summariesOf(this.docs.all(JSON.stringify(rowids)) as SummaryRow[]);
  }

  /** Successors of each old standard, resolved to catalogue ids where possible, newest first. */
  successors(oldIds: string[]): Map<string, Successor[]> {
    if (!oldIds.length) return new Map();
    const rows = this.outgoing.all(JSON.stringify(oldIds), JSON.stringify(SUCCESSOR_OUT)) as SuccessorRow[];
    // The reverse direction (the successor says "replaces …") only for records that name no successor themselves.
    const rest = unnamed(oldIds, rows);
    if (rest.length) rows.push(...(this.incoming.all(JSON.stringify(rest), JSON.stringify(SUCCESSOR_IN)) as SuccessorRow[]));
    return successorLists(rows);
  }
}
