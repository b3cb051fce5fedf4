import type { SqliteDb } from '../../db/sqlite.js';
import { WorkerPool } from '../adapters/worker-pool.js';
import type { CatalogueSearch } from '../ports.js';
import { ClauseSearchEngine } from './engine.js';
import type { ClauseQuery, ClauseSearch, ClauseSearchResult } from './ports.js';
import { withCatalogueMatches } from './shared.js';

export { ClauseFts5Indexer } from './indexer.js';

export interface ClauseSearchOptions {
  /** The SQLite file (workers open it read-only). */
  path: string;
  /** The writer's connection: used directly when workers = 0. */
  sqlite: SqliteDb;
  /** Worker threads of the clause pool; 0 runs queries on the calling thread. */
  workers: number;
  /** The catalogue search: identifier queries are looked up there first. */
  catalogue: CatalogueSearch;
  /** Compiled worker entry; defaults to the file beside this module when running compiled (see fts5.ts why). */
  workerEntry?: URL;
}

function defaultEntry(): URL | null {
  return import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : null;
}

/**
 * Clause search on SQLite FTS5. With workers > 0 the queries run on a pool of read-only worker threads of its own
 * (the catalogue's generic WorkerPool with this module's worker entry), the same size as the catalogue's: the
 * catalogue pool's worker answers one message type and is another engineer's file, and a separate pool keeps a
 * slow broad clause query from queueing catalogue lookups behind it. Identifier queries ('RFC 9110', 'GB/T 29772')
 * go to the catalogue first; its number matches are returned in `catalogue`, to be shown above the clause hits.
 */
export async function createClauseSearch(opts: ClauseSearchOptions): Promise<ClauseSearch & { mode: 'inline' | 'workers' }> {
  const entry = opts.workerEntry ?? defaultEntry();
  let run: (q: ClauseQuery) => Promise<Omit<ClauseSearchResult, 'catalogue'>>;
  let close: () => Promise<void>;
  let mode: 'inline' | 'workers';
  if (opts.workers <= 0 || opts.path === ':memory:' || !entry) {
    let engine: ClauseSearchEngine | null = null;
    mode = 'inline';
    // Prepared lazily: the statements need the clause tables, which exist once migrations have run.
    run = async (q) => (engine ??= new ClauseSearchEngine(opts.sqlite)).search(q);
    close = async () => {};
  } else {
    const pool = new WorkerPool<ClauseQuery, Omit<ClauseSearchResult, 'catalogue'>>(entry, opts.workers, { path: opts.path });
    mode = 'workers';
    run = (q) => pool.run(q);
    close = () => pool.close();
  }
  return {
    mode,
    search: (q: ClauseQuery): Promise<ClauseSearchResult> => withCatalogueMatches(q, run, opts.catalogue),
    close,
  };
}
