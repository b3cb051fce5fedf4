import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import { isAppError } from '../kernel/errors.js';
import { REPO_ROOT } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import { createSqliteSearch } from './adapters/fts5.js';
import type { WorkerPool } from './adapters/worker-pool.js';
import { FIXTURES, loadFixtures } from './fixtures.case.js';
import type { CatalogueSearch, SearchQuery, SearchResult } from './ports.js';

/**
 * The worker pool runs the compiled worker (dist/search/adapters/fts5-worker.js): a worker thread cannot load this
 * TypeScript source under Node 20 (no type stripping, no TS loader installed). `npm test` builds first; when run
 * alone and dist is missing or older than src, the build runs here.
 */
const WORKER = join(REPO_ROOT, 'dist', 'search', 'adapters', 'fts5-worker.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  if (existsSync(WORKER) && statSync(WORKER).mtimeMs >= newestSource(join(REPO_ROOT, 'src'))) return;
  // tsc emits even when files elsewhere in the project have type errors; only the worker's presence matters here.
  spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
    timeout: 240_000,
  });
  if (!existsSync(WORKER)) throw new Error(`build did not produce ${WORKER}`);
}

type PoolSearch = CatalogueSearch & { mode: string; pool: WorkerPool<SearchQuery, SearchResult> };

let s: Services & { dir: string };
let pooled: PoolSearch;

const query = (q: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ q, filters: {}, sort: 'relevance', page: 1, pageSize: 20, ...extra });
const QUERIES: SearchQuery[] = [
  query('防火门'),
  query('gb 12955'),
  query('29772'),
  query('doors'),
  query('http', { sort: 'newest' }),
  query('', { filters: { body: ['SAC'] }, sort: 'number' }),
  query('"AND( NEAR 🔥'),
];

beforeAll(async () => {
  ensureBuilt();
  s = await testServices();
  await loadFixtures(s.catalogue);
  pooled = (await createSqliteSearch({
    path: s.config.STDHUB_DB,
    sqlite: s.sqlite,
    workers: 2,
    workerEntry: pathToFileURL(WORKER),
  })) as PoolSearch;
});

afterAll(async () => {
  await pooled?.close?.();
  await s?.close();
});

describe('search worker pool', () => {
  it('runs in worker threads and answers exactly as the inline engine', async () => {
    expect(pooled.mode).toBe('workers');
    for (const q of QUERIES) expect(await pooled.search(q)).toEqual(await s.search.search(q));
  });

  it('serves many concurrent queries', async () => {
    const many = Array.from({ length: 60 }, (_, i) => QUERIES[i % QUERIES.length]);
    const results = await Promise.all(many.map((q) => pooled.search(q)));
    const expected = await Promise.all(QUERIES.map((q) => s.search.search(q)));
    results.forEach((r, i) => expect(r).toEqual(expected[i % QUERIES.length]));
  });

  it('sees writes made through the catalogue (read-only connections on the WAL file)', async () => {
    const rec = structuredClone(FIXTURES.find((r) => r.id === 'GB-T-46277-2025')!);
    rec.keywords = ['平台经济治理'];
    await s.catalogue.upsert(rec, { actor: 'test' });
    const r = await pooled.search(query('平台经济治理'));
    expect(r.items.map((i) => i.id)).toEqual(['GB-T-46277-2025']);
  });

  it('replaces a worker that dies and retries what it was running', async () => {
    const before = pooled.pool.respawns;
    const running = Array.from({ length: 12 }, (_, i) => pooled.search(QUERIES[i % QUERIES.length]));
    await pooled.pool.workers[0].terminate();
    const results = await Promise.all(running);
    expect(results.every((r) => Array.isArray(r.items))).toBe(true);
    expect(pooled.pool.respawns).toBe(before + 1);
    expect((await pooled.search(query('防火门'))).items[0].id).toBe('GB-12955-2024');
  });

  it('rejects queries after close()', async () => {
    const other = (await createSqliteSearch({
      path: s.config.STDHUB_DB,
      sqlite: s.sqlite,
      workers: 1,
      workerEntry: pathToFileURL(WORKER),
    })) as PoolSearch;
    expect((await other.search(query('防火门'))).total).toBe(2);
    await other.close?.();
    const err = await other.search(query('防火门')).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('internal_error');
  });
});
