import type { Kysely } from 'kysely';

/**
 * Alerts: watches, notifications (one per person, event and watch — the unique key makes the fan-out idempotent),
 * the fan-out cursor over the append-only event table, mail preferences, private feed tokens, webhooks and their
 * delivery log (one row per attempt; pending rows are the durable retry queue).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('watch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    // The standard this watch was on before it followed a successor (shown as "now following … instead of …").
    .addColumn('followed_from', 'text')
    // Id of the event that created the watch: it hears only about later events (clock-independent, restart-safe).
    .addColumn('since_event_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('watch_person_kind_target', ['person_id', 'kind', 'target'])
    .execute();
  await db.schema.createIndex('watch_kind_target').on('watch').columns(['kind', 'target']).execute();

  await db.schema
    .createTable('notification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('watch_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('std_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    // Same change seen through two events (a lifecycle event and the record update it caused): notified once.
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('mailed_at', 'text')
    .addUniqueConstraint('notification_person_event_watch', ['person_id', 'event_id', 'watch_id'])
    .addUniqueConstraint('notification_person_dedupe', ['person_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('notification_person_created').on('notification').columns(['person_id', 'created_at']).execute();
  await db.schema.createIndex('notification_unmailed').on('notification').columns(['mailed_at', 'person_id']).execute();

  await db.schema
    .createTable('alert_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_event_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_pref')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('unsubscribe_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('unsubscribe_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('feed_token')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // Kept in clear: it is the HMAC key used to sign every delivery (the owner sees it to verify signatures).
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_person').on('webhook').column('person_id').execute();

  await db.schema
    .createTable('webhook_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Same for every attempt of one delivery (X-Stdhub-Delivery), so receivers can de-duplicate.
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'text')
    .addColumn('event_id', 'integer')
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | sending | delivered | failed | gave_up
    .addColumn('response_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('attempted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_delivery_attempt', ['delivery_id', 'attempt'])
    .execute();
  await db.schema.createIndex('webhook_delivery_due').on('webhook_delivery').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_delivery_hook').on('webhook_delivery').columns(['webhook_id', 'created_at']).execute();
}
