import type BetterSqlite3 from 'better-sqlite3';
import type { StandardSummary } from '../../catalogue/ports.js';
import type { SearchHit } from '../ports.js';

/**
 * Reads what one result page shows, with a fixed number of prepared statements whatever the page size (ids are
 * passed as one JSON array and expanded with json_each, so no SQL is built from values).
 */

/** Statuses whose hits show their successors (lineage). */
const SUPERSEDED = new Set(['replaced', 'withdrawn', 'abolished', 'obsoleted']);
/** Relation types stated on the old record pointing at its successor … */
const SUCCESSOR_OUT = ['replacedBy', 'obsoletedBy'];
/** … and stated on the successor pointing back at the old record. */
const SUCCESSOR_IN = ['replaces', 'obsoletes'];

type Successor = SearchHit['successors'][number];

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
    return SUPERSEDED.has(status);
  }

  /** Summaries by rowid, read from search_doc (see migration 002). */
  summaries(rowids: number[]): Map<number, StandardSummary> {
    const out = new Map<number, StandardSummary>();
    if (!rowids.length) return out;
    type Row = {
      rowid: number;
      std_id: string;
      number: string;
      titles: string;
      body: string;
      doc_type: string;
      nature: string | null;
      status: string;
      year: number | null;
    };
    for (const r of this.docs.all(JSON.stringify(rowids)) as Row[]) {
      out.set(r.rowid, {
        id: r.std_id,
        number: r.number,
        body: r.body,
        docType: r.doc_type,
        nature: r.nature,
        status: r.status,
        year: r.year,
        titles: JSON.parse(r.titles) as Record<string, string>,
      });
    }
    return out;
  }

  /** Successors of each old standard, resolved to catalogue ids where possible, newest first. */
  successors(oldIds: string[]): Map<string, Successor[]> {
    const out = new Map<string, (Successor & { year: number | null })[]>();
    if (!oldIds.length) return new Map();
    const json = JSON.stringify(oldIds);
    type Row = { old: string; target?: string; id: string | null; number: string | null; status: string | null; year: number | null };
    const rows = this.outgoing.all(json, JSON.stringify(SUCCESSOR_OUT)) as Row[];
    // The reverse direction (the successor says "replaces …") only for records that name no successor themselves.
    const named = new Set(rows.map((r) => r.old));
    const rest = oldIds.filter((id) => !named.has(id));
    if (rest.length) rows.push(...(this.incoming.all(JSON.stringify(rest), JSON.stringify(SUCCESSOR_IN)) as Row[]));
    for (const r of rows) {
      if (r.id === r.old) continue;
      const list = out.get(r.old) ?? [];
      const number = r.number ?? r.target ?? '';
      const dup = list.some((x) => (r.id ? x.id === r.id : x.id === null && x.number === number));
      if (!dup && number) list.push({ id: r.id, number, status: r.status, year: r.year });
      out.set(r.old, list);
    }
    const result = new Map<string, Successor[]>();
    for (const [old, list] of out) {
      list.sort((a, b) => (b.year ?? 0) - (a.year ?? 0));
      result.set(old, list.map(({ id, number, status }) => ({ id, number, status })));
    }
    return result;
  }
}
