import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Usage statistics (src/usage). No raw IP address or User-Agent is ever stored:
 * - usage_count: aggregated counts per standard, UTC day, kind (view | read | download) and bot flag. No foreign key
 *   to standard: statistics outlive a deleted record.
 * - usage_visitor: the distinct visitor hashes of the days still open (HMAC-SHA256 of address and user agent under
 *   that day's salt); when a day is over its hashes are collapsed into usage_day_visitors (a count) and deleted.
 * - usage_salt: the random salt of the current UTC day only (shared by processes and restarts on the same day);
 *   older salts are deleted, after which no hash can be linked to an address again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // WITHOUT ROWID is SQLite's clustered primary key; PostgreSQL has no such clause (a heap plus the PK index).
  const withoutRowid = dialectOf(db) === 'postgres' ? sql`` : sql`WITHOUT ROWID`;
  const blob = dialectOf(db) === 'postgres' ? sql`BYTEA` : sql`BLOB`;
  await sql`CREATE TABLE usage_count (
    std_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    bot INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (std_id, day, kind, bot)
  ) ${withoutRowid}`.execute(db);
  await sql`CREATE INDEX usage_count_day ON usage_count (day, kind)`.execute(db);
  await sql`CREATE TABLE usage_visitor (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (day, kind, visitor)
  ) ${withoutRowid}`.execute(db);
  await sql`CREATE TABLE usage_day_visitors (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    visitors INTEGER NOT NULL,
    PRIMARY KEY (day, kind)
  ) ${withoutRowid}`.execute(db);
  await sql`CREATE TABLE usage_salt (day TEXT PRIMARY KEY, salt ${blob} NOT NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['usage_salt', 'usage_day_visitors', 'usage_visitor', 'usage_count']) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
