/**
 * Readable before → after differences of an event's JSON payloads, for the history tab and the audit view: one
 * line per changed field (dotted path for nested objects), lists as added and removed items, values as short
 * text — never a raw JSON dump. Pure: no I/O, no language (the view labels the fields).
 */

/** One changed field. */
export interface FieldChange {
  /** Dotted path of the field ('status', 'disclosure.mode'); '' when the payload itself is a plain value. */
  field: string;
  /** 'set': newly given; 'cleared': removed; 'changed': a value replaced; 'list': items added and/or removed. */
  kind: 'set' | 'cleared' | 'changed' | 'list';
  before?: string;
  after?: string;
  added?: string[];
  removed?: string[];
}

/** Longest text shown for one value; longer values are cut with an ellipsis. */
export const MAX_VALUE_CHARS = 300;
/** Most list items shown per side; the rest are summarised by the view as "… and N more". */
export const MAX_LIST_ITEMS = 50;
/** Longer lists are summarised by their length (bounds the work per event, whatever a payload holds). */
const MAX_COMPARED_ITEMS = 5000;
/** Nested objects deeper than this are shown as one value. */
const MAX_DEPTH = 3;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cut(s: string): string {
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

/** Canonical JSON (keys sorted), so that key order never counts as a change. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * A value as short text. Known record shapes read naturally: titles 'zh: 防火门', dates 'issued 2024-10-28',
 * classifications 'ICS 13.220.50', relations 'replaces GB 12955-2008', contributors 'publisher: SAC'.
 */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return cut(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return cut(v.map(displayValue).join('; '));
  if (isPlainObject(v)) {
    const s = (k: string) => (typeof v[k] === 'string' || typeof v[k] === 'number' ? String(v[k]) : undefined);
    if (s('lang') && s('text')) return cut(`${s('lang')}${s('type') && s('type') !== 'main' ? ` (${s('type')})` : ''}: ${s('text')}`);
    if (s('scheme') && s('code')) return cut(`${s('scheme')!.toUpperCase()} ${s('code')}`);
    if (s('type') && s('target')) return cut(`${s('type')} ${s('target')}${s('degree') ? ` (${s('degree')})` : ''}`);
    if (s('type') && s('value')) return cut(`${s('type')} ${s('value')}`);
    if (s('role') && s('name')) return cut(`${s('role')}: ${s('name')}`);
    if (s('type') && s('url')) return cut(`${s('type')} ${s('url')}`);
    const parts = Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${k}: ${isPlainObject(x) || Array.isArray(x) ? displayValue(x) : String(x)}`);
    return cut(parts.join(', '));
  }
  return cut(String(v));
}

/** Items of `a` not matched by an equal item of `b` (multiset difference on canonical JSON). */
function minus(a: unknown[], b: unknown[]): unknown[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(canonical(x), (left.get(canonical(x)) ?? 0) + 1);
  const out: unknown[] = [];
  for (const x of a) {
    const k = canonical(x);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.push(x);
  }
  return out;
}

function diffInto(out: FieldChange[], path: string, b: unknown, a: unknown, depth: number): void {
  if (canonical(b) === canonical(a)) return;
  const bMissing = b === null || b === undefined;
  const aMissing = a === null || a === undefined;
  if ((Array.isArray(b) || bMissing) && (Array.isArray(a) || aMissing) && (Array.isArray(a) || Array.isArray(b))) {
    const bl = Array.isArray(b) ? b : [];
    const al = Array.isArray(a) ? a : [];
    if (bl.length + al.length > MAX_COMPARED_ITEMS) {
      out.push({ field: path, kind: 'changed', before: `[${bl.length}]`, after: `[${al.length}]` });
      return;
    }
    const added = minus(al, bl).map(displayValue);
    const removed = minus(bl, al).map(displayValue);
    // Same items in another order is a change too, but has nothing to list: show it as a reordering.
    if (!added.length && !removed.length) out.push({ field: path, kind: 'changed', before: displayValue(bl), after: displayValue(al) });
    else out.push({ field: path, kind: 'list', added, removed });
    return;
  }
  if ((isPlainObject(b) || bMissing) && (isPlainObject(a) || aMissing) && (isPlainObject(a) || isPlainObject(b)) && depth < MAX_DEPTH) {
    const bo = isPlainObject(b) ? b : {};
    const ao = isPlainObject(a) ? a : {};
    for (const k of [...new Set([...Object.keys(bo), ...Object.keys(ao)])]) diffInto(out, path ? `${path}.${k}` : k, bo[k], ao[k], depth + 1);
    return;
  }
  if (bMissing) out.push({ field: path, kind: 'set', after: displayValue(a) });
  else if (aMissing) out.push({ field: path, kind: 'cleared', before: displayValue(b) });
  else out.push({ field: path, kind: 'changed', before: displayValue(b), after: displayValue(a) });
}

/** The changed fields between two event payloads (either may be null: creation, deletion). */
export function fieldDiff(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diffInto(out, '', before, after, 0);
  return out;
}
