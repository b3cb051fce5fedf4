import type { SqliteDb } from '../../db/sqlite.js';
import type { UsageKind } from '../model.js';
import type {
  BreakdownRow,
  DailyRow,
  MonthlyRow,
  ThresholdRow,
  TopItem,
  UsageBatch,
  UsageStore,
  UsageSummary,
} from '../ports.js';

import { breakdownRows, kindTotals, monthlyRows, thresholdRows, topItems, totalsByStandard, withCodeTitles, type Breakdown, type KindCounts } from './rows.js';

/**
 * UsageStore on the application's better-sqlite3 handle (tables from migration 006_usage). Statements are prepared
 * once; a flush is one transaction of upserts, so recording costs one short write lock per flush interval.
 */
export class SqliteUsageStore implements UsageStore {
  private readonly upsertCount;
  private readonly insertVisitor;
  private readonly writeTx;

  constructor(private readonly db: SqliteDb) {
    this.upsertCount = db.prepare(
      `INSERT INTO usage_count (std_id, day, kind, bot, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (std_id, day, kind, bot) DO UPDATE SET count = count + excluded.count`,
    );
    this.insertVisitor = db.prepare('INSERT OR IGNORE INTO usage_visitor (day, kind, visitor) VALUES (?, ?, ?)');
    this.writeTx = db.transaction((batch: UsageBatch) => {
      for (const c of batch.counts) this.upsertCount.run(c.stdId, c.day, c.kind, c.bot ? 1 : 0, c.count);
      for (const v of batch.visitors) this.insertVisitor.run(v.day, v.kind, v.visitor);
    });
  }

  write(batch: UsageBatch): void {
    if (batch.counts.length || batch.visitors.length) this.writeTx(batch);
  }

  saltOf(day: string, fresh: Buffer): Buffer {
    this.db.prepare('INSERT OR IGNORE INTO usage_salt (day, salt) VALUES (?, ?)').run(day, fresh);
    return (this.db.prepare('SELECT salt FROM usage_salt WHERE day = ?').get(day) as { salt: Buffer }).salt;
  }

