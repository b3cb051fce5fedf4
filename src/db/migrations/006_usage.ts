import { sql, type Kysely } from 'kysely';

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
  await sql`CREATE TABLE usage_count (
    std_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    bot INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (std_id, day, kind, bot)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX usage_count_day ON usage_count (day, kind)`.execute(db);
  await sql`CREATE TABLE usage_visitor (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (day, kind, visitor)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE usage_day_visitors (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    visitors INTEGER NOT NULL,
    PRIMARY KEY (day, kind)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE usage_salt (day TEXT PRIMARY KEY, salt BLOB NOT NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['usage_salt', 'usage_day_visitors', 'usage_visitor', 'usage_count']) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
