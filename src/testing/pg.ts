import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll } from 'vitest';
import { migrate } from '../db/sqlite.js';
import { openPostgres } from '../db/postgres.js';
import { LOCAL_PG, pgReachable, withDatabase } from '../ops/pg-admin.js';
import type { Database } from '../db/schema.js';
import type { Services } from '../app/container.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { testServices } from './services.js';

/**
 * PostgreSQL for tests: the server named by STDHUB_TEST_PG (default 127.0.0.1:5432, user postgres, trust auth — how
 * .ci/run sets it up). Every suite makes its own database (stdhub_t_<random>) and drops it at the end, so suites
 * and other developers' runs never share one. On a machine without the server the *.pg.test.ts suites are skipped
 * by name (describe.skipIf(!PG_AVAILABLE)).
 */
export const PG_ADMIN_URL = LOCAL_PG;

/** Whether the test server answers (evaluated once per test file, at import). */
export const PG_AVAILABLE: boolean = await pgReachable(PG_ADMIN_URL);

/** The URL of database `name` on the test server. */
function urlOf(name: string): string {
  return withDatabase(PG_ADMIN_URL, name);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A fresh empty database; drop() removes it (closing any connection left open). */
export async function tempPgDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `stdhub_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: urlOf(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A migrated template per test file: migrating takes seconds (thirteen migrations, extension checks) while copying
 * a template database takes a fraction of one, and contract suites make a database per test. Dropped after the
 * file's tests (afterAll below).
 */
let template: Promise<string> | null = null;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const tmp = await tempPgDatabase();
    const db = openPostgres(tmp.url, { max: 1, applicationName: 'stdhub-test' });
    try {
      await migrate(db);
    } finally {
      await db.destroy();
    }
    return tmp.name;
  })();
  return template;
}

afterAll(async () => {
  if (!template) return;
  const name = await template.catch(() => null);
  template = null;
  if (name) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

/** A fresh migrated database (a copy of the file's template); drop() removes it. */
export async function tempMigratedPg(): Promise<{ url: string; drop(): Promise<void> }> {
  const tpl = await migratedTemplate();
  const name = `stdhub_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  return { url: urlOf(name), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** A fresh, migrated database opened with Kysely: the PostgreSQL side of every store contract suite. */
export async function tempPgKysely(): Promise<{ db: Kysely<Database>; url: string; close(): Promise<void> }> {
  const tmp = await tempMigratedPg();
  const db = openPostgres(tmp.url, { max: 4, applicationName: 'stdhub-test' });
  return {
    db,
    url: tmp.url,
    async close() {
      await db.destroy();
      await tmp.drop();
    },
  };
}

/** testServices() on a fresh PostgreSQL database (DATABASE_URL set: every PostgreSQL adapter); close() drops it. */
export async function pgTestServices(overrides: Partial<Config> = {}, clock?: Clock): Promise<Services & { dir: string }> {
  const tmp = await tempMigratedPg();
  let s: Services & { dir: string };
  try {
    s = await testServices({ DATABASE_URL: tmp.url, DATABASE_POOL_MAX: 4, ...overrides }, clock);
  } catch (e) {
    await tmp.drop();
    throw e;
  }
  const close = s.close;
  return Object.assign(s, {
    async close() {
      await close();
      await tmp.drop();
    },
  });
}
