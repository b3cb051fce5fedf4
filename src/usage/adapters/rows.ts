import { USAGE_KINDS, type UsageKind } from '../model.js';
import type { BreakdownRow, KindTotals, MonthlyRow, ThresholdRow, TopItem } from '../ports.js';

/**
 * What the SQLite and PostgreSQL usage stores share: turning the rows their queries return into the port's
 * shapes. The SQL differs by dialect (json_each / = ANY, SUM(bool) / FILTER, …); the rows do not. Numbers go
 * through Number(): PostgreSQL returns SUM and COUNT as strings (bigint/numeric), SQLite as numbers.
 */

export type KindCounts = { view: number; read: number; download: number };
export const zero = (): KindCounts => ({ view: 0, read: 0, download: 0 });
export type Breakdown = { key: string; standards: number } & KindCounts;

type Num = number | string;

/** Per-kind totals (human, bot, visitor-days) from (kind, bot, n) and (kind, n) rows. */
export function kindTotals(rows: { kind: UsageKind; bot: Num; n: Num }[], vis: { kind: UsageKind; n: Num }[]): KindTotals[] {
  return USAGE_KINDS.map((kind) => ({
    kind,
    count: Number(rows.find((r) => r.kind === kind && !Number(r.bot))?.n ?? 0),
    bots: Number(rows.find((r) => r.kind === kind && Number(r.bot))?.n ?? 0),
    visitorDays: Number(vis.find((v) => v.kind === kind)?.n ?? 0),
  }));
}

/** Monthly rows, oldest first, from (month, kind, bot, n) counts and (month, n) visitor-days. */
export function monthlyRows(counts: { month: string; kind: UsageKind; bot: Num; n: Num }[], vis: { month: string; n: Num }[]): MonthlyRow[] {
  const byMonth = new Map<string, MonthlyRow>();
  const row = (month: string) => {
    let r = byMonth.get(month);
    if (!r) byMonth.set(month, (r = { month, ...zero(), bots: 0, visitorDays: 0 }));
    return r;
  };
  for (const c of counts) {
    const r = row(c.month);
    if (Number(c.bot)) r.bots += Number(c.n);
    else r[c.kind] += Number(c.n);
  }
  for (const v of vis) row(v.month).visitorDays = Number(v.n);
  // Months are YYYY-MM: code-point order is date order.
  return [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/** Per-standard totals of every kind from (std_id, kind, n) rows. */
export function totalsByStandard(rows: { std_id: string; kind: UsageKind; n: Num }[]): Map<string, KindCounts> {
  const out = new Map<string, KindCounts>();
  for (const r of rows) {
    const c = out.get(r.std_id) ?? zero();
    c[r.kind] = Number(r.n);
    out.set(r.std_id, c);
  }
  return out;
}

/** The top list in `ids` order: catalogue number, nature and main titles (first per language) with the totals. */
export function topItems(
  ids: string[],
  standards: { id: string; number: string; nature: string | null }[],
  titleRows: { std_id: string; lang: string; text: string }[],
  totals: Map<string, KindCounts>,
): TopItem[] {
  const std = new Map(standards.map((s) => [s.id, s]));
  const titles = new Map<string, Record<string, string>>();
  for (const t of titleRows) {
    const m = titles.get(t.std_id) ?? {};
    m[t.lang] ??= t.text;
    titles.set(t.std_id, m);
  }
  return ids.map((id) => ({
    id,
    number: std.get(id)?.number ?? null,
    titles: titles.get(id) ?? {},
    nature: std.get(id)?.nature ?? null,
    ...(totals.get(id) ?? zero()),
  }));
}

/** Threshold rows per kind from rows of (kind, t0, t1, …): column t<i> counts the standards passing thresholds[i]. */
export function thresholdRows(thresholds: readonly number[], rows: Record<string, number | string>[]): ThresholdRow[] {
  return USAGE_KINDS.map((kind) => {
    const r = rows.find((x) => x.kind === kind);
    return { kind, passed: Object.fromEntries(thresholds.map((th, i) => [String(th), Number(r?.[`t${i}`] ?? 0)])) };
  });
}

/** Breakdown rows, most used first (ties by key), from per-key standard counts and (key, kind, n) sums. */
export function breakdownRows(counts: { key: string; standards: Num }[], sums: { key: string; kind: UsageKind; n: Num }[]): Breakdown[] {
  const out = new Map<string, Breakdown>(counts.map((c) => [c.key, { key: c.key, standards: Number(c.standards), ...zero() }]));
  for (const r of sums) {
    const b = out.get(r.key);
    if (b) b[r.kind] += Number(r.n);
  }
  return [...out.values()].sort((a, b) => b.download + b.read + b.view - (a.download + a.read + a.view) || a.key.localeCompare(b.key));
}

/** Breakdown rows by top-level classification code, with the code's English and Chinese titles. */
export function withCodeTitles(rows: Breakdown[], codes: { code: string; title_en: string | null; title_zh: string | null }[]): BreakdownRow[] {
  const titles = new Map(codes.map((c) => [c.code, c]));
  return rows.map((b) => {
    const c = titles.get(b.key);
    const t: Record<string, string> = {};
    if (c?.title_en) t.en = c.title_en;
    if (c?.title_zh) t.zh = c.title_zh;
    return { ...b, titles: t };
  });
}
