import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { kyselyOf, migrate, openSqlite } from '../../db/sqlite.js';
import { FakeClock } from '../../kernel/clock.js';
import { catalogueStoreContract } from '../store.case.js';
import { KyselyCatalogueStore } from './kysely-store.js';

catalogueStoreContract('SQLite (Kysely)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-store-'));
  const db = kyselyOf(openSqlite(join(dir, 'c.sqlite')));
  await migrate(db);
  const store = new KyselyCatalogueStore(db, new FakeClock(new Date('2026-11-25T00:00:00Z')));
  return {
    store,
    async eventCount() {
      const r = await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async tamperWithEvents() {
      const errors: unknown[] = [];
      await sql`UPDATE event SET actor = 'x'`.execute(db).catch((e) => errors.push(e));
      await sql`DELETE FROM event`.execute(db).catch((e) => errors.push(e));
      return errors;
    },
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
