import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../app/container.js';
import { DEMO_DIR } from '../demo/load.js';
import { runImport } from '../importers/runner.js';
import { FakeClock } from '../kernel/clock.js';
import { loadConfig } from '../kernel/config.js';
import { signIn } from '../testing/auth.js';
import { buildServer } from '../web/server.js';
import { createTempDatabase, pgReachable } from './pg-admin.js';

const available = await pgReachable();

/**
 * Two app instances (each its own Services: connection pool, job-lock connection, usage buffer, web server) on one
 * PostgreSQL database and one blob folder behave as one site: sessions, usage counts and scheduled jobs are shared.
 */
describe.skipIf(!available)('two instances on one PostgreSQL (127.0.0.1:5432)', () => {
  let db: Awaited<ReturnType<typeof createTempDatabase>>;
  let dir: string;
  const clock = new FakeClock(new Date('2026-11-25T10:00:00Z'));
  const inst: { s: Services; app: FastifyInstance }[] = [];

  beforeAll(async () => {
    db = await createTempDatabase();
    dir = mkdtempSync(join(tmpdir(), 'stdhub-multi-'));
    const config = loadConfig({}, { DATABASE_URL: db.url, BLOB_DIR: join(dir, 'blobs'), STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
    for (let i = 0; i < 2; i++) {
      const s = await openServices(config, { clock });
      inst.push({ s, app: await buildServer(s) });
    }
    await runImport(inst[0]!.s, 'relaton', join(DEMO_DIR, 'stdhub'));
  }, 60_000);

  afterAll(async () => {
    for (const { s, app } of inst) {
      await app.close();
      await s.close();
    }
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a session created through one instance authenticates on the other; signing out ends it on both', async () => {
    const [a, b] = inst;
    const session = await signIn(a!.app, a!.s, []);
    expect((await a!.app.inject({ method: 'GET', url: '/account', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    const onB = await b!.app.inject({ method: 'GET', url: '/account', headers: { cookie: session.cookie } });
    expect(onB.statusCode).toBe(200);
    expect(onB.body).toContain(session.email);
    // Signed out through B: A no longer knows the session.
    const out = await b!.app.inject({ method: 'POST', url: '/logout', headers: { ...session.headers(), 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(session.csrf)}` });
    expect([302, 303]).toContain(out.statusCode);
    expect((await a!.app.inject({ method: 'GET', url: '/account', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('usage counts from both instances sum in the shared tables', async () => {
    const [a, b] = inst;
    const rec = await a!.s.catalogue.resolve('T/STDHUB 1-2025');
    const url = `/std/${encodeURIComponent(rec!.id)}`;
    const ua = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
    for (let i = 0; i < 3; i++) expect((await a!.app.inject({ method: 'GET', url, headers: ua, remoteAddress: `10.0.0.${i + 1}` })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await b!.app.inject({ method: 'GET', url, headers: ua, remoteAddress: `10.0.1.${i + 1}` })).statusCode).toBe(200);
    await a!.s.usage.flush();
    await b!.s.usage.flush();
    for (const { s } of inst) {
      const top = await s.usage.top('view', 10);
      expect(top.find((t) => t.id === rec!.id)?.view).toBe(5);
    }
  });

  it('only one instance runs a given job at a time (PostgreSQL advisory lock), and the job runs once per pass', async () => {
    const [a, b] = inst;
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const job = (name: string) => ({
      name,
      everyMs: 3_600_000,
      async run() {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 100));
        running--;
        return { changed: 1 };
      },
    });
    a!.s.jobs.register(job('ops.test-job'));
    b!.s.jobs.register(job('ops.test-job'));
    const [ra, rb] = await Promise.all([a!.s.jobs.runNow('ops.test-job'), b!.s.jobs.runNow('ops.test-job')]);
    expect([ra.result, rb.result].sort()).toEqual(['busy', 'ran']);
    expect(runs).toBe(1);
    expect(maxRunning).toBe(1);
    // The lock is free again: the next run (from either instance) goes ahead.
    expect((await b!.s.jobs.runNow('ops.test-job')).result).toBe('ran');
    expect(runs).toBe(2);
    expect(a!.s.shared.jobLock).not.toBeNull();
  });
});
