import type { ContentDocument, Section } from './model.js';

/** A stored text: one per standard, edition and language. */
export interface ContentSummary {
  docId: number;
  stdId: string;
  edition: string;
  lang: string;
  title: string;
  format: string;
  sourceRef: string;
  sourceHash: string;
  sections: number;
  updatedAt: string;
}

/** A section as stored for permalinks and search: flat, with its parent anchor and its own plain text. */
export interface StoredSection {
  anchor: string;
  parent: string | null;
  num: string | null;
  title: string;
  kind: string;
  depth: number;
  ord: number;
  text: string;
}

/**
 * Something that must be updated in the same transaction as a stored text (the clause search index). `tx` is the
 * adapter's transaction handle (a Kysely Transaction<Database> for the SQL adapters). put() calls remove() for a
 * replaced document before index(); `sections` are the flat rows just written, in document order.
 */
export interface ContentIndexer {
  index(tx: unknown, docId: number, doc: ContentDocument, sections: StoredSection[]): Promise<void>;
  remove(tx: unknown, docId: number): Promise<void>;
}

/**
 * The content storage port. put() writes a whole document (tree, flat sections, original source bytes) in one
 * transaction with its event and index updates; re-putting the same source is 'unchanged' (idempotent).
 */
export interface ContentStore {
  put(doc: ContentDocument, source: Buffer, ctx: { actor: string }): Promise<'created' | 'updated' | 'unchanged'>;
  list(stdId: string): Promise<ContentSummary[]>;
  /** The document for a standard in a language (default: the first stored, preferring zh then en). */
  get(stdId: string, lang?: string): Promise<ContentDocument | null>;
  section(stdId: string, anchor: string, lang?: string): Promise<{ doc: ContentSummary; section: Section } | null>;
  source(stdId: string, lang?: string): Promise<{ bytes: Buffer; mediaType: string; name: string } | null>;
  count(): Promise<number>;
}
