import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { sql } from 'kysely';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../cli/program.js';
import { openServices, type Services } from '../app/container.js';
import { FsBlobStore } from '../blobs/fs.js';
import { S3BlobStore } from '../blobs/s3.js';
import { loadDemo, loadDemoTexts } from '../demo/load.js';
import { FakeClock } from '../kernel/clock.js';
import { loadConfig, type Config } from '../kernel/config.js';
import type { SearchQuery } from '../search/ports.js';
import { migrateToPostgres, type MigrateReport } from './migrate-to-postgres.js';
import { createTempDatabase, pgReachable } from './pg-admin.js';

const available = await pgReachable();
const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

/**
 * Known differences between the two search adapters, as data (each with its reason): for these queries PostgreSQL
 * must find a subset of what SQLite finds. Owned by the PostgreSQL search adapter (src/search/adapters/pg*.ts).
 */
const KNOWN_GAPS: Record<string, string> = {};

/** Queries whose results must be the same on both databases (Chinese, English, numbers, filters). */
const QUERIES: Partial<SearchQuery>[] = [
  { q: '电池' },
  { q: '信息安全' },
  { q: 'internet protocol' },
  { q: 'HTTP' },
  { q: 'GB/T 1.1' },
  { q: '9110' },
  { q: 'standard', sort: 'newest' },
  { q: 'network', filters: { status: ['current'] } },
  { q: '', filters: { body: ['IETF'] }, sort: 'number' },
];

