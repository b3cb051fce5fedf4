import { parseIdentifier } from '../catalogue/identifier.js';
import type { Classification, Contributor, Relation, StandardRecord, Title, TypedDate } from '../catalogue/model.js';
import { isPartialDate } from '../catalogue/model.js';
import { identifierNorm } from '../catalogue/normalise.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { chineseIdType, fallbackSlug, lookup } from './relaton-map.js';
import { registerImporter } from './registry.js';
import { decodeText, readSource } from './sources.js';
import type { ImportContext, Importer } from './types.js';

/**
 * Importer 'samr-json': catalogue rows in the shape served by China's national standards information platform
 * (openstd.samr.gov.cn / std.samr.gov.cn search APIs): C_STD_CODE, C_C_NAME, C_E_NAME, STD_NATURE, ISSUE_DATE,
 * ACT_DATE, STATE, … Accepts a JSON array, JSON lines, or an object holding the array under rows/records/data/list.
 *
 * Status honesty: STATE is the platform's status and is kept verbatim in statusSource; it is never recomputed
 * from dates (that would make the record depend on the day of the import).
 */

type Row = Record<string, unknown>;

const NAME_RE = /\.(json|jsonl|ndjson)$/i;

const NATURES: Record<string, StandardRecord['nature']> = {
  强制性: 'mandatory',
  推荐性: 'recommended',
  指导性技术文件: 'guidance',
  指导性: 'guidance',
  mandatory: 'mandatory',
  recommended: 'recommended',
  guidance: 'guidance',
};

const STATES: Record<string, string> = {
  现行: 'current',
  即将实施: 'to-be-implemented',
  废止: 'abolished',
  被代替: 'replaced',
  作废: 'abolished',
};

const DEGREES: [RegExp, NonNullable<Relation['degree']>][] = [
  [/\bIDT\b|等同采用|等同/i, 'IDT'],
  [/\bMOD\b|修改采用|修改/i, 'MOD'],
  [/\bNEQ\b|非等效采用|非等效/i, 'NEQ'],
];

/** Sector codes whose standards MIIT approves (same table as the Relaton importer's, kept short on purpose). */
const MIIT_SECTORS = new Set(['JB', 'HG', 'SJ', 'YD', 'QC', 'QB', 'FZ', 'YB', 'YS', 'JC', 'SH', 'XB']);

/** First non-empty string field among the names (the platform's APIs differ in prefixes: CCS vs C_CCS). */
function field(row: Row, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = row[n];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** Removes search-highlight markup (<sacinfo>…</sacinfo>, <em>, <font>) and decodes the basic entities. */
export function stripHighlight(s: string): string {
  return s
    .replace(/<[^>]{0,200}>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A platform date: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS', 'YYYY/MM/DD', or epoch milliseconds. Epoch values are
 * midnight Beijing time (UTC+8), so they are read in that zone — in UTC they would fall on the previous day.
 */
export function samrDate(v: unknown): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{11,13}$/.test(v.trim()))) {
    const ms = Number(v);
    if (!Number.isFinite(ms)) return undefined;
    const d = new Date(ms + 8 * 3600_000);
    if (Number.isNaN(d.getTime())) return undefined;
    return d.toISOString().slice(0, 10);
  }
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(v.trim());
  if (!m) return undefined;
  const out = [m[1], m[2]?.padStart(2, '0'), m[3]?.padStart(2, '0')].filter(Boolean).join('-');
  return isPartialDate(out) ? out : undefined;
}

