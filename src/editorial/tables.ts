/** Kysely table types of the editorial domain (merged into Database in src/db/schema.ts); see migration 008. */

/** Unpublished work: a new standard or a pending revision of a published one (never in the public catalogue). */
export interface EditorialDraftTable {
  id: string;
  /** The catalogue record id the draft will be published as (slug of its primary identifier). */
  std_id: string;
  /** record.body: the publisher scope every permission check uses. */
  publisher: string;
  kind: 'new' | 'revision';
  /** The StandardRecord as JSON (what the form last saved, valid or not yet). */
  record: string;
  /** Disclosure to apply when publishing ({ mode, reason }) as JSON; null = keep / default. */
  disclosure: string | null;
  /** Workflow state (states.json). */
  state: string;
  /** Staged full text: blob key, importer, the uploaded name (display only, never a path), report and stats. */
  text_blob: string | null;
  text_importer: string | null;
  text_name: string | null;
  text_report: string | null;
  text_stats: string | null;
  /** Set while a publish is in progress (resumed at start-up if the process died in between). */
  publish_started_at: string | null;
  /** Who started that publish (the resumed steps are recorded under the same actor). */
  publish_actor: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A bulk import started from the web UI. */
export interface EditorialImportTable {
  id: string;
  importer: string;
  /** The uploaded file's name, for display only. */
  file_name: string;
  blob: string;
  state: 'running' | 'done' | 'failed' | 'interrupted';
  done: number;
  total: number | null;
  /** The ImportReport as JSON once finished. */
  report: string | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
  /** Last sign of life of the process running the import (migration 013); stale = that process is gone. */
  heartbeat_at?: string | null;
}

export interface EditorialTables {
  editorial_draft: EditorialDraftTable;
  editorial_import: EditorialImportTable;
}
