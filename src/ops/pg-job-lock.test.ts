import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTempDatabase, pgReachable } from './pg-admin.js';
import { PgAdvisoryJobLock } from './pg-job-lock.js';

const available = await pgReachable();

describe.skipIf(!available)('PgAdvisoryJobLock (PostgreSQL on 127.0.0.1:5432)', () => {
  let db: Awaited<ReturnType<typeof createTempDatabase>>;
  beforeAll(async () => {
    db = await createTempDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** A job that takes a while and records how many copies of it run at once. */
  function probe() {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    return {
      get stats() {
        return { maxRunning, runs };
      },
      job: async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return 'done';
      },
    };
  }

  it('lets only one of several holders (separate connections = separate instances) run a job at a time', async () => {
    const locks = [new PgAdvisoryJobLock(db.url), new PgAdvisoryJobLock(db.url), new PgAdvisoryJobLock(db.url)];
    try {
      const p = probe();
      const results = await Promise.all(locks.flatMap((l) => [l.tryWithLock('lifecycle', p.job), l.tryWithLock('lifecycle', p.job)]));
      expect(results.filter((r) => r === 'done')).toHaveLength(p.stats.runs);
      expect(p.stats.maxRunning).toBe(1);
      expect(p.stats.runs).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r === null).length).toBe(6 - p.stats.runs);
      // Released afterwards: the next attempt from any holder runs.
      expect(await locks[2]!.tryWithLock('lifecycle', async () => 'again')).toBe('again');
      // Different names do not exclude each other.
      const both = await Promise.all([locks[0]!.tryWithLock('a', p.job), locks[1]!.tryWithLock('b', p.job)]);
      expect(both).toEqual(['done', 'done']);
    } finally {
      await Promise.all(locks.map((l) => l.close()));
    }
  });

  it('releases the lock when the job throws, and when the holder connection dies', async () => {
    const a = new PgAdvisoryJobLock(db.url);
    const b = new PgAdvisoryJobLock(db.url);
    try {
      await expect(a.tryWithLock('digest', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await b.tryWithLock('digest', async () => 1)).toBe(1);
      // a holds the lock while its job waits; its backend is killed (a crashed instance): b may run at once.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const running = a.tryWithLock('digest', async () => {
        await gate;
        return 'a';
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(await b.tryWithLock('digest', async () => 'b')).toBeNull();
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stdhub-job-lock' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')");
      await admin.end();
      expect(await b.tryWithLock('digest', async () => 'b')).toBe('b');
      release();
      expect(await running).toBe('a');
      // a reconnects on its next call.
      expect(await a.tryWithLock('digest', async () => 'a2')).toBe('a2');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
