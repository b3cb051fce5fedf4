import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { JobDefinition, JobLock } from './ports.js';

/** What one job did in one pass of the scheduler. */
export interface JobOutcome {
  name: string;
  /** 'ran' | 'not_due' | 'busy' (already running here, or another instance holds the lock) | 'failed' */
  result: 'ran' | 'not_due' | 'busy' | 'failed';
  changed?: number;
  error?: string;
}

/** The stored state of a job (job_run). */
export interface JobState {
  name: string;
  everyMs: number;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  lastChanged: number;
  runs: number;
}

export interface SchedulerOptions {
  db: Kysely<Database>;
  clock: Clock;
  lock: JobLock;
  /** How often the timer looks for due jobs (default one minute); jobs themselves run every `everyMs`. */
  tickMs?: number;
  /** Where failures are reported (default: stderr). A failing job never stops the others. */
  onError?: (job: string, error: Error) => void;
}

/**
 * Runs registered jobs every `everyMs` and once at start. Restart-safe: the last run of each job is stored in
 * job_run, so after downtime an overdue job runs at once (and the job itself catches up from durable state).
 * A job never overlaps itself: in this process a running job is skipped, across processes the JobLock decides.
 * Time comes from the clock port; tests drive the scheduler with runDue(now) and never start the timer.
 */
export class Scheduler {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly running = new Map<string, Promise<JobOutcome>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly tickMs: number;
  private readonly onError: (job: string, error: Error) => void;

  constructor(private readonly opts: SchedulerOptions) {
    this.tickMs = opts.tickMs ?? 60_000;
    this.onError = opts.onError ?? ((job, e) => process.stderr.write(`job ${job} failed: ${e.message}\n`));
  }

  /** Adds a job (names are unique). Jobs registered after start() run at the next tick. */
  register(def: JobDefinition): void {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(def.name)) throw new Error(`invalid job name "${def.name}"`);
    if (this.jobs.has(def.name)) throw new Error(`job "${def.name}" is already registered`);
    if (!(def.everyMs >= 1000)) throw new Error(`job "${def.name}": everyMs must be at least 1000`);
    this.jobs.set(def.name, def);
  }

  /** Names of the registered jobs. */
  names(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Starts the timer: every registered job runs once now (catching up after downtime), then whenever it is due.
   * Idempotent. The timer is unref'd so it never keeps the process alive on its own.
   */
  start(): void {
    if (this.timer || this.closed) return;
    void this.pass(this.opts.clock.now(), true);
    this.timer = setInterval(() => void this.pass(this.opts.clock.now(), false), this.tickMs);
    this.timer.unref?.();
  }

  /** Runs every job that is due at `now` (never run, or last started at least everyMs ago); awaits them all. */
  async runDue(now: Date = this.opts.clock.now()): Promise<JobOutcome[]> {
    return this.pass(now, false);
  }

  /** Runs one job now whatever its schedule (the CLI and tests use it). */
  async runNow(name: string, now: Date = this.opts.clock.now()): Promise<JobOutcome> {
    const def = this.jobs.get(name);
    if (!def) throw new Error(`no job "${name}"`);
    return this.runOne(def, now);
  }

  /** The stored state of every registered job. */
  async states(): Promise<JobState[]> {
    const rows = await this.opts.db.selectFrom('job_run').selectAll().execute();
    const byName = new Map(rows.map((r) => [r.name, r]));
    return [...this.jobs.values()].map((j) => {
      const r = byName.get(j.name);
      return {
        name: j.name,
        everyMs: j.everyMs,
        lastStartedAt: r?.last_started_at ?? null,
        lastFinishedAt: r?.last_finished_at ?? null,
        lastStatus: r?.last_status ?? null,
        lastError: r?.last_error ?? null,
        lastChanged: r?.last_changed ?? 0,
        runs: r?.runs ?? 0,
      };
    });
  }

  /** Stops the timer and waits for runs in progress; later runDue/runNow calls do nothing. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  private async pass(now: Date, all: boolean): Promise<JobOutcome[]> {
    if (this.closed) return [];
    const rows = await this.opts.db.selectFrom('job_run').select(['name', 'last_started_at']).execute();
    const last = new Map(rows.map((r) => [r.name, r.last_started_at]));
    const work = [...this.jobs.values()].map((def) => {
      const started = last.get(def.name);
      const due = all || !started || now.getTime() - Date.parse(started) >= def.everyMs;
      return due ? this.runOne(def, now) : Promise.resolve<JobOutcome>({ name: def.name, result: 'not_due' });
    });
    return Promise.all(work);
  }

  private runOne(def: JobDefinition, now: Date): Promise<JobOutcome> {
    if (this.closed) return Promise.resolve({ name: def.name, result: 'busy' });
    // Already running here: skip at once (the run in progress covers this tick).
    if (this.running.has(def.name)) return Promise.resolve({ name: def.name, result: 'busy' });
    const p = this.opts.lock
      .tryWithLock(`job:${def.name}`, () => this.execute(def, now))
      .then((r) => r ?? { name: def.name, result: 'busy' as const })
      .finally(() => this.running.delete(def.name));
    this.running.set(def.name, p);
    return p;
  }

  private async execute(def: JobDefinition, now: Date): Promise<JobOutcome> {
    const db = this.opts.db;
    const startedAt = now.toISOString();
    await db
      .insertInto('job_run')
      .values({ name: def.name, last_started_at: startedAt, last_finished_at: null, last_status: 'running', last_error: null, last_changed: 0, runs: 0 })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_started_at: startedAt, last_status: 'running' }))
      .execute();
    let outcome: JobOutcome;
    try {
      const r = await def.run(now);
      outcome = { name: def.name, result: 'ran', changed: r && typeof r.changed === 'number' ? r.changed : 0 };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.onError(def.name, err);
      outcome = { name: def.name, result: 'failed', error: err.message.slice(0, 2000) };
    }
    const finishedAt = this.opts.clock.now().toISOString();
    await db
      .updateTable('job_run')
      .set((eb) => ({
        last_finished_at: finishedAt,
        last_status: outcome.result === 'ran' ? 'ok' : 'failed',
        last_error: outcome.error ?? null,
        last_changed: outcome.changed ?? 0,
        runs: eb('runs', '+', 1),
      }))
      .where('name', '=', def.name)
      .execute();
    return outcome;
  }
}
