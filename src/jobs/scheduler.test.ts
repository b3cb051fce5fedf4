import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { FakeClock } from '../kernel/clock.js';
import { LocalJobLock } from './local-lock.js';
import { Scheduler } from './scheduler.js';

const HOUR = 3_600_000;

describe('Scheduler', () => {
  let dir: string;
  let db: Kysely<Database>;
  let clock: FakeClock;
  const errors: string[] = [];
  const make = (lock = new LocalJobLock()) => new Scheduler({ db, clock, lock, onError: (job, e) => errors.push(`${job}: ${e.message}`) });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stdhub-jobs-'));
    db = kyselyOf(openSqlite(join(dir, 'db.sqlite')));
    await migrate(db);
    clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
    errors.length = 0;
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job when never run, then every everyMs; the schedule survives a restart (job_run)', async () => {
    const runs: string[] = [];
    let s = make();
    s.register({ name: 'count', everyMs: HOUR, run: async (now) => void runs.push(now.toISOString()) });
    expect(await s.runDue(clock.now())).toEqual([{ name: 'count', result: 'ran', changed: 0 }]);
    clock.set('2026-11-25T00:59:00Z');
    expect(await s.runDue(clock.now())).toEqual([{ name: 'count', result: 'not_due' }]);
    clock.set('2026-11-25T01:00:00Z');
    expect((await s.runDue(clock.now()))[0].result).toBe('ran');
    await s.close();

    // Restart: a new scheduler reads the last run from the database.
    s = make();
    s.register({ name: 'count', everyMs: HOUR, run: async (now) => void runs.push(now.toISOString()) });
    clock.set('2026-11-25T01:30:00Z');
    expect((await s.runDue(clock.now()))[0].result).toBe('not_due');
    // After downtime the job is overdue and runs once (the job itself catches up from its own state).
    clock.set('2026-12-02T08:00:00Z');
    expect((await s.runDue(clock.now()))[0].result).toBe('ran');
    expect(runs).toEqual(['2026-11-25T00:00:00.000Z', '2026-11-25T01:00:00.000Z', '2026-12-02T08:00:00.000Z']);
    expect((await s.states())[0]).toMatchObject({ name: 'count', runs: 3, lastStatus: 'ok', lastStartedAt: '2026-12-02T08:00:00.000Z' });
    await s.close();
  });

  it('never overlaps a job with itself, and respects a lock held elsewhere', async () => {
    const s = make();
    let release!: () => void;
    let started = 0;
    s.register({
      name: 'slow',
      everyMs: 1000,
      run: () => {
        started++;
        return new Promise<void>((r) => (release = r));
      },
    });
    const first = s.runNow('slow');
    await new Promise((r) => setTimeout(r, 20));
    expect(await s.runNow('slow')).toEqual({ name: 'slow', result: 'busy' });
    release();
    expect((await first).result).toBe('ran');
    expect(started).toBe(1);

    // Another instance holds the lock: this one skips the run.
    const lock = new LocalJobLock();
    const other = make(lock);
    other.register({ name: 'locked', everyMs: 1000, run: async () => ({ changed: 1 }) });
    const outcome = await lock.tryWithLock('job:locked', () => other.runNow('locked'));
    expect(outcome).toEqual({ name: 'locked', result: 'busy' });
    expect(await other.runNow('locked')).toEqual({ name: 'locked', result: 'ran', changed: 1 });
    await s.close();
    await other.close();
  });

  it('records a failing job, keeps running the others, and retries it when due', async () => {
    const s = make();
    let fail = true;
    s.register({ name: 'flaky', everyMs: HOUR, run: async () => { if (fail) throw new Error('boom'); return { changed: 2 }; } });
    s.register({ name: 'fine', everyMs: HOUR, run: async () => ({ changed: 1 }) });
    const out = await s.runDue(clock.now());
    expect(out).toEqual([
      { name: 'flaky', result: 'failed', error: 'boom' },
      { name: 'fine', result: 'ran', changed: 1 },
    ]);
    expect(errors).toEqual(['flaky: boom']);
    expect((await s.states()).find((j) => j.name === 'flaky')).toMatchObject({ lastStatus: 'failed', lastError: 'boom' });
    fail = false;
    clock.set('2026-11-25T01:00:00Z');
    expect((await s.runDue(clock.now()))[0]).toEqual({ name: 'flaky', result: 'ran', changed: 2 });
    await s.close();
  });

  it('stops cleanly on close(): waits for the run in progress and runs nothing afterwards', async () => {
    const s = make();
    let done = false;
    s.register({ name: 'tail', everyMs: 1000, run: async () => { await new Promise((r) => setTimeout(r, 50)); done = true; } });
    void s.runNow('tail');
    await new Promise((r) => setTimeout(r, 5));
    await s.close();
    expect(done).toBe(true);
    expect(await s.runDue(clock.now())).toEqual([]);
  });

  it('start() runs every job once at start and the timer stays unref’d', async () => {
    const s = new Scheduler({ db, clock, lock: new LocalJobLock(), tickMs: 10_000 });
    let n = 0;
    s.register({ name: 'boot', everyMs: HOUR, run: async () => void n++ });
    s.start();
    s.start(); // idempotent
    for (let i = 0; i < 100 && n === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await s.close();
    expect(n).toBe(1);
  });

  it('refuses bad definitions', () => {
    const s = make();
    expect(() => s.register({ name: 'Bad Name', everyMs: HOUR, run: async () => {} })).toThrow();
    expect(() => s.register({ name: 'fast', everyMs: 10, run: async () => {} })).toThrow();
    s.register({ name: 'once', everyMs: HOUR, run: async () => {} });
    expect(() => s.register({ name: 'once', everyMs: HOUR, run: async () => {} })).toThrow(/already/);
  });
});
