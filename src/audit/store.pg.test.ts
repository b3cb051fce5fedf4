import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { auditStoreContract } from './store.case.js';

/** The audit EventLog/ActorDirectory contract on PostgreSQL (own database per test, dropped afterwards). */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  auditStoreContract(() => tempPgKysely(), 'PostgreSQL');

  it('refuses TRUNCATE of the event log too (row triggers do not see it; a statement trigger does)', async () => {
    const t = await tempPgKysely();
    try {
      await t.db.insertInto('event').values({ at: '2026-11-25T00:00:00Z', actor: 'cli', verb: 'x.y', object_type: 'x', object_id: '1', before: null, after: null }).execute();
      await expect(sql`TRUNCATE event`.execute(t.db)).rejects.toThrow(/append-only/);
      const n = await t.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(1);
    } finally {
      await t.close();
    }
  });
});
