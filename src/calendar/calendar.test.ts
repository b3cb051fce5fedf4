import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from './calendar.js';
import { loadCalendar, SHIPPED_CALENDARS } from './load.js';

const cn = new WorkingCalendar(SHIPPED_CALENDARS);

describe('working-day calendar (China 2025, State Council notice)', () => {
  it('knows holidays, weekends and make-up working days', () => {
    expect(cn.isWorkingDay('2025-01-01')).toBe(false); // New Year's Day, a Wednesday
    expect(cn.isWorkingDay('2025-01-26')).toBe(true); // Sunday, make-up working day
    expect(cn.isWorkingDay('2025-01-28')).toBe(false); // Spring Festival
    expect(cn.isWorkingDay('2025-02-04')).toBe(false);
    expect(cn.isWorkingDay('2025-02-05')).toBe(true);
    expect(cn.isWorkingDay('2025-02-08')).toBe(true); // Saturday, make-up working day
    expect(cn.isWorkingDay('2025-04-04')).toBe(false); // Qingming
    expect(cn.isWorkingDay('2025-04-27')).toBe(true); // Sunday, make-up working day
    expect(cn.isWorkingDay('2025-05-05')).toBe(false); // Labour Day (Monday)
    expect(cn.isWorkingDay('2025-06-02')).toBe(false); // Dragon Boat (Monday)
    expect(cn.isWorkingDay('2025-09-28')).toBe(true); // Sunday, make-up working day
    for (let d = 1; d <= 8; d++) expect(cn.isWorkingDay(`2025-10-0${d}`)).toBe(false); // National Day + Mid-Autumn
    expect(cn.isWorkingDay('2025-10-09')).toBe(true);
    expect(cn.isWorkingDay('2025-10-11')).toBe(true); // Saturday, make-up working day
    expect(cn.isWorkingDay('2025-10-12')).toBe(false); // an ordinary Sunday
  });

  it('counts 20 working days across the 2025 National Day holiday, including the make-up Saturday 11 Oct', () => {
    // From Fri 26 Sep: Sun 28 Sep (make-up) 1, 29–30 Sep 2–3, 1–8 Oct holiday, 9–10 Oct 4–5, Sat 11 Oct (make-up) 6,
    // 13–17 Oct 7–11, 20–24 Oct 12–16, 27–30 Oct 17–20.
    expect(cn.addWorkingDays('2025-09-26', 20)).toBe('2025-10-30');
    // Weekends only (no holiday data) it would be 24 Oct: the calendar matters.
    expect(new WorkingCalendar().addWorkingDays('2025-09-26', 20)).toBe('2025-10-24');
    expect(cn.workingDaysBetween('2025-09-26', '2025-10-30')).toBe(20);
    expect(cn.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cn.addWorkingDays('2025-10-10', 1)).toBe('2025-10-11');
    expect(cn.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(cn.addWorkingDays('2025-03-03', 0)).toBe('2025-03-03');
  });

  it('says which years it does not cover, and rejects bad input', () => {
    expect(cn.covers(2025)).toBe(true);
    expect(cn.uncoveredYears('2025-12-20', '2026-01-20')).toEqual([2026]);
    expect(() => cn.addWorkingDays('2025-02-30', 1)).toThrow();
    expect(() => cn.addWorkingDays('2025-02-03', -1)).toThrow();
  });

  it('merges a body calendar from CALENDAR_FILE (later data wins) and fails fast on a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-cal-'));
    try {
      const file = join(dir, 'cal.json');
      writeFileSync(file, JSON.stringify({ name: 'Body 2030', years: [2030], holidays: ['2030-01-01/2030-01-02'], workdays: ['2030-01-05'] }));
      const cal = loadCalendar(file);
      expect(cal.names).toEqual(['China (State Council holiday arrangements)', 'Body 2030']);
      expect(cal.isWorkingDay('2030-01-02')).toBe(false);
      expect(cal.isWorkingDay('2030-01-05')).toBe(true); // a Saturday
      expect(cal.isWorkingDay('2025-10-11')).toBe(true);
      writeFileSync(file, JSON.stringify({ name: 'x', years: [2030], holidays: ['2030-13-01'], workdays: [] }));
      expect(() => loadCalendar(file)).toThrow(/CALENDAR_FILE/);
      expect(() => loadCalendar(join(dir, 'missing.json'))).toThrow(/CALENDAR_FILE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
