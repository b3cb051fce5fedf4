import type { Kysely } from 'kysely';

/**
 * Lifecycle (src/lifecycle) and scheduler (src/jobs) tables, dialect-neutral:
 * - lifecycle_fact: dated facts (approved, released, implemented, replaced, abolished, withdrawn, reviewed); the
 *   primary key is the idempotence key, applied_at marks transitions the scheduled job has applied;
 * - lifecycle_source: the status the source gave a standard before the engine computed one;
 * - job_run: the last run of each scheduled job (restart-safe scheduling, catch-up after downtime).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('lifecycle_fact')
    .addColumn('std_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('related', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('derived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lifecycle_fact_pk', ['std_id', 'type', 'date', 'related'])
    .execute();
  // The job's query: pending facts whose date has come.
  await db.schema.createIndex('lifecycle_fact_pending').on('lifecycle_fact').columns(['applied_at', 'date']).execute();
  // "What did this standard replace": facts naming it as the successor.
  await db.schema.createIndex('lifecycle_fact_related').on('lifecycle_fact').columns(['related', 'type']).execute();
  await db.schema.createIndex('lifecycle_fact_type_date').on('lifecycle_fact').columns(['type', 'date']).execute();
  await db.schema
    .createTable('lifecycle_source')
    .addColumn('std_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_source', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_run')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_started_at', 'text')
    .addColumn('last_finished_at', 'text')
    .addColumn('last_status', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_changed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['job_run', 'lifecycle_source', 'lifecycle_fact']) await db.schema.dropTable(t).execute();
}
