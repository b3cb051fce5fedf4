/** Kysely table types of the scheduler (src/jobs); merged into Database through src/lifecycle/tables.ts. */

/** The last run of each scheduled job: what makes the scheduler restart-safe (a job overdue at start runs at once). */
export interface JobRunTable {
  name: string;
  /** ISO-8601 UTC start of the last run (also set while a run is in progress). */
  last_started_at: string | null;
  /** ISO-8601 UTC end of the last completed run (ok or failed). */
  last_finished_at: string | null;
  /** 'running' | 'ok' | 'failed' */
  last_status: string;
  last_error: string | null;
  /** What the last run reported as changed (0 when it reported nothing). */
  last_changed: number;
  runs: number;
}

export interface JobTables {
  job_run: JobRunTable;
}
