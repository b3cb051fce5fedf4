/** Kysely table types of the bulletins domain (merged into Database in src/db/schema.ts). */

/** An approval bulletin (国家标准公告): a numbered announcement of a publisher, draft until published. */
export interface BulletinTable {
  id: string;
  /** Catalogue body code of the announcing publisher ('SAC'); the scope an editor needs to edit or publish it. */
  publisher: string;
  /** Number within the year ('14' of "2025年第14号"); unique per publisher and year. */
  number: number;
  year: number;
  /** Date of the bulletin, 'YYYY-MM-DD'. */
  date: string;
  /** JSON array of { zh?: string; en?: string } — the issuing bodies as printed. */
  issuing_bodies: string;
  title_zh: string | null;
  title_en: string | null;
  /** 'draft' | 'published' */
  state: string;
  /** UTC ISO time of publication; null while a draft. */
  published_at: string | null;
  /** Optimistic concurrency: every write increments it; a stale version is a 409 conflict. */
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
}

/** One line of a bulletin: a new standard, a revision replacing older ones, or an abolition. */
export interface BulletinItemTable {
  bulletin_id: string;
  /** Order in the bulletin (1-based, as listed). */
  seq: number;
  /** 'new' | 'revision' | 'abolition' */
  kind: string;
  std_id: string;
  /** The number as resolved when the item was added (kept so the bulletin reads right even if the record goes). */
  std_number: string;
  /** JSON array of { id, number } of the standards a revision replaces; '[]' otherwise. */
  replaces: string;
  release_date: string | null;
  implementation_date: string | null;
  abolition_date: string | null;
  note: string | null;
}

export interface BulletinTables {
  bulletin: BulletinTable;
  bulletin_item: BulletinItemTable;
}
