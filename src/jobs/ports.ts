/**
 * Scheduled jobs (lifecycle transitions, notification fan-out, digests, webhook retries). A job must be
 * restart-safe and idempotent: it works from durable state (dates, cursors) and catches up after downtime.
 * When several app instances share one database, only one runs a given job at a time (JobLock).
 */
export interface JobLock {
  /** Runs fn while holding the named lock; returns null without running when another holder has it. */
  tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<T | null>;
}

/** A job the scheduler runs every `everyMs` (and once at start). `run` gets the current time from the clock. */
export interface JobDefinition {
  name: string;
  everyMs: number;
  run(now: Date): Promise<{ changed: number } | void>;
}
