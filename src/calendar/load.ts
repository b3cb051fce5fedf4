import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../kernel/errors.js';
import { WorkingCalendar, type CalendarData } from './calendar.js';
import cn2025 from './data/cn-2025.json' with { type: 'json' };

/**
 * The shipped calendars. Only years whose official notice we can vouch for are shipped (China 2025); a body adds
 * its own years, holidays and make-up working days with CALENDAR_FILE (same format, merged on top).
 */
export const SHIPPED_CALENDARS: readonly CalendarData[] = [cn2025];

const DAY_OR_RANGE = z.string().regex(/^\d{4}-\d{2}-\d{2}(\/\d{4}-\d{2}-\d{2})?$/);
const fileSchema = z.object({
  name: z.string().min(1).max(200),
  source: z.string().max(1000).optional(),
  years: z.array(z.number().int().min(1900).max(2200)).max(200),
  holidays: z.array(DAY_OR_RANGE).max(5000),
  workdays: z.array(DAY_OR_RANGE).max(5000),
});

/** Parses calendar data (JSON text); throws invalid_config naming the problem. */
export function parseCalendarData(text: string, where: string): CalendarData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('invalid_config', `${where}: not JSON (${(e as Error).message})`);
  }
  const r = fileSchema.safeParse(json);
  if (!r.success) throw new AppError('invalid_config', `${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The working calendar: the shipped data plus CALENDAR_FILE when set (fails fast on a bad file). */
export function loadCalendar(file?: string): WorkingCalendar {
  const data = [...SHIPPED_CALENDARS];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new AppError('invalid_config', `CALENDAR_FILE ${file}: ${(e as Error).message}`);
    }
    const own = parseCalendarData(text, `CALENDAR_FILE ${file}`);
    try {
      new WorkingCalendar([own]);
    } catch (e) {
      throw new AppError('invalid_config', `CALENDAR_FILE ${file}: ${(e as Error).message}`);
    }
    data.push(own);
  }
  try {
    return new WorkingCalendar(data);
  } catch (e) {
    throw new AppError('invalid_config', `calendar: ${(e as Error).message}`);
  }
}
