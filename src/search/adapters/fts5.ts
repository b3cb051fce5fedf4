import type { SqliteDb } from '../../db/sqlite.js';
import type { CatalogueSearch, SearchQuery, SearchResult } from '../ports.js';
import { SqliteSearchEngine } from './fts5-engine.js';
import { WorkerPool } from './worker-pool.js';

export { Fts5Indexer, optimizeSearchIndex } from './fts5-indexer.js';

export interface SqliteSearchOptions {
  /** The catalogue's SQLite file (workers open it read-only). */
  path: string;
  /** The writer's connection: used directly when workers = 0. */
  sqlite: SqliteDb;
  /** Worker threads; 0 runs queries on the calling thread. */
  workers: number;
  /**
   * The compiled worker entry (…/dist/search/adapters/fts5-worker.js). Defaults to the file beside this module when
   * it is compiled JavaScript. Under vitest this module is TypeScript source that a worker thread cannot load (Node 20
   * has no type stripping and no TS loader is installed), so the default there is inline mode; the pool's own test
   * passes the compiled entry explicitly after building.
   */
  workerEntry?: URL;
}

/** The worker entry beside this module when running compiled, else null (see SqliteSearchOptions.workerEntry). */
export function defaultWorkerEntry(): URL | null {
  return import.meta.url.endsWith('.js') ? new URL('./fts5-worker.js', import.meta.url) : null;
}

/**
 * The catalogue search port on SQLite FTS5. better-sqlite3 is synchronous, so with workers > 0 queries run in a
 * pool of worker threads, each with its own read-only connection, and both cores serve reads while the main thread
 * keeps serving HTTP. With workers = 0 (tests, tiny installs, ':memory:' databases) they run inline.
 */
export async function createSqliteSearch(opts: SqliteSearchOptions): Promise<CatalogueSearch & { mode: 'inline' | 'workers' }> {
  const entry = opts.workerEntry ?? defaultWorkerEntry();
  if (opts.workers <= 0 || opts.path === ':memory:' || !entry) {
    const engine = new SqliteSearchEngine(opts.sqlite);
    return {
      mode: 'inline',
      async search(q: SearchQuery): Promise<SearchResult> {
        return engine.search(q);
      },
      async close() {},
    };
  }
  // Workers reply with JSON text (see fts5-worker.ts).
  const pool = new WorkerPool<SearchQuery, SearchResult>(entry, opts.workers, { path: opts.path }, (v) => JSON.parse(v as string) as SearchResult);
  return {
    mode: 'workers',
    search: (q: SearchQuery) => pool.run(q),
    close: () => pool.close(),
    // Exposed for health checks and the pool test.
    pool,
  } as CatalogueSearch & { mode: 'workers'; pool: typeof pool };
}