describe.skipIf(!available)('migrate-to-postgres (PostgreSQL on 127.0.0.1:5432, s3rver)', () => {
  let dir: string;
  let config: Config;
  let target: Awaited<ReturnType<typeof createTempDatabase>>;
  let s3: S3rver;
  let s3dir: string;
  let bucket: S3BlobStore;
  let report: MigrateReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stdhub-migrate-'));
    config = loadConfig({}, { STDHUB_DB: join(dir, 'site.sqlite'), SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
    const services = await openServices(config, { clock });
    try {
      await loadDemo(services, { sharedData: undefined });
      await loadDemoTexts(services);
      await services.blobs.put('uploads/readme.txt', Buffer.from('an uploaded file 上传'), { contentType: 'text/plain' });
    } finally {
      await services.close();
    }
    target = await createTempDatabase();
    s3dir = mkdtempSync(join(tmpdir(), 'stdhub-s3rver-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: s3dir, silent: true });
    const { port } = await s3.run();
    bucket = new S3BlobStore({ endpoint: `http://127.0.0.1:${port}`, bucket: 'stdhub-migrate', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await bucket.ensureBucket();
    report = await migrateToPostgres({ sqlitePath: config.STDHUB_DB, pgUrl: target.url, sourceBlobs: new FsBlobStore(join(dir, 'blobs')), targetBlobs: bucket });
  }, 240_000);

  afterAll(async () => {
    bucket?.close();
    await s3?.close();
    await target?.drop();
    if (s3dir) rmSync(s3dir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table with equal row counts and checksums, indexes everything and copies the blobs', () => {
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const byName = new Map(report.tables.map((t) => [t.table, t]));
    for (const name of ['standard', 'identifier', 'title', 'event', 'content_doc', 'content_section', 'content_source', 'classification_code']) {
      expect(byName.get(name)?.ok, name).toBe(true);
    }
    expect(byName.get('standard')!.source.rows).toBeGreaterThan(100);
    expect(byName.get('content_source')!.target.rows).toBe(2);
    expect(report.search.indexed).toBe(report.search.standards);
    expect(report.search.clauseDocs).toBe(2);
    expect(report.blobs).toMatchObject({ count: 1, copied: true, problems: [] });
    expect(report.skipped.map((s) => s.table)).toEqual(expect.arrayContaining(['search_doc', 'clause_row']));
  });

  it('runs as `stdhub migrate-to-postgres` and prints the verification report', async () => {
    const second = await createTempDatabase();
    try {
      let out = '';
      const sink = new PassThrough();
      sink.on('data', (d) => (out += d));
      const io: CliIo = { stdout: sink, stderr: sink, env: { STDHUB_DB: config.STDHUB_DB, LOG_LEVEL: 'silent', STDHUB_DEMO: 'off' }, onSignal: () => undefined };
      expect(await runCli(['migrate-to-postgres', '--to', second.url, '--blob-dir', join(dir, 'blobs-copy')], io), out).toBe(0);
      expect(out).toMatch(/^standard\s+\d+\s+\d+\s+ok [0-9a-f]{16}$/m);
      expect(out).toContain('verification: ok');
      expect(out).toMatch(/blobs: 1 \(\d+ bytes\) copied to .*blobs-copy, sha256 re-read: ok/);
      expect(await runCli(['migrate-to-postgres', '--to', 'mysql://x'], io)).toBe(2);
    } finally {
      await second.drop();
    }
  });

  it('refuses to migrate into a database that already holds data', async () => {
    await expect(migrateToPostgres({ sqlitePath: config.STDHUB_DB, pgUrl: target.url, sourceBlobs: new FsBlobStore(join(dir, 'blobs')), targetBlobs: null })).rejects.toThrow(/not empty/);
  });

  it('detects a difference after the copy (a changed row fails the checksum)', async () => {
    const { tablesOf } = await import('./verify.js');
    const before = await tablesOf(config.STDHUB_DB, target.url);
    expect(before.problems).toEqual([]);
    const pgServices = await openServices(loadConfig({}, { DATABASE_URL: target.url, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }), { clock });
    try {
      await sql`UPDATE title SET text = text || ' (changed)' WHERE std_id = 'RFC-9110'`.execute(pgServices.db);
      const after = await tablesOf(config.STDHUB_DB, target.url);
      expect(after.problems.join('\n')).toMatch(/^table title: /m);
      await sql`UPDATE title SET text = replace(text, ' (changed)', '') WHERE std_id = 'RFC-9110'`.execute(pgServices.db);
    } finally {
      await pgServices.close();
    }
  });

  it('answers the same search queries with the same results on PostgreSQL as on SQLite', async () => {
    const lite: Services = await openServices({ ...config, SEARCH_WORKERS: 0 }, { clock });
    const pg: Services = await openServices(loadConfig({}, { DATABASE_URL: target.url, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }), { clock });
    try {
      // The same matches in the same (deterministic) order; relevance ranking itself differs between BM25 over FTS5
      // and PostgreSQL's ranking, so it is compared by totals only.
      for (const partial of QUERIES) {
        const q: SearchQuery = { q: '', filters: {}, sort: 'number', page: 1, pageSize: 100, ...partial };
        const [a, b] = await Promise.all([lite.search.search(q), pg.search.search(q)]);
        if (KNOWN_GAPS[q.q]) {
          const all = async (s: Services) => (await s.search.search({ ...q, pageSize: 100, page: 1 })).items.map((h) => h.id);
          const [ia, ib] = await Promise.all([all(lite), all(pg)]);
          console.info(`known gap "${q.q}": SQLite ${a.total}, PostgreSQL ${b.total}; only on SQLite (first page): ${ia.filter((x) => !ib.includes(x)).join(', ')}`);
          expect(b.total).toBeLessThanOrEqual(a.total);
          continue;
        }
        expect(b.total, JSON.stringify(partial)).toBe(a.total);
        expect(b.items.map((h) => h.id), JSON.stringify(partial)).toEqual(a.items.map((h) => h.id));
        const rel = { ...q, sort: 'relevance' as const, pageSize: 10 };
        const [ra, rb] = await Promise.all([lite.search.search(rel), pg.search.search(rel)]);
        expect(rb.total, JSON.stringify(partial)).toBe(ra.total);
      }
      // The comparison means something only if the queries find things.
      const found = await Promise.all(QUERIES.map(async (p) => (await pg.search.search({ q: '', filters: {}, sort: 'number', page: 1, pageSize: 1, ...p })).total));
      expect(found.filter((n) => n > 0).length).toBeGreaterThanOrEqual(QUERIES.length - 2);
      // The text and its clauses came across too.
      const rec = await pg.catalogue.resolve('T/STDHUB 1-2025');
      expect(await pg.content.list(rec!.id)).toHaveLength(2);
    } finally {
      await lite.close();
      await pg.close();
    }
  });
});
