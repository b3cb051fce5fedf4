import { sql, type Kysely } from 'kysely';
import type { ContentDocument } from '../../content/model.js';
import type { ContentIndexer, StoredSection } from '../../content/ports.js';
import { segmentForIndex } from '../segment.js';

/**
 * Writes the clause index (migration 005_clause_search) inside the content store's put() transaction, so the
 * index never disagrees with the stored text. Each section becomes one clause_fts row (segmented title and own
 * text) and one clause_row (where the original is). Rows are replaced, never duplicated: remove() runs before
 * index() on an update, and the rowid is derived from the document and the section order.
 */

/** Sections per document the rowid encoding leaves room for (the largest RFC has ~1,000). */
export const CLAUSE_ROWID_SPAN = 2 ** 20;
/** Characters of one section's text indexed (a pathological multi-megabyte section is cut, not refused). */
const MAX_INDEXED_CHARS = 200_000;
/** Rows per multi-row INSERT (two bound parameters per row in clause_row, three in clause_fts). */
const CHUNK = 200;

/** The FTS rowid of a section: its document and position, decodable without a join. */
export function clauseRowid(docId: number, ord: number): number {
  return docId * CLAUSE_ROWID_SPAN + ord;
}

/** The document id of an FTS rowid. */
export function docIdOfRowid(rowid: number): number {
  return Math.floor(rowid / CLAUSE_ROWID_SPAN);
}

type Executor = Kysely<any>;

/**
 * The index rows of one document's sections: rowid, anchor, and the segmented title and text (text cut at
 * MAX_INDEXED_CHARS); sections past the rowid span or with nothing to index are left out. The same on both
 * databases (the PostgreSQL indexer, pg.ts, turns them into tsvectors).
 */
export function clauseIndexRows(
  docId: number,
  sections: readonly Pick<StoredSection, 'anchor' | 'title' | 'text' | 'ord'>[],
): { rowid: number; anchor: string; title: string; text: string }[] {
  return sections
    .filter((s) => s.ord >= 0 && s.ord < CLAUSE_ROWID_SPAN)
    .map((s) => ({
      rowid: clauseRowid(docId, s.ord),
      anchor: s.anchor,
      title: segmentForIndex(s.title),
      text: segmentForIndex(s.text.length > MAX_INDEXED_CHARS ? s.text.slice(0, MAX_INDEXED_CHARS) : s.text),
    }))
    .filter((r) => r.title || r.text);
}

/** Indexes the sections of one document (rows for that document must not exist yet). */
export async function writeClauseRows(db: Executor, docId: number, sections: readonly Pick<StoredSection, 'anchor' | 'title' | 'text' | 'ord'>[]): Promise<void> {
  const rows = clauseIndexRows(docId, sections);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`INSERT INTO clause_row (rowid, doc_id, anchor) VALUES ${sql.join(part.map((r) => sql`(${r.rowid}, ${docId}, ${r.anchor})`))}`.execute(db);
    await sql`INSERT INTO clause_fts (rowid, title, text) VALUES ${sql.join(part.map((r) => sql`(${r.rowid}, ${r.title}, ${r.text})`))}`.execute(db);
  }
}

/** Removes one document's rows (the clause_row trigger deletes the FTS rows). */
export async function removeClauseRows(db: Executor, docId: number): Promise<void> {
  await sql`DELETE FROM clause_row WHERE doc_id = ${docId}`.execute(db);
}

/**
 * The content store's indexer for clause search on SQLite FTS5. `tx` is the store's Kysely transaction (typed
 * unknown in the port so the content domain does not depend on Kysely).
 */
export class ClauseFts5Indexer implements ContentIndexer {
  async index(tx: unknown, docId: number, _doc: ContentDocument, sections: StoredSection[]): Promise<void> {
    // Defensive: an indexer that is called twice for the same document must not duplicate rows.
    await removeClauseRows(tx as Executor, docId);
    await writeClauseRows(tx as Executor, docId, sections);
  }

  async remove(tx: unknown, docId: number): Promise<void> {
    await removeClauseRows(tx as Executor, docId);
  }
}
