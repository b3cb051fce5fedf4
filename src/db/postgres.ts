import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

/**
 * PostgreSQL opening (DATABASE_URL=postgres://…). The same Kysely<Database> as on SQLite, on a pg Pool; the
 * migrations in ./migrations branch on dialectOf() where the two must differ.
 *
 * 64-bit integers: COUNT(*) and SUM(integer) are bigint on PostgreSQL, which pg returns as strings by default.
 * SQLite returns numbers, and the stores were written against that, so bigint (and NUMERIC, what SUM(bigint) gives)
 * are parsed as JavaScript numbers here — every value stdhub keeps (counts, ids, rowids below 2^53) fits exactly.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

/** True when a configured database URL names PostgreSQL. */
export function isPostgresUrl(url: string | undefined | null): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

export interface PostgresOptions {
  /** Most connections in the pool (config DATABASE_POOL_MAX). */
  max?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

/** Opens a Kysely<Database> on a pg Pool for `url`. Nothing is created; call migrate() (src/db/sqlite.ts) next. */
export function openPostgres(url: string, opts: PostgresOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'stdhub',
    // A lost server must not hang a request forever; idle connections are returned after a while.
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener Node would exit.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Whether an extension is installed in the current database (used by the search migrations and adapters). */
export async function hasExtension(db: Kysely<any>, name: string): Promise<boolean> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_extension WHERE extname = ${name}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/**
 * Installs an extension when the server has it (CREATE EXTENSION needs the package, e.g. postgresql-15-rum, and a
 * role allowed to create it). Returns whether it is installed afterwards; never throws for a missing package.
 */
export async function tryExtension(db: Kysely<any>, name: 'rum' | 'pg_trgm'): Promise<boolean> {
  const available = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_available_extensions WHERE name = ${name}`.execute(db);
  if (!Number(available.rows[0]?.n ?? 0)) return false;
  try {
    // A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
    await sql`SAVEPOINT try_extension`.execute(db);
    await sql.raw(`CREATE EXTENSION IF NOT EXISTS ${name}`).execute(db);
    await sql`RELEASE SAVEPOINT try_extension`.execute(db);
    return true;
  } catch {
    await sql`ROLLBACK TO SAVEPOINT try_extension`.execute(db);
    return false;
  }
}

/**
 * Services.sqlite when the install runs on PostgreSQL: there is no SQLite handle. exec() — used only by SQLite
 * maintenance such as optimizeSearchIndex() after an import — does nothing (PostgreSQL's indexes need no such step);
 * anything else throws, naming the cause, instead of failing somewhere obscure.
 */
export function noSqliteHandle<T extends object>(): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'exec') return () => undefined;
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new Error(`no SQLite handle (sqlite.${String(prop)}): this install runs on PostgreSQL (DATABASE_URL)`);
    },
  });
}
