import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { KyselyClassificationStore } from '../classification/adapters/kysely-store.js';
import type { Database } from '../db/schema.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { FakeClock } from '../kernel/clock.js';

/**
 * Just the catalogue and classification stores on a temp SQLite file, without search or other services: for
 * importer tests that need only those two ports. close() deletes the file.
 */
export async function testStores(prefix = 'stdhub-stores-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db: Kysely<Database> = kyselyOf(openSqlite(join(dir, 'db.sqlite')));
  await migrate(db);
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
  return {
    dir,
    db,
    clock,
    catalogue: new KyselyCatalogueStore(db, clock, []),
    classifications: new KyselyClassificationStore(db, clock),
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TestStores = Awaited<ReturnType<typeof testStores>>;

/** Number of classification events recorded so far. */
export async function classificationEvents(s: TestStores): Promise<number> {
  const r = await s.db
    .selectFrom('event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('object_type', '=', 'classification')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
