/**
 * Crash test of bulletin publication: a child process (compiled code in dist/, see crash-child.mjs) publishes a
 * bulletin of 500 abolitions and 20 replacements on a temporary SQLite file and is killed with SIGKILL — inside
 * the transaction (paused by the test-only hook after item 250), at random moments, and after commit. After each
 * kill the database is reopened: either every change of the bulletin is visible or none is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../src/app/container.js';
import { bulkScenario, editor } from '../../src/bulletins/fixtures.case.js';
import { FakeClock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/kernel/config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'crash-child.mjs');

async function open(file: string): Promise<Services> {
  const config = loadConfig({}, { STDHUB_DB: file, SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
  return openServices(config, { clock: new FakeClock(new Date('2026-11-25T00:00:00Z')) });
}

/** What of the bulletin is visible in the database, as counts. */
async function visible(file: string, bulletinId: string) {
  const s = await open(file);
  try {
    const n = async (q: ReturnType<typeof sql>) => Number(((await q.execute(s.db)).rows[0] as { n: number }).n);
    const b = await s.db.selectFrom('bulletin').select(['state']).where('id', '=', bulletinId).executeTakeFirstOrThrow();
    return {
      state: b.state,
      facts: await n(sql`select count(*) as n from lifecycle_fact where source = ${`bulletin:${bulletinId}`}`),
      events: await n(sql`select count(*) as n from event where verb in ('bulletin.published', 'standard.announced', 'standard.abolished', 'standard.replaced')`),
      relations: await n(sql`select count(*) as n from relation where type in ('replaces', 'replacedBy')`),
      abolished: await n(sql`select count(*) as n from standard where status = 'abolished'`),
      replaced: await n(sql`select count(*) as n from standard where status = 'replaced'`),
    };
  } finally {
    await s.close();
  }
}

const NONE = { state: 'draft', facts: 0, events: 0, relations: 0, abolished: 0, replaced: 0 };
// 500 abolished + 20 × (approved, released, implemented) + 20 replaced = 580 facts; 1 + 500 + 20 + 20 events.
const ALL = { state: 'published', facts: 580, events: 541, relations: 40, abolished: 500, replaced: 20 };

/** Runs the child until it prints `until`, then SIGKILLs it (optionally after `delayMs`); resolves when it is dead. */
function runChild(args: string[], until: string, delayMs = 0): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.includes(until)) {
        killed = true;
        if (delayMs) setTimeout(() => child.kill('SIGKILL'), delayMs);
        else child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && code !== 0) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ out, signal, code });
    });
  });
}

describe('bulletin publication survives SIGKILL: all or nothing', () => {
  let dir: string;
  let seed: string;
  let bulletinId = '';
  let version = 0;

  beforeAll(async () => {
    // The child runs the compiled code; build it when dist/ is missing or older than the bulletin service.
    const built = join(ROOT, 'dist', 'bulletins', 'service.js');
    const srcDir = join(ROOT, 'src', 'bulletins');
    const newest = Math.max(...readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(srcDir, f)).mtimeMs));
    if (!existsSync(built) || statSync(built).mtimeMs < newest) {
      const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
    }
    dir = mkdtempSync(join(tmpdir(), 'stdhub-crash-'));
    seed = join(dir, 'seed.sqlite');
    const s = await open(seed);
    const sc = bulkScenario(500, 20);
    await s.catalogue.upsertMany(sc.records, { actor: 'test' });
    const ed = editor('SAC');
    const b = await s.bulletins.create(ed, { publisher: 'SAC', number: 99, year: 2025, date: '2025-10-05', issuingBodies: [{ zh: '国家市场监督管理总局' }] });
    expect((await s.bulletins.addPasted(ed, b.id, sc.abolished.join('\n'), 'abolition', { abolitionDate: '2025-10-05' })).problems).toEqual([]);
    const lines = sc.newEditions.map((n, i) => `${n} | 2025-10-05 | 2026-05-01 | ${sc.oldEditions[i]}`).join('\n');
    expect((await s.bulletins.addPasted(ed, b.id, lines, 'revision')).problems).toEqual([]);
    const full = await s.bulletins.get(ed, b.id);
    bulletinId = b.id;
    version = full.version;
    await s.close(); // checkpoints the WAL: the seed is one self-contained file to copy per run
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = (name: string) => {
    const file = join(dir, `${name}.sqlite`);
    copyFileSync(seed, file);
    return file;
  };

  it('killed inside the open transaction after item 250: nothing is visible after restart', async () => {
    const file = fresh('pause');
    const r = await runChild([file, bulletinId, String(version), 'pause', '249'], 'PAUSED');
    expect(r.signal).toBe('SIGKILL');
    expect(r.out).not.toContain('PUBLISHED');
    expect(await visible(file, bulletinId)).toEqual(NONE);
    // The same draft still publishes completely afterwards (nothing half-written blocks it).
    const s = await open(file);
    try {
      await s.bulletins.publish(editor('SAC'), bulletinId, version);
    } finally {
      await s.close();
    }
    expect(await visible(file, bulletinId)).toEqual(ALL);
  });

  let publishMs = 2000;
  it('killed right after commit: everything is visible after restart', async () => {
    const file = fresh('finish');
    const r = await runChild([file, bulletinId, String(version), 'finish'], 'PUBLISHED');
    expect(r.signal).toBe('SIGKILL');
    expect(await visible(file, bulletinId)).toEqual(ALL);
    publishMs = Number(/PUBLISHED (\d+)/.exec(r.out)?.[1] ?? publishMs);
  });

  it('killed at random moments during publication: always all or nothing', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const file = fresh(`random-${i}`);
      // Spread the kills over the publication as timed by the previous test (and a little beyond its end).
      await runChild([file, bulletinId, String(version), 'random'], 'READY', 1 + Math.floor(Math.random() * publishMs * 1.3));
      const v = await visible(file, bulletinId);
      expect([NONE, ALL]).toContainEqual(v);
      seen.add(v.state);
    }
    // Not asserted (timing-dependent), but reported: which outcomes the random kills produced.
    console.info(`publication took ${publishMs} ms; random SIGKILL outcomes: ${[...seen].join(', ')}`);
  });
});
