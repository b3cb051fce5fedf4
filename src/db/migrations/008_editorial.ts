import { sql, type Kysely } from 'kysely';

/**
 * Editorial back office (src/editorial):
 * - editorial_draft: unpublished work — a new standard or a pending revision of a published one — kept OUT of the
 *   public catalogue tables, so nothing unpublished can leak through any catalogue read path. `version` is the
 *   optimistic-concurrency counter (a stale edit is a 409 conflict).
 * - editorial_import: bulk imports started from the web UI (progress and the final report; the run itself is also
 *   an import_run with its diagnostics).
 * - disclosure gains the 'restricted' mode (texts visible only to holders of text.read_restricted). A CHECK
 *   constraint cannot be altered in SQLite, so the table is rebuilt (same columns, rows copied) on both dialects.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('editorial_draft')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('std_id', 'text', (c) => c.notNull())
    .addColumn('publisher', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('new', 'revision')`))
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('disclosure', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('text_blob', 'text')
    .addColumn('text_importer', 'text')
    .addColumn('text_name', 'text')
    .addColumn('text_report', 'text')
    .addColumn('text_stats', 'text')
    .addColumn('publish_started_at', 'text')
    .addColumn('publish_actor', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('editorial_draft_std').on('editorial_draft').columns(['std_id', 'state']).execute();
  await db.schema.createIndex('editorial_draft_publisher').on('editorial_draft').columns(['publisher', 'state', 'updated_at']).execute();

  await db.schema
    .createTable('editorial_import')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('importer', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('blob', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running', 'done', 'failed', 'interrupted')`))
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer')
    .addColumn('report', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('editorial_import_by').on('editorial_import').columns(['created_by', 'created_at']).execute();

  await db.schema
    .createTable('disclosure_v2')
    .addColumn('std_id', 'text', (c) => c.primaryKey().references('standard.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('read-download', 'read-only', 'not-disclosed', 'restricted')`))
    .addColumn('reason_en', 'text')
    .addColumn('reason_zh', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('disclosure_v2')
    .columns(['std_id', 'mode', 'reason_en', 'reason_zh', 'actor', 'updated_at'])
    .expression(db.selectFrom('disclosure').select(['std_id', 'mode', 'reason_en', 'reason_zh', 'actor', 'updated_at']))
    .execute();
  await db.schema.dropTable('disclosure').execute();
  await db.schema.alterTable('disclosure_v2').renameTo('disclosure').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('editorial_import').execute();
  await db.schema.dropTable('editorial_draft').execute();
}
