import type { Kysely } from 'kysely';
import { blobType, idColumn, idType } from '../dialect.js';

/**
 * Full texts (src/content): one content_doc per standard, edition and language holding the whole tree as JSON (the
 * read model), content_section with one row per section and its own plain text (permalinks, clause search), and
 * content_source with the original bytes. A document and all its rows are written in one transaction, so a crash
 * never leaves half a document; deleting a standard deletes its texts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('content_doc')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('std_id', 'text', (c) => c.notNull().references('standard.id').onDelete('cascade'))
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('source_hash', 'text', (c) => c.notNull())
    .addColumn('parser', 'text')
    .addColumn('tree_hash', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('tree', 'text', (c) => c.notNull())
    .addColumn('sections', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('content_doc_std_edition_lang', ['std_id', 'edition', 'lang'])
    .execute();

  await db.schema
    .createTable('content_section')
    .addColumn('doc_id', 'integer', (c) => c.notNull().references('content_doc.id').onDelete('cascade'))
    .addColumn('anchor', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('num', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addUniqueConstraint('content_section_doc_anchor', ['doc_id', 'anchor'])
    .execute();

  await db.schema
    .createTable('content_source')
    .addColumn('doc_id', 'integer', (c) => c.primaryKey().references('content_doc.id').onDelete('cascade'))
    .addColumn('bytes', blobType(db), (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('content_source').execute();
  await db.schema.dropTable('content_section').execute();
  await db.schema.dropTable('content_doc').execute();
}
