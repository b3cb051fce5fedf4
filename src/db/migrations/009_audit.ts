import { sql, type Kysely } from 'kysely';
import { appendOnly, dialectOf } from '../dialect.js';

/**
 * Audit log: indexes for the admin audit view's filters (person + time, time range newest first, all events of
 * one object id), and the append-only guarantee of `event` on every dialect. 001 creates the triggers through
 * appendOnly() (SQLite RAISE(ABORT); PostgreSQL a PL/pgSQL function raising an exception); this migration checks
 * they are there on PostgreSQL and creates them if an older 001 did not, so a database that reaches 009 always
 * refuses UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) of events in the database itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('event_actor_at').ifNotExists().on('event').columns(['actor', 'at']).execute();
  await db.schema.createIndex('event_at').ifNotExists().on('event').column('at').execute();
  await db.schema.createIndex('event_object_id').ifNotExists().on('event').column('object_id').execute();
  if (dialectOf(db) === 'postgres') {
    const { rows } = await sql<{ n: number | string }>`
      SELECT count(*) AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relname = 'event' AND t.tgname IN ('event_no_update', 'event_no_delete') AND NOT t.tgisinternal`.execute(db);
    if (Number(rows[0]?.n ?? 0) < 2) {
      await sql`DROP TRIGGER IF EXISTS event_no_update ON event`.execute(db);
      await sql`DROP TRIGGER IF EXISTS event_no_delete ON event`.execute(db);
      await sql`DROP TRIGGER IF EXISTS event_no_truncate ON event`.execute(db);
      await appendOnly(db, 'event');
    }
  }
}
