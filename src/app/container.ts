import type { Kysely } from 'kysely';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import { KyselyClassificationStore } from '../classification/adapters/kysely-store.js';
import { KyselyContentStore } from '../content/adapters/kysely-store.js';
import type { ContentStore } from '../content/ports.js';
import type { ClassificationStore } from '../classification/ports.js';
import { kyselyOf, migrate, openSqlite, type SqliteDb } from '../db/sqlite.js';
import type { Database } from '../db/schema.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { Fts5Indexer, createSqliteSearch } from '../search/adapters/fts5.js';
import type { CatalogueSearch } from '../search/ports.js';
import type { ClauseSearch } from '../search/clause/ports.js';
import { ClauseFts5Indexer, createClauseSearch } from '../search/clause/service.js';
import { SqliteUsageStore } from '../usage/adapters/sqlite-store.js';
import { UsageService } from '../usage/service.js';
import '../importers/all.js';
import type { Authenticator } from '../accounts/ports.js';
import { anonymousAuthenticator } from '../accounts/anonymous.js';

/** Everything a use case, route or command needs, wired from configuration (the composition root). */
export interface Services {
  config: Config;
  clock: Clock;
  db: Kysely<Database>;
  sqlite: SqliteDb;
  catalogue: CatalogueStore;
  classifications: ClassificationStore;
  /** Full texts (one per standard, edition and language). */
  content: ContentStore;
  search: CatalogueSearch;
  /** Clause full-text search over the stored texts (src/search/clause), on its own read-only worker pool. */
  clauses: ClauseSearch;
  /** Usage statistics: page views, reads and downloads (src/usage); record() is cheap and never blocks. */
  usage: UsageService;
  /** Resolves the principal of a request (session cookie or API token); see src/accounts. */
  auth: Authenticator;
  // Domain services are added below, one field per domain (accounts, editorial, audit, lifecycle, bulletins,
  // alerts, blobs, jobs, …); keep one line each so parallel work does not collide.
  close(): Promise<void>;
}

/**
 * Opens the database named by config (migrating it), and wires the SQLite adapters. The search port runs on
 * config.SEARCH_WORKERS read-only worker threads (0 = main thread).
 */
export async function openServices(config: Config, opts: { clock?: Clock } = {}): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  const sqlite = openSqlite(config.STDHUB_DB);
  const db = kyselyOf(sqlite);
  await migrate(db);
  const indexer = new Fts5Indexer();
  const catalogue = new KyselyCatalogueStore(db, clock, [indexer]);
  const classifications = new KyselyClassificationStore(db, clock);
  const content = new KyselyContentStore(db, clock, [new ClauseFts5Indexer()]);
  const usage = new UsageService(new SqliteUsageStore(sqlite), clock);
  const search = await createSqliteSearch({ path: config.STDHUB_DB, sqlite, workers: config.SEARCH_WORKERS });
  const clauses = await createClauseSearch({ path: config.STDHUB_DB, sqlite, workers: config.SEARCH_WORKERS, catalogue: search });
  return {
    config,
    clock,
    db,
    sqlite,
    catalogue,
    classifications,
    content,
    search,
    clauses,
    usage,
    auth: anonymousAuthenticator,
    async close() {
      usage.close();
      await search.close?.();
      await clauses.close?.();
      await db.destroy();
    },
  };
}
