import { sql, type Kysely } from 'kysely';

/**
 * Disclosure settings per standard (src/reader/disclosure.ts), like China's national full-text system: a row only
 * for standards whose setting differs from the default ('read-download'), or that were ever set. Every change is
 * also an 'disclosure.set' event (before/after), so the table holds the current state and the event log its history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('disclosure')
    .addColumn('std_id', 'text', (c) => c.primaryKey().references('standard.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('read-download', 'read-only', 'not-disclosed')`))
    .addColumn('reason_en', 'text')
    .addColumn('reason_zh', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('disclosure').execute();
}
