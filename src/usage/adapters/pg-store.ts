import { sql, type Kysely } from 'kysely';
import type { UsageKind } from '../model.js';
import type { BreakdownRow, DailyRow, MonthlyRow, ThresholdRow, TopItem, UsageBatch, UsageStore, UsageSummary } from '../ports.js';
import { breakdownRows, kindTotals, monthlyRows, thresholdRows, topItems, totalsByStandard, withCodeTitles, type Breakdown, type KindCounts } from './rows.js';

/** Rows per multi-row INSERT (5 parameters each: far below PostgreSQL's 65,535 bound parameters). */
const CHUNK = 1000;

/**
 * UsageStore on PostgreSQL (tables from migration 006, the same as on SQLite). Several app instances write at once:
 * every count is `INSERT … ON CONFLICT DO UPDATE SET count = usage_count.count + excluded.count`, which PostgreSQL
 * applies atomically per row (the conflicting row is locked and re-read), so concurrent flushes add up and never
 * overwrite each other; visitors and salts are `ON CONFLICT DO NOTHING`, so the first process to store a day's salt
 * wins and every process then reads that one. A batch's rows are sorted by key before writing so two instances
 * flushing overlapping batches lock rows in the same order (no deadlock).
 */
export class PgUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<any>) {}

  async write(batch: UsageBatch): Promise<void> {
    if (!batch.counts.length && !batch.visitors.length) return;
    const counts = [...batch.counts].sort((a, b) => cmp(`${a.stdId}\u0000${a.day}\u0000${a.kind}\u0000${+a.bot}`, `${b.stdId}\u0000${b.day}\u0000${b.kind}\u0000${+b.bot}`));
    const visitors = [...batch.visitors].sort((a, b) => cmp(`${a.day}\u0000${a.kind}\u0000${a.visitor}`, `${b.day}\u0000${b.kind}\u0000${b.visitor}`));
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < counts.length; i += CHUNK) {
        const part = mergeDuplicates(counts.slice(i, i + CHUNK));
        await sql`INSERT INTO usage_count (std_id, day, kind, bot, count) VALUES ${sql.join(
          part.map((c) => sql`(${c.stdId}, ${c.day}, ${c.kind}, ${c.bot ? 1 : 0}, ${c.count})`),
        )} ON CONFLICT (std_id, day, kind, bot) DO UPDATE SET count = usage_count.count + excluded.count`.execute(tx);
      }
      for (let i = 0; i < visitors.length; i += CHUNK) {
        await sql`INSERT INTO usage_visitor (day, kind, visitor) VALUES ${sql.join(
          visitors.slice(i, i + CHUNK).map((v) => sql`(${v.day}, ${v.kind}, ${v.visitor})`),
        )} ON CONFLICT DO NOTHING`.execute(tx);
      }
    });
  }

  async saltOf(day: string, fresh: Buffer): Promise<Buffer> {
    await sql`INSERT INTO usage_salt (day, salt) VALUES (${day}, ${fresh}) ON CONFLICT (day) DO NOTHING`.execute(this.db);
    const r = await sql<{ salt: Buffer }>`SELECT salt FROM usage_salt WHERE day = ${day}`.execute(this.db);
    return Buffer.from(r.rows[0].salt);
  }

  async closeDaysBefore(day: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // DELETE … RETURNING: the hashes counted are exactly the ones deleted, even with another instance closing too.
      await sql`WITH gone AS (DELETE FROM usage_visitor WHERE day < ${day} RETURNING day, kind)
        INSERT INTO usage_day_visitors (day, kind, visitors)
        SELECT day, kind, COUNT(*) FROM gone GROUP BY day, kind
        ON CONFLICT (day, kind) DO UPDATE SET visitors = usage_day_visitors.visitors + excluded.visitors`.execute(tx);
      await sql`DELETE FROM usage_salt WHERE day < ${day}`.execute(tx);
    });
  }

  private static readonly VISITORS = sql`SELECT day, kind, visitors FROM usage_day_visitors
    UNION ALL SELECT day, kind, COUNT(*) FROM usage_visitor GROUP BY day, kind`;

  async summary(today: string): Promise<UsageSummary> {
    const rows = (await sql<{ kind: UsageKind; bot: number; n: number }>`
      SELECT kind, bot, SUM(count) AS n FROM usage_count GROUP BY kind, bot`.execute(this.db)).rows;
    const vis = (await sql<{ kind: UsageKind; n: number }>`
      SELECT kind, SUM(visitors) AS n FROM (${PgUsageStore.VISITORS}) v GROUP BY kind`.execute(this.db)).rows;
    const totals = kindTotals(rows, vis);
    const today1 = await sql<{ n: number }>`SELECT COUNT(DISTINCT visitor) AS n FROM usage_visitor WHERE day = ${today}`.execute(this.db);
    const span = await sql<{ first: string | null; last: string | null }>`SELECT MIN(day) AS first, MAX(day) AS last FROM usage_count`.execute(this.db);
    const std = await sql<{ n: number }>`SELECT COUNT(DISTINCT std_id) AS n FROM usage_count WHERE bot = 0`.execute(this.db);
    return {
      totals,
      visitorsToday: Number(today1.rows[0]?.n ?? 0),
      standards: Number(std.rows[0]?.n ?? 0),
      firstDay: span.rows[0]?.first ?? null,
      lastDay: span.rows[0]?.last ?? null,
    };
  }

  async monthly(fromMonth: string, toMonth: string): Promise<MonthlyRow[]> {
    const from = `${fromMonth}-01`;
    const to = `${toMonth}-31`;
    const counts = (await sql<{ month: string; kind: UsageKind; bot: number; n: number }>`
      SELECT substr(day, 1, 7) AS month, kind, bot, SUM(count) AS n FROM usage_count
      WHERE day BETWEEN ${from} AND ${to} GROUP BY 1, kind, bot`.execute(this.db)).rows;
    const vis = (await sql<{ month: string; n: number }>`
      SELECT substr(day, 1, 7) AS month, SUM(visitors) AS n FROM (${PgUsageStore.VISITORS}) v
      WHERE day BETWEEN ${from} AND ${to} GROUP BY 1`.execute(this.db)).rows;
    return monthlyRows(counts, vis);
  }

  private async totalsOf(ids: string[]): Promise<Map<string, KindCounts>> {
    if (!ids.length) return new Map();
    const rows = (await sql<{ std_id: string; kind: UsageKind; n: number }>`
      SELECT std_id, kind, SUM(count) AS n FROM usage_count
      WHERE bot = 0 AND std_id = ANY(${ids}::text[]) GROUP BY std_id, kind`.execute(this.db)).rows;
    return totalsByStandard(rows);
  }

  async top(kind: UsageKind, limit: number): Promise<TopItem[]> {
    const ids = (await sql<{ std_id: string }>`
      SELECT std_id, SUM(count) AS n FROM usage_count WHERE bot = 0 AND kind = ${kind}
      GROUP BY std_id ORDER BY n DESC, std_id COLLATE "C" LIMIT ${limit}`.execute(this.db)).rows.map((r) => r.std_id);
    if (!ids.length) return [];
    const std = (await sql<{ id: string; number: string; nature: string | null }>`
      SELECT id, number, nature FROM standard WHERE id = ANY(${ids}::text[])`.execute(this.db)).rows;
    const titles = (await sql<{ std_id: string; lang: string; text: string }>`
      SELECT std_id, lang, text FROM title WHERE type = 'main' AND std_id = ANY(${ids}::text[])`.execute(this.db)).rows;
    return topItems(ids, std, titles, await this.totalsOf(ids));
  }

  async thresholds(thresholds: readonly number[]): Promise<ThresholdRow[]> {
    // PostgreSQL cannot SUM a boolean: count the rows passing each threshold with FILTER.
    const cols = thresholds.map((th, i) => sql`COUNT(*) FILTER (WHERE n >= ${th}) AS ${sql.ref(`t${i}`)}`);
    const rows = (await sql<Record<string, number | string>>`
      WITH t AS (SELECT std_id, kind, SUM(count) AS n FROM usage_count WHERE bot = 0 GROUP BY std_id, kind)
      SELECT kind${thresholds.length ? sql`, ${sql.join(cols)}` : sql``} FROM t GROUP BY kind`.execute(this.db)).rows;
    return thresholdRows(thresholds, rows);
  }

  private async breakdown(keys: ReturnType<typeof sql>): Promise<Breakdown[]> {
    const sums = (await sql<{ key: string; kind: UsageKind; n: number }>`
      WITH u AS (SELECT std_id, kind, SUM(count) AS n FROM usage_count WHERE bot = 0 GROUP BY std_id, kind), k AS (${keys})
      SELECT COALESCE(k.key, '') AS key, u.kind, SUM(u.n) AS n FROM u LEFT JOIN k ON k.std_id = u.std_id GROUP BY 1, u.kind`.execute(this.db)).rows;
    const counts = (await sql<{ key: string; standards: number }>`
      WITH u AS (SELECT std_id, kind, SUM(count) AS n FROM usage_count WHERE bot = 0 GROUP BY std_id, kind), k AS (${keys})
      SELECT COALESCE(k.key, '') AS key, COUNT(DISTINCT u.std_id) AS standards FROM u LEFT JOIN k ON k.std_id = u.std_id GROUP BY 1`.execute(this.db)).rows;
    return breakdownRows(counts, sums);
  }

  async byNature(): Promise<BreakdownRow[]> {
    return (await this.breakdown(sql`SELECT id AS std_id, nature AS key FROM standard WHERE nature IS NOT NULL`)).map((b) => ({ ...b, titles: {} }));
  }

  async byCategory(scheme: 'ics' | 'ccs'): Promise<BreakdownRow[]> {
    const top = scheme === 'ics' ? sql`substr(code, 1, 2)` : sql`upper(substr(code, 1, 1))`;
    const rows = await this.breakdown(sql`SELECT DISTINCT std_id, ${top} AS key FROM classification WHERE scheme = ${scheme}`);
    const codes = (await sql<{ code: string; title_en: string | null; title_zh: string | null }>`
      SELECT code, title_en, title_zh FROM classification_code WHERE scheme = ${scheme} AND level = 1`.execute(this.db)).rows;
    return withCodeTitles(rows, codes);
  }

  async daily(fromDay: string, toDay: string, limit: number): Promise<DailyRow[]> {
    const rows = (await sql<DailyRow>`
      SELECT u.day, u.std_id AS id, s.number,
        SUM(CASE WHEN u.bot = 0 AND u.kind = 'view' THEN u.count ELSE 0 END) AS view,
        SUM(CASE WHEN u.bot = 0 AND u.kind = 'read' THEN u.count ELSE 0 END) AS read,
        SUM(CASE WHEN u.bot = 0 AND u.kind = 'download' THEN u.count ELSE 0 END) AS download,
        SUM(CASE WHEN u.bot = 1 THEN u.count ELSE 0 END) AS bots
      FROM usage_count u LEFT JOIN standard s ON s.id = u.std_id
      WHERE u.day BETWEEN ${fromDay} AND ${toDay}
      GROUP BY u.day, u.std_id, s.number ORDER BY u.day, u.std_id COLLATE "C" LIMIT ${limit}`.execute(this.db)).rows;
    return rows.map((r) => ({ ...r, view: Number(r.view), read: Number(r.read), download: Number(r.download), bots: Number(r.bots) }));
  }
}

/** One row per key in a multi-row upsert (PostgreSQL refuses to update the same row twice in one statement). */
function mergeDuplicates(rows: UsageBatch['counts']): UsageBatch['counts'] {
  const out = new Map<string, UsageBatch['counts'][number]>();
  for (const c of rows) {
    const k = `${c.stdId}\u0000${c.day}\u0000${c.kind}\u0000${+c.bot}`;
    const had = out.get(k);
    if (had) out.set(k, { ...had, count: had.count + c.count });
    else out.set(k, { ...c });
  }
  return [...out.values()];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
