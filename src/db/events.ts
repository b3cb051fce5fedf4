import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** An event to append to the `event` table; `before`/`after` are stored as JSON (undefined → NULL). */
export interface NewEvent {
  at: string;
  actor: string;
  verb: string;
  /** object_type */
  type: string;
  /** object_id */
  id: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one event row on the executor given (normally the transaction of the change it records, so the event
 * commits with it). Returns the new event's id.
 */
export async function writeEvent(db: Kysely<Database> | Transaction<Database>, e: NewEvent): Promise<number> {
  const res = await db
    .insertInto('event')
    .values({
      at: e.at,
      actor: e.actor,
      verb: e.verb,
      object_type: e.type,
      object_id: e.id,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(res.id);
}
