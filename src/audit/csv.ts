/**
 * CSV for spreadsheets (RFC 4180 quoting) that cannot be turned into formulas: a cell that starts with = + - @
 * (or a tab / carriage return, which Excel strips before looking) is prefixed with a single quote, as OWASP's
 * "CSV Injection" guidance recommends, so Excel and LibreOffice show it as text instead of evaluating it.
 */

/** UTF-8 byte order mark: makes Excel open the file as UTF-8 (Chinese names and titles stay readable). */
export const UTF8_BOM = '\uFEFF';

/** One cell, neutralised and quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF, as RFC 4180 says). */
export function csvLine(cells: (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