  closeDaysBefore(day: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO usage_day_visitors (day, kind, visitors)
           SELECT day, kind, COUNT(*) FROM usage_visitor WHERE day < ? GROUP BY day, kind
           ON CONFLICT (day, kind) DO UPDATE SET visitors = visitors + excluded.visitors`,
        )
        .run(day);
      this.db.prepare('DELETE FROM usage_visitor WHERE day < ?').run(day);
      this.db.prepare('DELETE FROM usage_salt WHERE day < ?').run(day);
    })();
  }

  /** Visitor-days per (day, kind): closed days from their counts, open days from their hashes. */
  private static readonly VISITORS = `SELECT day, kind, visitors FROM usage_day_visitors
    UNION ALL SELECT day, kind, COUNT(*) FROM usage_visitor GROUP BY day, kind`;

  summary(today: string): UsageSummary {
    const rows = this.db
      .prepare('SELECT kind, bot, SUM(count) AS n FROM usage_count GROUP BY kind, bot')
      .all() as { kind: UsageKind; bot: number; n: number }[];
    const vis = this.db
      .prepare(`SELECT kind, SUM(visitors) AS n FROM (${SqliteUsageStore.VISITORS}) GROUP BY kind`)
      .all() as { kind: UsageKind; n: number }[];
    const totals = kindTotals(rows, vis);
    const visitorsToday = (
      this.db.prepare('SELECT COUNT(DISTINCT visitor) AS n FROM usage_visitor WHERE day = ?').get(today) as { n: number }
    ).n;
    const span = this.db.prepare('SELECT MIN(day) AS first, MAX(day) AS last FROM usage_count').get() as {
      first: string | null;
      last: string | null;
    };
    const standards = (
      this.db.prepare('SELECT COUNT(DISTINCT std_id) AS n FROM usage_count WHERE bot = 0').get() as { n: number }
    ).n;
    return { totals, visitorsToday, standards, firstDay: span.first, lastDay: span.last };
  }

  monthly(fromMonth: string, toMonth: string): MonthlyRow[] {
    const from = `${fromMonth}-01`;
    const to = `${toMonth}-31`;
    const counts = this.db
      .prepare(
        `SELECT substr(day, 1, 7) AS month, kind, bot, SUM(count) AS n FROM usage_count
         WHERE day BETWEEN ? AND ? GROUP BY month, kind, bot`,
      )
      .all(from, to) as { month: string; kind: UsageKind; bot: number; n: number }[];
    const vis = this.db
      .prepare(
        `SELECT substr(day, 1, 7) AS month, SUM(visitors) AS n FROM (${SqliteUsageStore.VISITORS})
         WHERE day BETWEEN ? AND ? GROUP BY month`,
      )
      .all(from, to) as { month: string; n: number }[];
    return monthlyRows(counts, vis);
  }

  /** Per-standard human totals of every kind for the given ids. */
  private totalsOf(ids: string[]): Map<string, KindCounts> {
    if (!ids.length) return new Map();
    const rows = this.db
      .prepare(
        `SELECT std_id, kind, SUM(count) AS n FROM usage_count
         WHERE bot = 0 AND std_id IN (SELECT value FROM json_each(?)) GROUP BY std_id, kind`,
      )
      .all(JSON.stringify(ids)) as { std_id: string; kind: UsageKind; n: number }[];
    return totalsByStandard(rows);
  }

  top(kind: UsageKind, limit: number): TopItem[] {
    const ids = (
      this.db
        .prepare(
          `SELECT std_id, SUM(count) AS n FROM usage_count WHERE bot = 0 AND kind = ?
           GROUP BY std_id ORDER BY n DESC, std_id LIMIT ?`,
        )
        .all(kind, limit) as { std_id: string }[]
    ).map((r) => r.std_id);
    if (!ids.length) return [];
    const json = JSON.stringify(ids);
    const std = this.db
      .prepare('SELECT id, number, nature FROM standard WHERE id IN (SELECT value FROM json_each(?))')
      .all(json) as { id: string; number: string; nature: string | null }[];
    const titles = this.db
      .prepare(`SELECT std_id, lang, text FROM title WHERE type = 'main' AND std_id IN (SELECT value FROM json_each(?))`)
      .all(json) as { std_id: string; lang: string; text: string }[];
    return topItems(ids, std, titles, this.totalsOf(ids));
  }

  thresholds(thresholds: readonly number[]): ThresholdRow[] {
    const cols = thresholds.map((_, i) => `SUM(n >= ?) AS t${i}`).join(', ');
    const rows = this.db
      .prepare(
        `WITH t AS (SELECT std_id, kind, SUM(count) AS n FROM usage_count WHERE bot = 0 GROUP BY std_id, kind)
         SELECT kind, ${cols} FROM t GROUP BY kind`,
      )
      .all(...thresholds) as Record<string, number | string>[];
    return thresholdRows(thresholds, rows);
  }

  /** Groups per-standard totals by a key query yielding (std_id, key) pairs (a standard may have several keys). */
  private breakdown(keySql: string, params: unknown[]): Breakdown[] {
    const from = `WITH u AS (SELECT std_id, kind, SUM(count) AS n FROM usage_count WHERE bot = 0 GROUP BY std_id, kind),
                      k AS (${keySql})
                 SELECT COALESCE(k.key, '') AS key`;
    const sums = this.db
      .prepare(`${from}, u.kind, SUM(u.n) AS n FROM u LEFT JOIN k ON k.std_id = u.std_id GROUP BY 1, u.kind`)
      .all(...params) as { key: string; kind: UsageKind; n: number }[];
    const counts = this.db
      .prepare(`${from}, COUNT(DISTINCT u.std_id) AS standards FROM u LEFT JOIN k ON k.std_id = u.std_id GROUP BY 1`)
      .all(...params) as { key: string; standards: number }[];
    return breakdownRows(counts, sums);
  }

  byNature(): BreakdownRow[] {
    return this.breakdown('SELECT id AS std_id, nature AS key FROM standard WHERE nature IS NOT NULL', []).map((b) => ({
      ...b,
      titles: {},
    }));
  }

  byCategory(scheme: 'ics' | 'ccs'): BreakdownRow[] {
    // Top level: the ICS field (first two digits, '13' of 13.220.50) or the CCS letter ('C' of C81).
    const top = scheme === 'ics' ? 'substr(code, 1, 2)' : 'upper(substr(code, 1, 1))';
    const rows = this.breakdown(`SELECT DISTINCT std_id, ${top} AS key FROM classification WHERE scheme = ?`, [scheme]);
    const codes = this.db
      .prepare('SELECT code, title_en, title_zh FROM classification_code WHERE scheme = ? AND level = 1')
      .all(scheme) as { code: string; title_en: string | null; title_zh: string | null }[];
    return withCodeTitles(rows, codes);
  }

  daily(fromDay: string, toDay: string, limit: number): DailyRow[] {
    const rows = this.db
      .prepare(
        `SELECT u.day, u.std_id AS id, s.number,
           SUM(CASE WHEN u.bot = 0 AND u.kind = 'view' THEN u.count ELSE 0 END) AS view,
           SUM(CASE WHEN u.bot = 0 AND u.kind = 'read' THEN u.count ELSE 0 END) AS read,
           SUM(CASE WHEN u.bot = 0 AND u.kind = 'download' THEN u.count ELSE 0 END) AS download,
           SUM(CASE WHEN u.bot = 1 THEN u.count ELSE 0 END) AS bots
         FROM usage_count u LEFT JOIN standard s ON s.id = u.std_id
         WHERE u.day BETWEEN ? AND ? GROUP BY u.day, u.std_id ORDER BY u.day, u.std_id LIMIT ?`,
      )
      .all(fromDay, toDay, limit) as DailyRow[];
    return rows;
  }
}
