import type { Kysely } from 'kysely';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import { KyselyClassificationStore } from '../classification/adapters/kysely-store.js';
import { KyselyContentStore } from '../content/adapters/kysely-store.js';
import type { ContentStore } from '../content/ports.js';
import type { ClassificationStore } from '../classification/ports.js';
import { kyselyOf, migrate, openSqlite, type SqliteDb } from '../db/sqlite.js';
import { isPostgresUrl, noSqliteHandle, openPostgres } from '../db/postgres.js';
import { createPgSearch, PgIndexer } from '../search/adapters/pg.js';
import { ClausePgIndexer, createPgClauseSearch } from '../search/clause/pg.js';
import { PgUsageStore } from '../usage/adapters/pg-store.js';
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
import { LifecycleService } from '../lifecycle/service.js';
import { Scheduler } from '../jobs/scheduler.js';
import { LocalJobLock } from '../jobs/local-lock.js';
import { loadCalendar } from '../calendar/load.js';
import { AuditService } from '../audit/service.js';
import { KyselyEventLog } from '../audit/adapters/kysely-event-log.js';
import { KyselyActorDirectory } from '../audit/adapters/kysely-actors.js';
import type { RateLimitStore } from '../ratelimit/ports.js';
import { MemoryRateLimitStore } from '../ratelimit/memory-store.js';
import { AccountsService } from '../accounts/service.js';
import { KyselyAccountsStore } from '../accounts/adapters/kysely-store.js';
import { openMail, type MailServices } from '../mail/open.js';
import { openAlerts, type AlertService } from '../alerts/index.js';
import type { BlobStore } from '../blobs/ports.js';
import { openBlobStore } from '../blobs/open.js';
import { pruneDownloadsJob } from '../blobs/downloads.js';
import { openSharedOps, type SharedOps } from '../ops/shared.js';
import { openEditorial, type EditorialService } from '../editorial/index.js';
import { openBulletins, type BulletinService } from '../bulletins/index.js';

/** Everything a use case, route or command needs, wired from configuration (the composition root). */
export interface Services {
  config: Config;
  clock: Clock;
  db: Kysely<Database>;
  /** Which database the stores run on: 'sqlite' (STDHUB_DB, default) or 'postgres' (DATABASE_URL). */
  dialect: 'sqlite' | 'postgres';
  /** The SQLite handle; on PostgreSQL a stand-in that refuses use (src/db/postgres.ts noSqliteHandle). */
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
  /** Lifecycle engine (src/lifecycle): dated facts, computed statuses, as-of answers, reviews, disclosure deadlines. */
  lifecycle: LifecycleService;
  /** Scheduled jobs (src/jobs): register(def) before `stdhub serve` listens; runDue(now) in tests; closed by close(). */
  jobs: Scheduler;
  /** People, organisations, memberships, sessions, API tokens (src/accounts); `auth` is accounts.authenticator. */
  accounts: AccountsService;
  /** Mail: the configured Mailer (outbox table or SMTP) and the outbox for /dev/outbox and tests (src/mail). */
  mail: MailServices;
  /** Uploaded texts, original sources and generated downloads: a folder (BLOB_STORE=fs) or S3 (src/blobs). */
  blobs: BlobStore;
  /** Several-instance adapters (src/ops): PG advisory JobLock when DATABASE_URL, Redis rate limits when REDIS_URL; null = in-process. */
  shared: SharedOps;
  /** The audit log (src/audit): history of a standard, filtered event log, actor names. Read-only. */
  audit: AuditService;
  /** Abuse-limit counters (src/ratelimit): shared.rateLimits (Redis) when configured, else in memory. */
  rateLimits: RateLimitStore;
  /** Editorial use cases (src/editorial): drafts, staged texts, disclosure, publish/withdraw, bulk imports. */
  editorial: EditorialService;
  /** Watch lists, notifications, alert mail, private feeds, webhooks (src/alerts); jobs() for the scheduler. */
  alerts: AlertService;
  /** Approval bulletins (src/bulletins): drafts, paste-many items, one-transaction publication, impact view. */
  bulletins: BulletinService;
  close(): Promise<void>;
}

