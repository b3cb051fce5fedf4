import { today, type Clock } from '../kernel/clock.js';
import { USAGE_KINDS, USAGE_THRESHOLDS, type UsageKind } from './model.js';
import type { BreakdownRow, DailyRow, MonthlyRow, ThresholdRow, TopItem, UsageStore, UsageSummary } from './ports.js';
import { UsageRecorder, type RecorderOptions, type RecorderStats, type UsageHit } from './recorder.js';

/** Most months a report covers; most rows in a top list or a CSV export. */
export const USAGE_LIMITS = { maxMonths: 120, defaultMonths: 12, maxTop: 100, defaultTop: 10, maxCsvRows: 200_000 } as const;

/** The months (YYYY-MM) from `count - 1` months before `month` up to `month`. */
export function monthsEnding(month: string, count: number): string[] {
  const [y, m] = month.split('-').map(Number);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/** Every month of the window, those without data as zeros (charts and CSV want a regular axis). */
export function fillMonths(rows: MonthlyRow[], months: string[]): MonthlyRow[] {
  const by = new Map(rows.map((r) => [r.month, r]));
  return months.map((month) => by.get(month) ?? { month, view: 0, read: 0, download: 0, bots: 0, visitorDays: 0 });
}

/** The whole statistics page's data in one object (also what the API's parts are cut from). */
export interface UsageReport {
  summary: UsageSummary & { recorder: RecorderStats };
  monthly: MonthlyRow[];
  top: Record<UsageKind, TopItem[]>;
  thresholds: ThresholdRow[];
  byNature: BreakdownRow[];
  byIcs: BreakdownRow[];
  byCcs: BreakdownRow[];
}

/**
 * Usage statistics as a service (Services.usage): record() for the request hook and for any route that wants to
 * count something itself, flush()/close() for the lifecycle, and the read side for the page, CSV and API.
 */
export class UsageService {
  readonly recorder: UsageRecorder;

  constructor(
    readonly store: UsageStore,
    private readonly clock: Clock,
    opts: RecorderOptions = {},
  ) {
    this.recorder = new UsageRecorder(store, clock, opts);
  }

  /** Counts one page view, read or download of a standard (non-blocking; written at the next flush). */
  record(hit: UsageHit): void {
    this.recorder.record(hit);
  }

  /** Writes buffered events now (the read side calls it so pages show current numbers). */
  flush(): number | Promise<number> {
    return this.recorder.flush();
  }

  /** Stops the flush timer and writes what is left (await it: on PostgreSQL the last write is asynchronous). */
  close(): void | Promise<void> {
    return this.recorder.close();
  }

  async summary(): Promise<UsageSummary & { recorder: RecorderStats }> {
    await this.flush();
    return { ...(await this.store.summary(today(this.clock))), recorder: this.recorder.stats() };
  }

  /** The last `count` months up to the current one, zero-filled. */
  async monthly(count: number = USAGE_LIMITS.defaultMonths): Promise<MonthlyRow[]> {
    await this.flush();
    const months = monthsEnding(today(this.clock).slice(0, 7), Math.min(Math.max(1, count), USAGE_LIMITS.maxMonths));
    return fillMonths(await this.store.monthly(months[0], months[months.length - 1]), months);
  }

  async top(kind: UsageKind, limit: number = USAGE_LIMITS.defaultTop): Promise<TopItem[]> {
    await this.flush();
    return this.store.top(kind, Math.min(Math.max(1, limit), USAGE_LIMITS.maxTop));
  }

  async thresholds(): Promise<ThresholdRow[]> {
    await this.flush();
    return this.store.thresholds(USAGE_THRESHOLDS);
  }

  async breakdown(by: 'nature' | 'ics' | 'ccs'): Promise<BreakdownRow[]> {
    await this.flush();
    return by === 'nature' ? this.store.byNature() : this.store.byCategory(by);
  }

  /** Daily rows for the CSV export (both days inclusive, at most maxCsvRows). */
  async daily(fromDay = '0000-01-01', toDay = '9999-12-31'): Promise<DailyRow[]> {
    await this.flush();
    return this.store.daily(fromDay, toDay, USAGE_LIMITS.maxCsvRows);
  }

  /** Everything the statistics page shows. */
  async report(months: number = USAGE_LIMITS.defaultMonths, topN: number = USAGE_LIMITS.defaultTop): Promise<UsageReport> {
    const top = {} as Record<UsageKind, TopItem[]>;
    for (const k of USAGE_KINDS) top[k] = await this.top(k, topN);
    return {
      summary: await this.summary(),
      monthly: await this.monthly(months),
      top,
      thresholds: await this.thresholds(),
      byNature: await this.breakdown('nature'),
      byIcs: await this.breakdown('ics'),
      byCcs: await this.breakdown('ccs'),
    };
  }
}
