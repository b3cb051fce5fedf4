import pg from 'pg';
import type { JobLock } from '../jobs/ports.js';

/**
 * Namespace of stdhub's advisory locks (first key of the two-key form), so a job's lock cannot collide with
 * advisory locks other software takes in the same database.
 */
export const LOCK_NAMESPACE = 0x5d4b; // 'stdhub' jobs

/**
 * JobLock on PostgreSQL session advisory locks: `pg_try_advisory_lock(namespace, hashtext(name))` on ONE dedicated
 * connection (not the pool: a session lock belongs to the connection that took it, and a pooled connection would
 * carry it off to unrelated queries). Instances sharing the database therefore run a given job one at a time;
 * if this process dies, or its connection drops, PostgreSQL releases the lock at once, so no job stays stuck.
 *
 * Session locks are re-entrant within one connection, so a name held by this process is also tracked in memory:
 * a second caller in the same process is refused like a caller in another process. Two job names whose hashtext
 * collides would only exclude each other (never run together), which is safe.
 */
export class PgAdvisoryJobLock implements JobLock {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly held = new Set<string>();
  private closed = false;
  /** Queries on the one connection run one after another (pg 9 will refuse overlapping client.query calls). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly url: string) {}

  private async conn(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const c = new pg.Client({ connectionString: this.url, application_name: 'stdhub-job-lock' });
      // A dropped connection releases every lock it held; forget it so the next call reconnects.
      c.on('error', () => {
        if (this.client === c) this.client = null;
      });
      c.on('end', () => {
        if (this.client === c) this.client = null;
      });
      await c.connect();
      this.client = c;
      return c;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    if (this.closed) throw new Error('job lock closed');
    if (this.held.has(name)) return null;
    this.held.add(name);
    let c: pg.Client | null = null;
    try {
      c = await this.conn();
      const r = await this.serial(() => c!.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_NAMESPACE, name]));
      if (!r.rows[0]?.ok) return null;
      try {
        return await fn();
      } finally {
        // If the connection died meanwhile the lock is already gone; the unlock failing is then harmless.
        await this.serial(() => c!.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, name])).catch(() => undefined);
      }
    } finally {
      this.held.delete(name);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the dedicated connection (releasing any lock still held). */
  async close(): Promise<void> {
    this.closed = true;
    const c = this.client ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