/**
 * Opens the database named by config (migrating it), and wires the SQLite adapters, or the PostgreSQL ones when
 * DATABASE_URL is a postgres:// URL. The search port runs on
 * config.SEARCH_WORKERS read-only worker threads (0 = main thread).
 */
export async function openServices(config: Config, opts: { clock?: Clock } = {}): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  // DATABASE_URL=postgres://… selects the PostgreSQL adapters; otherwise the SQLite file STDHUB_DB (the default).
  const pgUrl = isPostgresUrl(config.DATABASE_URL) ? config.DATABASE_URL : null;
  const sqlite = pgUrl ? noSqliteHandle<SqliteDb>() : openSqlite(config.STDHUB_DB);
  const db = pgUrl ? openPostgres(pgUrl, { max: config.DATABASE_POOL_MAX }) : kyselyOf(sqlite);
  await migrate(db);
  const indexer = pgUrl ? new PgIndexer() : new Fts5Indexer();
  const catalogue = new KyselyCatalogueStore(db, clock, [indexer]);
  const classifications = new KyselyClassificationStore(db, clock);
  const content = new KyselyContentStore(db, clock, [pgUrl ? new ClausePgIndexer() : new ClauseFts5Indexer()]);
  const usage = new UsageService(pgUrl ? new PgUsageStore(db) : new SqliteUsageStore(sqlite), clock);
  // On PostgreSQL queries run on the connection pool: no worker threads.
  const search = pgUrl ? await createPgSearch(db) : await createSqliteSearch({ path: config.STDHUB_DB, sqlite, workers: config.SEARCH_WORKERS });
  const clauses = pgUrl ? createPgClauseSearch(db, search) : await createClauseSearch({ path: config.STDHUB_DB, sqlite, workers: config.SEARCH_WORKERS, catalogue: search });
  const mail = openMail(config, db, clock);
  const accounts = new AccountsService(new KyselyAccountsStore(db, clock), clock, mail.mailer, { idleMinutes: config.SESSION_IDLE_MINUTES, maxDays: config.SESSION_MAX_DAYS });
  const blobs = openBlobStore(config);
  const shared = openSharedOps(config);
  const jobs = new Scheduler({ db, clock, lock: shared.jobLock ?? new LocalJobLock() });
  const lifecycle = new LifecycleService({ db, clock, indexers: [indexer], calendar: loadCalendar(config.CALENDAR_FILE), settings: config });
  jobs.register(lifecycle.jobDefinition());
  jobs.register(accounts.jobDefinition());
  jobs.register(pruneDownloadsJob(blobs));
  const alerts = openAlerts({ db, clock, config, catalogue, search, mailer: mail.mailer, contacts: async (id) => { const p = await accounts.store.getPerson(id); return p && p.status === 'active' && p.emailVerifiedAt ? { email: p.email } : null; } });
  for (const job of alerts.jobs()) jobs.register(job);
  return {
    config,
    clock,
    db,
    dialect: pgUrl ? 'postgres' : 'sqlite',
    sqlite,
    catalogue,
    classifications,
    content,
    search,
    clauses,
    usage,
    auth: accounts.authenticator,
    lifecycle,
    jobs,
    accounts,
    mail,
    blobs,
    shared,
    audit: new AuditService(new KyselyEventLog(db), new KyselyActorDirectory(db)),
    rateLimits: shared.rateLimits ?? new MemoryRateLimitStore(),
    editorial: openEditorial({ db, clock, config, catalogue, classifications, content, blobs }),
    alerts,
    bulletins: openBulletins({ db, clock, catalogue, lifecycle }),
    async close() {
      await jobs.close();
      blobs.close?.();
      await shared.jobLock?.close();
      await shared.rateLimits?.close();
      await usage.close();
      await search.close?.();
      await clauses.close?.();
      await db.destroy();
    },
  };
}
