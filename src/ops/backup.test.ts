import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices } from '../app/container.js';
import { runCli, type CliIo } from '../cli/program.js';
import { DEMO_DIR, loadDemoTexts } from '../demo/load.js';
import { runImport } from '../importers/runner.js';
import { FakeClock } from '../kernel/clock.js';
import { loadConfig } from '../kernel/config.js';
import { sqliteCounts } from './backup.js';
import { createTempDatabase, pgReachable } from './pg-admin.js';

const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

/** The CLI in-process with recorded output. */
function cli(env: Record<string, string>) {
  let out = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (out += d));
  const io: CliIo = { stdout, stderr, env: { LOG_LEVEL: 'silent', STDHUB_DEMO: 'off', ...env }, onSignal: () => undefined };
  return {
    run: async (...argv: string[]) => {
      out = '';
      return runCli(argv, io);
    },
    get out() {
      return out;
    },
  };
}

/** A small site: the demo standard with its two texts, a source copied into the blob store, an uploaded file. */
async function seed(env: Record<string, string>): Promise<void> {
  const s = await openServices(loadConfig({ ...env, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent', SEARCH_WORKERS: '0' }), { clock });
  try {
    await runImport(s, 'relaton', join(DEMO_DIR, 'stdhub'));
    await loadDemoTexts(s);
    await s.blobs.put('uploads/2026/notice.txt', Buffer.from('上传的文件 uploaded file'), { contentType: 'text/plain; charset=utf-8' });
    await s.blobs.put('sources/ab/big.bin', Buffer.alloc(300_000, 7));
  } finally {
    await s.close();
  }
}

describe('backup and restore on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-backup-'));
  const site = { STDHUB_DB: join(dir, 'site', 'site.sqlite') };
  const copy = { STDHUB_DB: join(dir, 'copy', 'site.sqlite') };
  beforeAll(() => seed(site), 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of ['site.tar', 'site.tar.gz']) {
    it(`round-trips database and files through ${name} (counts and checksums equal)`, async () => {
      const file = join(dir, name);
      const a = cli(site);
      expect(await a.run('backup', file), a.out).toBe(0);
      expect(a.out).toMatch(/blobs: 2, 300\d+ bytes/);
      const target = { STDHUB_DB: join(dir, `copy-${name}`, 'site.sqlite') };
      const b = cli(target);
      expect(await b.run('restore', file), b.out).toBe(0);
      expect(b.out).toContain('verification: ok');
      const before = sqliteCounts(site.STDHUB_DB);
      expect(before.standard).toBeGreaterThan(0);
      expect(before.content_source).toBe(2);
      expect(sqliteCounts(target.STDHUB_DB)).toEqual(before);
      expect(readFileSync(join(dir, `copy-${name}`, 'blobs', 'uploads', '2026', 'notice.txt'), 'utf8')).toBe('上传的文件 uploaded file');
      // The restored site opens and serves its data.
      const s = await openServices(loadConfig({ ...target, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent', SEARCH_WORKERS: '0' }), { clock });
      try {
        const rec = await s.catalogue.resolve('T/STDHUB 1-2025');
        expect(await s.content.list(rec!.id)).toHaveLength(2);
        expect((await s.blobs.head('uploads/2026/notice.txt'))?.contentType).toBe('text/plain; charset=utf-8');
      } finally {
        await s.close();
      }
    });
  }

  it('refuses to overwrite a site holding data unless --force', async () => {
    const file = join(dir, 'again.tar');
    const a = cli(site);
    expect(await a.run('backup', file)).toBe(0);
    expect(await a.run('restore', file)).not.toBe(0);
    expect(a.out).toMatch(/refusing to overwrite: the database .* has rows in standard \(use --force\)/);
    expect(await a.run('restore', file, '--force'), a.out).toBe(0);
    expect(a.out).toContain('verification: ok');
  });

  it('detects a damaged backup file', async () => {
    const file = join(dir, 'damaged.tar');
    const a = cli(site);
    expect(await a.run('backup', file)).toBe(0);
    const bytes = readFileSync(file);
    // Flip one byte inside the database entry (it follows the manifest's 512-byte header and padded body).
    const at = bytes.indexOf(Buffer.from('SQLite format 3')) + 200;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    const b = cli(copy);
    expect(await b.run('restore', file)).not.toBe(0);
    expect(b.out).toMatch(/damaged/);
    expect(existsSync(copy.STDHUB_DB)).toBe(false);
  });
});

const pgUp = await pgReachable();

describe.skipIf(!pgUp)('backup and restore on PostgreSQL (pg_dump / pg_restore)', () => {
  let a: Awaited<ReturnType<typeof createTempDatabase>>;
  let b: Awaited<ReturnType<typeof createTempDatabase>>;
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-backup-pg-'));
  beforeAll(async () => {
    a = await createTempDatabase();
    b = await createTempDatabase();
    await seed({ DATABASE_URL: a.url, BLOB_DIR: join(dir, 'blobs-a') });
  }, 60_000);
  afterAll(async () => {
    await a?.drop();
    await b?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a PostgreSQL site with its files into a fresh database', async () => {
    const file = join(dir, 'pg.tar.gz');
    const src = cli({ DATABASE_URL: a.url, BLOB_DIR: join(dir, 'blobs-a') });
    expect(await src.run('backup', file), src.out).toBe(0);
    expect(src.out).toContain('database: postgres');
    const dst = cli({ DATABASE_URL: b.url, BLOB_DIR: join(dir, 'blobs-b') });
    expect(await dst.run('restore', file), dst.out).toBe(0);
    expect(dst.out).toContain('verification: ok');
    const s = await openServices(loadConfig({ DATABASE_URL: b.url, BLOB_DIR: join(dir, 'blobs-b'), STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }), { clock });
    try {
      const rec = await s.catalogue.resolve('T/STDHUB 1-2025');
      expect(rec).not.toBeNull();
      const hits = await s.search.search({ q: rec!.titles[0]!.text.split(/\s+/)[0]!, filters: {}, sort: 'relevance', page: 1, pageSize: 5 });
      expect(hits.items.map((h) => h.id)).toContain(rec!.id);
      expect(await s.blobs.head('uploads/2026/notice.txt')).not.toBeNull();
    } finally {
      await s.close();
    }
    // A SQLite site refuses a PostgreSQL backup (and says what to do).
    const lite = cli({ STDHUB_DB: join(dir, 'lite', 'x.sqlite') });
    expect(await lite.run('restore', file)).not.toBe(0);
    expect(lite.out).toMatch(/postgres backup; the configured site uses sqlite \(set DATABASE_URL\)/);
  });
});
