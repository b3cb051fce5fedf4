import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Base URL of the local PostgreSQL used by tests and the soak bench (env STDHUB_TEST_PG, else loopback). */
export const LOCAL_PG = process.env.STDHUB_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Whether a PostgreSQL server answers at `url` (within 2 s). */
export async function pgReachable(url = LOCAL_PG): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Creates a fresh, uniquely named database (`<prefix>_<random>`) on the server of `adminUrl` and returns its URL
 * and a drop() that terminates remaining connections and removes it. Used by tests (each suite its own database)
 * and by the soak bench.
 */
export async function createTempDatabase(prefix = 'stdhub_t', adminUrl = LOCAL_PG): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await a.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await a.end();
      }
    },
  };
}
