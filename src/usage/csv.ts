import type { DailyRow } from './ports.js';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text starting with = + - @ (or a
 * tab/CR) gets a leading apostrophe, so spreadsheets do not run it as a formula (CSV injection).
 */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column names of the usage CSV export. */
export const USAGE_CSV_HEADER = ['day', 'id', 'number', 'page_views', 'reads', 'downloads', 'bot_events'] as const;

/** The usage CSV (UTF-8, CRLF line ends as RFC 4180 says): one row per standard and day. */
export function usageCsv(rows: DailyRow[]): string {
  const lines = [USAGE_CSV_HEADER.join(',')];
  for (const r of rows)
    lines.push([r.day, r.id, r.number, r.view, r.read, r.download, r.bots].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
