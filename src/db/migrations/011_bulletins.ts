import type { Kysely } from 'kysely';

/**
 * Approval bulletins (src/bulletins): the bulletin and its items. No foreign key from items to `standard`: a
 * published bulletin is a historical document and must keep its lines even if a catalogue record is removed
 * (the number as announced is stored on the item).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bulletin')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('publisher', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('issuing_bodies', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text')
    .addColumn('title_en', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  // "No. 14 of 2025" names one bulletin per publisher: the database refuses a second (→ 409 conflict).
  await db.schema.createIndex('bulletin_number').on('bulletin').columns(['publisher', 'year', 'number']).unique().execute();
  await db.schema.createIndex('bulletin_state_date').on('bulletin').columns(['state', 'date']).execute();

  await db.schema
    .createTable('bulletin_item')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('std_id', 'text', (c) => c.notNull())
    .addColumn('std_number', 'text', (c) => c.notNull())
    .addColumn('replaces', 'text', (c) => c.notNull())
    .addColumn('release_date', 'text')
    .addColumn('implementation_date', 'text')
    .addColumn('abolition_date', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('bulletin_item_pk', ['bulletin_id', 'seq'])
    .execute();
  // A standard appears once per bulletin.
  await db.schema.createIndex('bulletin_item_std_unique').on('bulletin_item').columns(['bulletin_id', 'std_id']).unique().execute();
  // The standard page's "announced in" panel and the impact view look items up by standard.
  await db.schema.createIndex('bulletin_item_std').on('bulletin_item').column('std_id').execute();
}
