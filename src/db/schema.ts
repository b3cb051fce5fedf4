import type { Generated } from 'kysely';
import type { AccountsTables } from '../accounts/tables.js';
import type { EditorialTables } from '../editorial/tables.js';
import type { LifecycleTables } from '../lifecycle/tables.js';
import type { BulletinTables } from '../bulletins/tables.js';
import type { AlertTables } from '../alerts/tables.js';

/**
 * Kysely table types. The same schema is created for every SQL dialect (migrations/ is dialect-aware where it
 * must be); JSON columns are TEXT holding JSON.
 */
export interface StandardTable {
  id: string; // slug of the primary identifier
  number: string; // primary identifier, canonical display form
  family: string; // family key: the number without the edition year ('GB/T 29772')
  body: string;
  doc_type: string;
  nature: string | null;
  status: string;
  status_source: string | null;
  stage: string | null;
  edition: string | null;
  year: number | null;
  committee: string | null;
  /** Sort key of the main publication/issue date (YYYY-MM-DD padded), for "newest first". */
  date_key: string | null;
  /** The complete record as JSON (the read model); child tables below are the query model. */
  record: string;
  content_hash: string;
  source_importer: string;
  source_ref: string;
  created_at: string;
  updated_at: string;
}

export interface IdentifierTable {
  std_id: string;
  type: string;
  value: string;
  /** Canonical, upper-case form used for lookups. */
  norm: string;
  family: string | null;
  is_primary: number;
}

export interface TitleTable {
  std_id: string;
  lang: string;
  type: string;
  text: string;
}

export interface DateTable {
  std_id: string;
  type: string;
  value: string;
}

export interface ClassificationTable {
  std_id: string;
  scheme: string;
  code: string;
}

export interface RelationTable {
  std_id: string;
  type: string;
  target: string;
  /** Canonical upper-case form of the target identifier, joined with identifier.norm to resolve links. */
  target_norm: string;
  target_family: string | null;
  degree: string | null;
  note: string | null;
}

export interface ContributorTable {
  std_id: string;
  role: string;
  name: string;
  abbreviation: string | null;
  lang: string | null;
}

export interface ClassificationCodeTable {
  scheme: string; // 'ics' | 'ccs'
  code: string;
  parent: string | null;
  level: number;
  title_en: string | null;
  title_zh: string | null;
  notes: string | null; // JSON
  sort: number;
}

export interface EventTable {
  id: Generated<number>;
  at: string;
  actor: string;
  verb: string; // 'standard.created' | 'standard.updated' | 'import.run' | …
  object_type: string;
  object_id: string;
  before: string | null; // JSON
  after: string | null; // JSON
}

export interface ImportRunTable {
  id: Generated<number>;
  importer: string;
  source: string;
  started_at: string;
  finished_at: string | null;
  counts: string; // JSON ImportCounts
  status: string; // 'running' | 'ok' | 'failed'
}

export interface DiagnosticTable {
  run_id: number;
  seq: number;
  diag_id: string;
  severity: string;
  category: string;
  message: string;
  file: string | null;
  line: number | null;
  col: number | null;
  record: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** One stored text per standard, edition and language (src/content). `tree` is the ContentDocument as JSON. */
export interface ContentDocTable {
  id: Generated<number>;
  std_id: string;
  edition: string;
  lang: string;
  format: string;
  media_type: string;
  source_ref: string;
  source_hash: string;
  /** Parser name and version that produced the tree ('rfc-text@1'); null when the importer gives none. */
  parser: string | null;
  /** sha256 of the stored tree JSON: with source_hash, what makes a re-import 'unchanged'. */
  tree_hash: string;
  title: string;
  tree: string;
  sections: number;
  created_at: string;
  updated_at: string;
}

/** The sections of a stored text, flat, with their own plain text (for permalinks and clause search). */
export interface ContentSectionTable {
  doc_id: number;
  anchor: string;
  parent: string | null;
  num: string | null;
  title: string;
  kind: string;
  depth: number;
  ord: number;
  text: string;
}

/** The original bytes of a stored text (for download and re-parsing). */
export interface ContentSourceTable {
  doc_id: number;
  bytes: Buffer;
}

/**
 * All tables. Each later domain declares its own table types in src/<domain>/tables.ts and they are merged here,
 * so every store gets a fully typed Kysely<Database>.
 */
export interface Database extends AccountsTables, EditorialTables, LifecycleTables, BulletinTables, AlertTables {
  standard: StandardTable;
  identifier: IdentifierTable;
  title: TitleTable;
  std_date: DateTable;
  classification: ClassificationTable;
  relation: RelationTable;
  contributor: ContributorTable;
  classification_code: ClassificationCodeTable;
  event: EventTable;
  import_run: ImportRunTable;
  diagnostic: DiagnosticTable;
  meta: MetaTable;
  content_doc: ContentDocTable;
  content_section: ContentSectionTable;
  content_source: ContentSourceTable;
}
