/**
 * A working-day calendar: Saturdays and Sundays are rest days, public holidays are rest days, and make-up working
 * days (调休上班, China moves weekend days to bridge holidays) are working days although they fall on a weekend.
 * The data (one file per body and year range) says which years it covers: outside them only weekends are known,
 * and callers are told so (uncoveredYears) instead of silently trusting a weekends-only count.
 */

/** A calendar data file (src/calendar/data/*.json or CALENDAR_FILE). */
export interface CalendarData {
  /** Short name shown to users: 'China (State Council)'. */
  name: string;
  /** Where the dates come from (notice, URL). */
  source?: string;
  /** Years the holiday lists are complete for. */
  years: number[];
  /** Rest days: 'YYYY-MM-DD', or an inclusive range 'YYYY-MM-DD/YYYY-MM-DD'. */
  holidays: string[];
  /** Make-up working days on weekends: 'YYYY-MM-DD' or a range. */
  workdays: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

function parseDay(v: string): number {
  if (!DAY.test(v)) throw new Error(`not a date "${v}" (expected YYYY-MM-DD)`);
  const t = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) throw new Error(`not a calendar date "${v}"`);
  return t;
}

function fmt(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Expands 'A' or 'A/B' into the days it names (inclusive). */
function expand(entry: string): string[] {
  const [a, b] = entry.split('/');
  const from = parseDay(a.trim());
  const to = b === undefined ? from : parseDay(b.trim());
  if (to < from || to - from > 366 * MS_PER_DAY) throw new Error(`bad date range "${entry}"`);
  const out: string[] = [];
  for (let t = from; t <= to; t += MS_PER_DAY) out.push(fmt(t));
  return out;
}

export class WorkingCalendar {
  private readonly holidays = new Set<string>();
  private readonly workdays = new Set<string>();
  private readonly years = new Set<number>();
  /** Names of the merged data sets, for display. */
  readonly names: string[] = [];

  /** Merges calendar data sets (later ones win where they disagree about a day). */
  constructor(data: readonly CalendarData[] = []) {
    for (const d of data) {
      this.names.push(d.name);
      for (const y of d.years) this.years.add(y);
      for (const h of d.holidays)
        for (const day of expand(h)) {
          this.holidays.add(day);
          this.workdays.delete(day);
        }
      for (const w of d.workdays)
        for (const day of expand(w)) {
          this.workdays.add(day);
          this.holidays.delete(day);
        }
    }
  }

  /** True for a working day: a weekday that is not a holiday, or a make-up working day. */
  isWorkingDay(date: string): boolean {
    parseDay(date);
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
    return wd !== 0 && wd !== 6;
  }

  /**
   * The n-th working day after `date` (the day itself is not counted: "within 20 working days after the bulletin").
   * n = 0 returns the date itself.
   */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new Error(`working days must be an integer 0…10000, got ${n}`);
    let t = parseDay(date);
    let left = n;
    while (left > 0) {
      t += MS_PER_DAY;
      if (this.isWorkingDay(fmt(t))) left--;
    }
    return fmt(t);
  }

  /** Working days after `from` up to and including `to` (0 when to ≤ from). */
  workingDaysBetween(from: string, to: string): number {
    let t = parseDay(from);
    const end = parseDay(to);
    let n = 0;
    while (t < end) {
      t += MS_PER_DAY;
      if (this.isWorkingDay(fmt(t))) n++;
    }
    return n;
  }

  /** True when the holiday data covers the year. */
  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** Years between two dates (inclusive) that the holiday data does not cover: only weekends are known there. */
  uncoveredYears(from: string, to: string): number[] {
    const out: number[] = [];
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!this.covers(y)) out.push(y);
    return out;
  }
}