/** Splits a list of standard numbers: separators , ; 、 and their full-width forms, or line breaks. */
function splitNumbers(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .split(/[,;，；、\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function splitNames(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .split(/[,;，；、\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function canonical(text: string): string {
  return parseIdentifier(text)?.canonical ?? text;
}

interface RowResult {
  record: StandardRecord | null;
  issues: Omit<Diagnostic, 'location' | 'category'>[];
}

/** Maps one platform row to a StandardRecord (null with a serious issue when it cannot be one). */
export function samrRowToRecord(row: unknown, ref: string): RowResult {
  const issues: RowResult['issues'] = [];
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    issues.push({ id: 'samr.not_object', severity: 'serious', message: 'row is not a JSON object' });
    return { record: null, issues };
  }
  const r = row as Row;
  const code = field(r, 'C_STD_CODE', 'STD_CODE', 'stdCode');
  if (!code) {
    issues.push({ id: 'samr.no_code', severity: 'serious', message: 'row has no standard number (C_STD_CODE): not imported' });
    return { record: null, issues };
  }
  const number = stripHighlight(code);
  const parsed = parseIdentifier(number);
  if (!parsed) issues.push({ id: 'samr.unparsed_identifier', severity: 'minor', message: `"${number}" is not a known identifier form: kept as printed` });
  const primary = parsed?.canonical ?? number;

  const titles: Title[] = [];
  const zh = field(r, 'C_C_NAME', 'C_NAME', 'cName');
  const en = field(r, 'C_E_NAME', 'E_NAME', 'eName');
  if (zh && stripHighlight(zh)) titles.push({ lang: 'zh', type: 'main', text: stripHighlight(zh) });
  if (en && stripHighlight(en)) titles.push({ lang: 'en', type: 'main', text: stripHighlight(en) });
  if (!titles.length) {
    issues.push({ id: 'samr.no_title', severity: 'serious', message: `${primary} has neither a Chinese nor an English title: not imported` });
    return { record: null, issues };
  }

  const natureText = field(r, 'STD_NATURE', 'NATURE');
  let nature = parsed?.nature;
  if (natureText) {
    const n = lookup(NATURES, natureText);
    if (!n) issues.push({ id: 'samr.unknown_nature', severity: 'minor', message: `unknown STD_NATURE "${natureText}"` });
    else {
      if (nature && n !== nature) {
        issues.push({ id: 'samr.nature_conflict', severity: 'minor', message: `STD_NATURE "${natureText}" disagrees with the number ${primary} (${nature}); the source's value is kept` });
      }
      nature = n;
    }
  }

  const dates: TypedDate[] = [];
  for (const [type, names] of [
    ['issued', ['ISSUE_DATE', 'C_ISSUE_DATE', 'issueDate']],
    ['implemented', ['ACT_DATE', 'C_ACT_DATE', 'actDate']],
    ['abolished', ['ABOLISH_DATE', 'C_ABOLISH_DATE', 'abolishDate']],
  ] as const) {
    const raw = names.map((n) => r[n]).find((v) => v !== undefined && v !== null && v !== '');
    if (raw === undefined) continue;
    const v = samrDate(raw);
    if (v) dates.push({ type, value: v });
    else issues.push({ id: 'samr.bad_date', severity: 'minor', message: `${names[0]} "${String(raw).slice(0, 40)}" is not a date: dropped` });
  }

  const stateText = field(r, 'STATE', 'STD_STATE', 'state');
  let status = 'unknown';
  if (stateText) {
    const s = lookup(STATES, stateText);
    if (s) status = s;
    else issues.push({ id: 'samr.unknown_state', severity: 'minor', message: `unknown STATE "${stateText}": status unknown` });
  } else issues.push({ id: 'samr.no_state', severity: 'info', message: 'no STATE: status unknown' });

  const classifications: Classification[] = [];
  for (const [scheme, names, re] of [
    ['ccs', ['CCS', 'C_CCS'], /^[A-Z]\d{2}$/],
    ['ics', ['ICS', 'C_ICS'], /^\d{2}(?:\.\d{3}(?:\.\d{2})?)?$/],
  ] as const) {
    for (const c of (field(r, ...names) ?? '').split(/[\s,;，；、]+/).filter(Boolean)) {
      const code = scheme === 'ccs' ? c.toUpperCase() : c;
      if (!re.test(code)) {
        issues.push({ id: `samr.bad_${scheme}`, severity: 'minor', message: `${scheme.toUpperCase()} code "${c}" is malformed: dropped` });
      } else if (!classifications.some((x) => x.scheme === scheme && x.code === code)) classifications.push({ scheme, code });
    }
  }

  const relations: Relation[] = [];
  const addRel = (rel: Relation) => {
    if (!relations.some((x) => x.type === rel.type && x.target === rel.target)) relations.push(rel);
  };
  for (const t of splitNumbers(field(r, 'REPLACE_STD', 'C_REPLACE_STD'))) addRel({ type: 'replaces', target: canonical(t) });
  for (const t of splitNumbers(field(r, 'REPLACED_BY', 'C_REPLACED_BY', 'REPLACED_STD'))) addRel({ type: 'replacedBy', target: canonical(t) });
  const adoptDegree = field(r, 'ADOPT_DEGREE', 'C_ADOPT_DEGREE');
  for (const a of splitNumbers(field(r, 'ADOPT_STD', 'C_ADOPT'))) {
    let degree = DEGREES.find(([re]) => re.test(a))?.[1];
    const target = a
      .replace(/[（(]?\s*(IDT|MOD|NEQ|等同采用|修改采用|非等效采用|等同|修改|非等效)\s*[)）]?/gi, '')
      .trim();
    if (!degree && adoptDegree) degree = DEGREES.find(([re]) => re.test(adoptDegree))?.[1];
    if (!target) continue;
    addRel({ type: 'adoptedFrom', target: canonical(target), ...(degree ? { degree } : {}) });
  }

  const contributors: Contributor[] = [];
  const addC = (role: string, names: string[]) => {
    for (const name of names) if (!contributors.some((c) => c.role === role && c.name === name)) contributors.push({ role, name, lang: 'zh' });
  };
  addC('publisher', splitNames(field(r, 'PUBLISHER', 'ISSUE_DEPT', 'C_ISSUE_DEPT')));
  addC('drafting-organisation', splitNames(field(r, 'DRAFT_UNITS', 'DRAFT_UNIT')));
  addC('competent-department', splitNames(field(r, 'CHARGE_DEPT', 'C_CHARGE_DEPT')));
  const committee = field(r, 'TC_NAME', 'C_TC_NAME', 'TC_CODE');

  const body = !parsed ? 'SAC' : parsed.body === 'GB' ? 'SAC' : MIIT_SECTORS.has(parsed.body) ? 'MIIT' : parsed.body;
  const years = parsed?.supplements.length ? parsed.supplements[parsed.supplements.length - 1].year : parsed?.year;
  const issuedYear = dates.find((d) => d.type === 'issued')?.value.slice(0, 4);
  const year = years ?? (issuedYear ? Number(issuedYear) : undefined);

  const record: StandardRecord = {
    id: parsed ? parsed.slug : fallbackSlug(number),
    identifiers: [{ type: parsed ? chineseIdType(parsed) : 'GB', value: primary, primary: true }],
    body,
    docType: parsed?.supplements.length ? 'amendment' : 'standard',
    ...(nature ? { nature } : {}),
    titles,
    dates,
    status,
    ...(stateText ? { statusSource: stateText } : {}),
    ...(year !== undefined ? { year } : {}),
    classifications,
    ...(committee ? { committee } : {}),
    contributors,
    abstracts: [],
    relations,
    links: [],
    keywords: [],
    source: { importer: 'samr-json', ref },
  };
  if (!record.id) {
    issues.push({ id: 'samr.no_code', severity: 'serious', message: `"${number}" gives no usable id: not imported` });
    return { record: null, issues };
  }
  return { record, issues };
}

/** Reads rows from JSON text: an array, an object holding one, or JSON lines. Errors carry line:col. */
export function readRows(text: string): { rows: { row: unknown; line?: number }[] } | { error: string; line?: number; col?: number } {
  const trimmed = text.trim();
  if (trimmed === '') return { rows: [] };
  try {
    const v: unknown = JSON.parse(trimmed);
    if (Array.isArray(v)) return { rows: v.map((row) => ({ row })) };
    if (v && typeof v === 'object') {
      const o = v as Row;
      for (const k of ['rows', 'records', 'data', 'list', 'result']) {
        const inner = o[k];
        if (Array.isArray(inner)) return { rows: inner.map((row) => ({ row })) };
        if (inner && typeof inner === 'object' && Array.isArray((inner as Row).rows)) return { rows: ((inner as Row).rows as unknown[]).map((row) => ({ row })) };
      }
      if ('C_STD_CODE' in o) return { rows: [{ row: o }] };
      return { error: 'JSON object holds no rows (expected an array, or rows/records/data/list)' };
    }
    return { error: 'JSON value is neither an array nor an object' };
  } catch (e) {
    // Not one JSON value: JSON lines? (only if the first line parses on its own)
    const lines = text.split('\n');
    const firstLine = lines.findIndex((l) => l.trim() !== '');
    let firstOk = false;
    try {
      JSON.parse(lines[firstLine]);
      firstOk = true;
    } catch {
      firstOk = false;
    }
    if (!firstOk || lines.filter((l) => l.trim() !== '').length < 2) return { error: (e as Error).message, ...positionOf(e as Error, text) };
    const rows: { row: unknown; line?: number }[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      try {
        rows.push({ row: JSON.parse(lines[i]), line: i + 1 });
      } catch (err) {
        rows.push({ row: new LineError((err as Error).message), line: i + 1 });
      }
    }
    return { rows };
  }
}

class LineError {
  constructor(readonly message: string) {}
}

/**
 * Line/column of a JSON syntax error. Node 22+ puts "(line L column C)" or "position N" in the message; Node 20
 * often gives neither, so the first error offset is found by a small validating scan.
 */
function positionOf(e: Error, original: string): { line?: number; col?: number } {
  const lc = /line (\d+) column (\d+)/.exec(e.message);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const pos = /position (\d+)/.exec(e.message);
  const lead = original.length - original.trimStart().length;
  const offset = pos ? Number(pos[1]) + lead : jsonErrorOffset(original);
  if (offset === undefined) return {};
  const before = original.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

/** Offset of the first JSON syntax error in `s` (undefined if the scan finds none). Iterative: no deep recursion. */
export function jsonErrorOffset(s: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  };
  const stack: string[] = [];
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const STR = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const value = (): boolean => {
    ws();
    const c = s[i];
    if (c === '{' || c === '[') {
      if (stack.length > 512) return false; // deeper than any catalogue row: report here rather than recurse on
      stack.push(c === '{' ? '}' : ']');
      i++;
      ws();
      if (s[i] === stack[stack.length - 1]) {
        stack.pop();
        i++;
        return true;
      }
      return c === '[' ? value() : key();
    }
    if (c === '"') {
      STR.lastIndex = i;
      if (!STR.exec(s)) return false;
      i = STR.lastIndex;
      return true;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    NUM.lastIndex = i;
    if (NUM.exec(s)) {
      i = NUM.lastIndex;
      return true;
    }
    return false;
  };
  const key = (): boolean => {
    ws();
    STR.lastIndex = i;
    if (s[i] !== '"' || !STR.exec(s)) return false;
    i = STR.lastIndex;
    ws();
    if (s[i] !== ':') return false;
    i++;
    return value();
  };
  if (!value()) return i;
  for (;;) {
    ws();
    if (!stack.length) return i < s.length ? i : undefined;
    const close = stack[stack.length - 1];
    if (s[i] === close) {
      stack.pop();
      i++;
      continue;
    }
    if (s[i] !== ',') return i;
    i++;
    if (!(close === '}' ? key() : value())) return i;
  }
}

/** Runs the import over a file or folder of JSON / JSON-lines files. */
export async function importSamrJson(source: string, ctx: ImportContext): Promise<void> {
  const { log } = ctx;
  const seen = new Map<string, string>();
  let files = 0;
  for await (const f of readSource(source, (n) => NAME_RE.test(n))) {
    files++;
    const parsed = readRows(decodeText(f.data).text);
    if ('error' in parsed) {
      log.counts.failed++;
      log.add({ id: 'samr.json_parse', severity: 'serious', category: 'parse', message: parsed.error, location: { file: f.name, ...(parsed.line ? { line: parsed.line } : {}), ...(parsed.col ? { col: parsed.col } : {}) } });
      continue;
    }
    const total = parsed.rows.length;
    for (let i = 0; i < total; i++) {
      const { row, line } = parsed.rows[i];
      const where = { file: f.name, record: `row ${i + 1}`, ...(line ? { line } : {}) };
      log.counts.seen++;
      if (row instanceof LineError) {
        log.counts.failed++;
        log.add({ id: 'samr.json_parse', severity: 'serious', category: 'parse', message: row.message, location: where });
        continue;
      }
      const { record, issues } = samrRowToRecord(row, `${f.name}#${i + 1}`);
      const loc = where;
      for (const x of issues) log.add({ ...x, category: 'samr', location: loc });
      if (!record) {
        log.counts.failed++;
        continue;
      }
      const key = identifierNorm(record.identifiers[0].value);
      const first = seen.get(key) ?? seen.get(`id:${record.id}`);
      if (first) {
        log.counts.skipped++;
        log.warn('samr.duplicate', `${record.identifiers[0].value} already imported from ${first}: row skipped`, loc, 'samr');
        continue;
      }
      seen.set(key, `${f.name} row ${i + 1}`);
      seen.set(`id:${record.id}`, `${f.name} row ${i + 1}`);
      try {
        log.counts[await ctx.catalogue.upsert(record, { actor: ctx.actor })]++;
      } catch (e) {
        log.counts.failed++;
        log.error('samr.write_failed', `could not store the record: ${(e as Error).message}`, loc, 'store');
      }
      if ((i + 1) % 200 === 0 || i + 1 === total) ctx.progress(i + 1, total);
    }
  }
  if (files === 0) log.error('samr.no_files', 'no .json, .jsonl or .ndjson file in the source', { file: source }, 'source');
}

export const samrJsonImporter: Importer = {
  name: 'samr-json',
  description: "China national standards platform catalogue rows (openstd / std.samr.gov.cn JSON: C_STD_CODE, C_C_NAME, STATE, …)",
  accepts: '*.json (array or { rows }) or *.jsonl file, or a folder of them',
  run: (source, ctx) => importSamrJson(source, ctx),
};

registerImporter(samrJsonImporter);
