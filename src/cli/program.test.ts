import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../demo/load.js';
import { createProgress } from './progress.js';
import { runCli, type CliIo } from './program.js';

/** Runs the CLI in-process with recorded output; `signal()` plays the role of Ctrl-C for `serve`. */
function harness(env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  let handler: ((s: string) => void) | null = null;
  const io: CliIo = {
    stdout,
    stderr,
    env: { LOG_LEVEL: 'silent', STDHUB_DEMO: 'off', ...env },
    onSignal: (h) => (handler = h),
  };
  return {
    io,
    run: (...argv: string[]) => runCli(argv, io),
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    signal: (s = 'SIGINT') => handler?.(s),
    hasSignalHandler: () => handler !== null,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'stdhub-cli-'));
const db = join(dir, 'cli.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real RFC index entries (HTTP/1.1 and HTTP semantics) with the index's header, as a small import source. */
function rfcSubset(): string {
  const lines = readFileSync(join(DEMO_DIR, 'ietf', 'rfc-index.txt'), 'utf8').split('\n');
  const first = lines.findIndex((l) => /^1 /.test(l));
  const keep = new Set([2068, 2616, 7230, 7231, 9110]);
  const out = lines.slice(0, first);
  let on = false;
  for (const l of lines.slice(first)) {
    const m = /^(\d+) /.exec(l);
    if (m) on = keep.has(Number(m[1]));
    if (on) out.push(l);
  }
  const path = join(dir, 'rfc-index.txt');
  writeFileSync(path, out.join('\n'));
  return path;
}

describe('stdhub --help', () => {
  it('lists the commands', async () => {
    const h = harness();
    expect(await h.run('--help')).toBe(0);
    for (const c of ['serve', 'import', 'importers', 'stats', 'demo']) expect(h.out).toContain(c);
  });

  it('every command has --help', async () => {
    for (const c of ['serve', 'import', 'importers', 'stats', 'demo']) {
      const h = harness();
      expect(await h.run(c, '--help'), c).toBe(0);
      expect(h.out, c).toContain(`stdhub ${c}`);
    }
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const h = harness();
    expect(await h.run('frobnicate')).toBe(2);
    expect(h.err).toMatch(/unknown command/);
  });
});

describe('stdhub importers', () => {
  it('lists the registered importers with descriptions', async () => {
    const h = harness();
    expect(await h.run('importers')).toBe(0);
    expect(h.out).toMatch(/^rfc-index\s+RFC Editor index/m);
    expect(h.out).toContain('accepts:');
  });
});

describe('stdhub import / stats', () => {
  const source = rfcSubset();

  it('imports, prints the report and exits 0', async () => {
    const h = harness();
    expect(await h.run('import', 'rfc-index', source, '--db', db)).toBe(0);
    expect(h.out).toContain('rfc-index ← ');
    expect(h.out).toMatch(/seen 5\s+created 5\s+updated 0\s+unchanged 0\s+failed 0/);
  });

  it('--json prints the report as JSON; a second run is unchanged', async () => {
    const h = harness();
    expect(await h.run('import', 'rfc-index', source, '--db', db, '--json')).toBe(0);
    const report = JSON.parse(h.out);
    expect(report.importer).toBe('rfc-index');
    expect(report.counts).toMatchObject({ seen: 5, created: 0, unchanged: 5, failed: 0 });
  });

  it('exits 1 and prints the diagnostics when the run aborts', async () => {
    const empty = join(dir, 'empty-index.txt');
    writeFileSync(empty, 'this is not an RFC index\n');
    const h = harness();
    expect(await h.run('import', 'rfc-index', empty, '--db', db)).toBe(1);
    expect(h.out).toMatch(/^ {2}abort\s+rfc_index\.\w+/m);
  });

  it('exits 1 when records fail', async () => {
    const bad = join(dir, 'bad-index.txt');
    // The same real entry twice: the importer keeps the first and fails the duplicate.
    const text = readFileSync(source, 'utf8');
    const entry = text.split('\n\n').find((b) => b.startsWith('9110 '))!;
    writeFileSync(bad, `${text}\n\n${entry}\n`);
    const h = harness();
    const code = await h.run('import', 'rfc-index', bad, '--db', join(dir, 'bad.sqlite'), '--json');
    const report = JSON.parse(h.out);
    expect(report.counts.failed).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('an unknown importer or a missing path is a usage error (exit 2)', async () => {
    const h = harness();
    expect(await h.run('import', 'nosuch', source, '--db', db)).toBe(2);
    expect(h.err).toContain('No importer named "nosuch"');
    const h2 = harness();
    expect(await h2.run('import', 'rfc-index', join(dir, 'missing.txt'), '--db', db)).toBe(2);
    expect(h2.err).toContain('no such file or folder');
  });

  it('stats counts by body and status', async () => {
    const h = harness();
    expect(await h.run('stats', '--db', db, '--json')).toBe(0);
    const stats = JSON.parse(h.out);
    expect(stats.total).toBe(5);
    expect(stats.byBody).toEqual([{ body: 'IETF', count: 5 }]);
    const t = harness();
    expect(await t.run('stats', '--db', db)).toBe(0);
    expect(t.out).toContain('standards: 5');
    expect(t.out).toMatch(/^ {2}IETF\s+5$/m);
  });

  it('reads the database path from STDHUB_DB when --db is absent', async () => {
    const h = harness({ STDHUB_DB: db });
    expect(await h.run('stats', '--json')).toBe(0);
    expect(JSON.parse(h.out).total).toBe(5);
  });

  it('an invalid configuration is a usage error naming the variable', async () => {
    const h = harness({ SEARCH_WORKERS: 'many' });
    expect(await h.run('serve', '--db', db)).toBe(2);
    expect(h.err).toContain('SEARCH_WORKERS');
  });
});

describe('stdhub serve', () => {
  it('listens, answers the API, and shuts down gracefully on a signal', async () => {
    // The database already holds standards, so STDHUB_DEMO=auto must not load the demo.
    const h = harness({ STDHUB_DEMO: 'auto', SEARCH_WORKERS: '0' });
    const done = h.run('serve', '--port', '0', '--host', '127.0.0.1', '--db', db);
    for (let i = 0; i < 600 && !/listening on/.test(h.out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(h.out)?.[1];
    expect(url, h.err).toBeDefined();
    expect(h.err).not.toContain('loading the demo');
    const res = await fetch(`${url}/api/v1/stats`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(5);
    expect(h.hasSignalHandler()).toBe(true);
    h.signal('SIGTERM');
    expect(await done).toBe(0);
    expect(h.err).toContain('SIGTERM: shutting down');
    await expect(fetch(`${url}/api/v1/stats`)).rejects.toThrow();
  });

  it('rejects a bad port', async () => {
    const h = harness();
    expect(await h.run('serve', '--port', '99999')).toBe(2);
    expect(h.err).toContain('port');
  });
});

describe('progress', () => {
  it('prints a plain line at most every interval off a terminal, and the last count at the end', () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (d) => (text += d));
    let t = 0;
    const p = createProgress('rfc-index', { stream: s, isTTY: false, intervalMs: 1000, now: () => t });
    p.update(100, 1000);
    t = 500;
    p.update(200, 1000);
    t = 1000;
    p.update(300, 1000);
    t = 1200;
    p.update(400, 1000);
    p.stop();
    expect(text).toBe('rfc-index: 300/1000 (30%)\nrfc-index: 400/1000 (40%)\n');
  });
});
