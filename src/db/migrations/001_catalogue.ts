import type { Kysely } from 'kysely';
import { appendOnly, idColumn, idType } from '../dialect.js';

/** The catalogue: standards with their child tables, classification code lists, events, import runs. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('standard')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('nature', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_source', 'text')
    .addColumn('stage', 'text')
    .addColumn('edition', 'text')
    .addColumn('year', 'integer')
    .addColumn('committee', 'text')
    .addColumn('date_key', 'text')
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source_importer', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('standard_family').on('standard').columns(['family', 'year']).execute();
  await db.schema.createIndex('standard_body_status').on('standard').columns(['body', 'status']).execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('std_id', 'text', (c) => c.notNull().references('standard.id').onDelete('cascade'));

  await child('identifier')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('norm', 'text', (c) => c.notNull())
    .addColumn('family', 'text')
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('identifier_norm').on('identifier').column('norm').execute();
  await db.schema.createIndex('identifier_family').on('identifier').column('family').execute();
  await db.schema.createIndex('identifier_std').on('identifier').column('std_id').execute();

  await child('title')
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('title_std').on('title').column('std_id').execute();

  await child('std_date')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('std_date_std').on('std_date').column('std_id').execute();

  await child('classification')
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('classification_code_idx').on('classification').columns(['scheme', 'code']).execute();
  await db.schema.createIndex('classification_std').on('classification').column('std_id').execute();

  await child('relation')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_norm', 'text', (c) => c.notNull())
    .addColumn('target_family', 'text')
    .addColumn('degree', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('relation_std').on('relation').column('std_id').execute();
  await db.schema.createIndex('relation_target').on('relation').column('target_norm').execute();

  await child('contributor')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('abbreviation', 'text')
    .addColumn('lang', 'text')
    .execute();
  await db.schema.createIndex('contributor_std').on('contributor').column('std_id').execute();

  await db.schema
    .createTable('classification_code')
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('title_zh', 'text')
    .addColumn('notes', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('classification_code_pk', ['scheme', 'code'])
    .execute();
  await db.schema.createIndex('classification_code_parent').on('classification_code').columns(['scheme', 'parent']).execute();

  // Append-only: the event log has no update or delete path (triggers refuse them: SQLite RAISE, PL/pgSQL on PostgreSQL).
  await db.schema
    .createTable('event')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('verb', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('event_object').on('event').columns(['object_type', 'object_id']).execute();
  await appendOnly(db, 'event');

  await db.schema
    .createTable('import_run')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('importer', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('diagnostic')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('import_run.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('diag_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('line', 'integer')
    .addColumn('col', 'integer')
    .addColumn('record', 'text')
    .execute();
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('001_catalogue is the base schema and is not reversible');
}
