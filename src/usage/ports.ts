import type { UsageKind } from './model.js';

/** One aggregated upsert: `count` more events of (stdId, day, kind, bot). */
export interface UsageCountDelta {
  stdId: string;
  day: string;
  kind: UsageKind;
  bot: boolean;
  count: number;
}

/** What one flush writes, in one transaction. */
export interface UsageBatch {
  counts: UsageCountDelta[];
  /** Distinct visitor hashes seen per (day, kind); already-known ones are ignored by the store. */
  visitors: { day: string; kind: UsageKind; visitor: string }[];
}

/** Totals of one kind, human and bot. */
export interface KindTotals {
  kind: UsageKind;
  count: number;
  bots: number;
  /** Sum over days of that day's distinct visitors ("visitor-days"). */
  visitorDays: number;
}

export interface UsageSummary {
  totals: KindTotals[];
  /** Distinct visitors today (any kind), from the open day's hashes. */
  visitorsToday: number;
  /** Standards with at least one human event. */
  standards: number;
  firstDay: string | null;
  lastDay: string | null;
}

export interface MonthlyRow {
  /** YYYY-MM. */
  month: string;
  view: number;
  read: number;
  download: number;
  bots: number;
  /** Sum of daily distinct visitors in the month (any kind counted per kind, so this is per kind summed). */
  visitorDays: number;
}

export interface TopItem {
  id: string;
  /** Primary number, or null when the standard is no longer in the catalogue. */
  number: string | null;
  titles: Record<string, string>;
  nature: string | null;
  view: number;
  read: number;
  download: number;
}

export interface ThresholdRow {
  kind: UsageKind;
  /** threshold → number of standards whose all-time count of this kind is at least that. */
  passed: Record<string, number>;
}

export interface BreakdownRow {
  /** Nature code, top-level classification code, or '' for none. */
  key: string;
  /** Title of a classification code by language (empty for natures and unknown codes). */
  titles: Record<string, string>;
  standards: number;
  view: number;
  read: number;
  download: number;
}

/** One CSV line: a standard's counts on one day (human; bots apart). */
export interface DailyRow {
  day: string;
  id: string;
  number: string | null;
  view: number;
  read: number;
  download: number;
  bots: number;
}

/** A value now (SQLite: in-process, synchronous) or later (PostgreSQL: over the network). */
export type Awaitable<T> = T | Promise<T>;

/**
 * Persistence of usage statistics (adapters: adapters/sqlite-store.ts, synchronous; adapters/pg-store.ts,
 * asynchronous). The recorder and the service accept either.
 */
export interface UsageStore {
  /** Writes one batch in one transaction (aggregated upserts, visitor INSERT OR IGNORE). */
  write(batch: UsageBatch): Awaitable<void>;
  /** The salt of `day`: the stored one, else `fresh` (stored first, so concurrent processes agree). */
  saltOf(day: string, fresh: Buffer): Awaitable<Buffer>;
  /** Closes every day before `day`: visitor hashes become a count and are deleted; their salts are deleted. */
  closeDaysBefore(day: string): Awaitable<void>;
  summary(today: string): Awaitable<UsageSummary>;
  /** Months from `fromMonth` to `toMonth` inclusive (YYYY-MM) that have data. */
  monthly(fromMonth: string, toMonth: string): Awaitable<MonthlyRow[]>;
  top(kind: UsageKind, limit: number): Awaitable<TopItem[]>;
  thresholds(thresholds: readonly number[]): Awaitable<ThresholdRow[]>;
  byNature(): Awaitable<BreakdownRow[]>;
  byCategory(scheme: 'ics' | 'ccs'): Awaitable<BreakdownRow[]>;
  /** Daily rows between two days inclusive, ordered by day then id; at most `limit` rows. */
  daily(fromDay: string, toDay: string, limit: number): Awaitable<DailyRow[]>;
}
