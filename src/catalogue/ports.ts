import type { StandardRecord } from './model.js';

/** Outcome of writing one record. 'unchanged' means the stored record was identical: nothing written, no event. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** What lists and search hits show of a standard (read from the standard row, not the JSON). */
export interface StandardSummary {
  id: string;
  number: string;
  body: string;
  docType: string;
  nature: string | null;
  status: string;
  year: number | null;
  titles: Record<string, string>;
}

/** A relation as shown on a standard's page: the other side resolved to a record when it exists. */
export interface ResolvedRelation {
  type: string;
  /** 'out' = stated on this record; 'in' = stated on the other record and shown here by its inverse type. */
  direction: 'out' | 'in';
  target: string;
  targetId: string | null;
  targetStatus: string | null;
  targetTitle: Record<string, string> | null;
  degree: string | null;
  note: string | null;
}

export interface CatalogueStats {
  total: number;
  byBody: { body: string; count: number }[];
  byStatus: { status: string; count: number }[];
  byBodyStatus: { body: string; status: string; count: number }[];
}

/** Something that must be updated in the same transaction as a record (the search index). */
export interface RecordIndexer {
  index(tx: unknown, record: StandardRecord): Promise<void>;
  remove(tx: unknown, id: string): Promise<void>;
}

/** The catalogue storage port. Every mutation records an event in the same transaction. */
export interface CatalogueStore {
  /** Writes one record and its children in one transaction (with its event and index update); idempotent. */
  upsert(record: StandardRecord, ctx: { actor: string }): Promise<UpsertOutcome>;
  /**
   * Writes many records in one transaction, each record atomic (a savepoint): a failing record is rolled back
   * alone and returned as { error }; the others commit together. Same result as upsert per record, fewer commits.
   */
  upsertMany(records: StandardRecord[], ctx: { actor: string }): Promise<(UpsertOutcome | { error: Error })[]>;
  /** Deletes a record (event recorded). */
  remove(id: string, ctx: { actor: string }): Promise<boolean>;
  get(id: string): Promise<StandardRecord | null>;
  /**
   * Finds a standard by anything a user types: its id/slug, a full number ('GB/T 29772-2024') or a number
   * without year ('GB/T 29772' → the current edition, else the newest).
   */
  resolve(text: string): Promise<StandardRecord | null>;
  /** All editions sharing a family key, newest first. */
  editions(family: string): Promise<StandardSummary[]>;
  relations(id: string): Promise<ResolvedRelation[]>;
  summaries(ids: string[]): Promise<StandardSummary[]>;
  stats(): Promise<CatalogueStats>;
  count(): Promise<number>;
  /** Event history of one standard, oldest first. */
  history(id: string): Promise<{ at: string; actor: string; verb: string; before: unknown; after: unknown }[]>;
}
