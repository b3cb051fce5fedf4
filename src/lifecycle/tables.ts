import type { JobTables } from '../jobs/tables.js';

/**
 * One dated lifecycle fact about a standard (src/lifecycle/ports.ts LifecycleEventType). The primary key
 * (std_id, type, date, related) makes every write idempotent: a replayed bulletin or a re-derived import never
 * duplicates a fact. `related` is '' when the fact names no other standard (NULL would defeat the key).
 */
export interface LifecycleFactTable {
  std_id: string;
  type: string;
  /** 'YYYY-MM-DD'; imported facts may be 'YYYY-MM' (the source gives only the month, e.g. the RFC index). */
  date: string;
  related: string;
  /** 'bulletin:<id>', 'importer:<name>', 'editor', … */
  source: string;
  /** 1 = derived from the record's own dates and relations (re-derived when the record changes). */
  derived: number;
  /** When the scheduled job applied the transition (ISO-8601 UTC); null while pending. */
  applied_at: string | null;
  created_at: string;
}

/**
 * The status a standard's source gave it, kept because the computed status overwrites record.status: a terminal
 * source status without a date (an RFC reclassified Historic) must still win over facts that only say "current".
 */
export interface LifecycleSourceTable {
  std_id: string;
  status: string;
  status_source: string | null;
  updated_at: string;
}

/** Kysely table types of the lifecycle domain (merged into Database in src/db/schema.ts). */
export interface LifecycleTables extends JobTables {
  lifecycle_fact: LifecycleFactTable;
  lifecycle_source: LifecycleSourceTable;
}
