import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { ClassificationCode } from '../classification/ports.js';
import { registerImporter } from './registry.js';
import { decodeText, readSource } from './sources.js';
import type { ImportContext } from './types.js';

/**
 * Importer for the China Standard Classification (中国标准文献分类法, CCS) as transcribed by metanorma/cn-ccs-codes:
 * three CSV files (UTF-8 with BOM), one per level:
 *   cat-level1.csv  代码 / Code, 名称 / Name, Name                                   ('A', 综合, General)
 *   cat-level2.csv  … , 类 / Category, 注释 /Notes, Comment /Notes                    ('A00/09', …, parent 'A')
 *   cat-level3.csv  … , 代码 / Code (the level-2 parent), 备注 / Notes, Notes         ('A00', …, parent 'A00/09')
 * Level-2 codes are ranges ('A00/09' covers A00…A09), so the tree is carried by the parent column, not by prefixes.
 * The transcription has slips (a level-3 code outside its parent's range, 'FF2' for what the range says is K2x):
 * they are imported as written and reported, never silently corrected.
 */

const NAME = 'ccs';
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Longest field accepted by the CSV reader; the longest real CCS note is under 1 kB. */
const MAX_FIELD_CHARS = 100_000;

export interface CsvRow {
  /** Line (1-based) where the record starts; a quoted field may continue over further lines. */
  line: number;
  fields: string[];
  /** Set when a serious problem (an unterminated quote, a truncated field) lies in this record. */
  damaged?: boolean;
}

export interface CsvProblem {
  line: number;
  col: number;
  message: string;
  /** 'serious' for a problem that loses data (an unterminated quote); 'minor' where the reading is still sure. */
  severity: 'serious' | 'minor';
}

/**
 * Reads CSV as RFC 4180 defines it: fields separated by commas, records by CRLF (LF and lone CR are accepted too);
 * a field may be enclosed in double quotes, and then may hold commas, line breaks and doubled quotes ("" = ").
 * Lenient where the intent is clear: a quote inside an unquoted field is kept literally, and text after a
 * closing quote is appended — both reported as minor problems. An unterminated quote is serious: the rest of
 * the file is one field. Blank lines are skipped. A leading BOM must already be stripped (decodeText does).
 */
export function parseCsv(text: string): { rows: CsvRow[]; problems: CsvProblem[] } {
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let col = 0;
  let rowLine = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field started with a quote
  let reported = false; // a minor problem was already reported for the current field
  let quoteLine = 0;
  let quoteCol = 0;
  let damaged = false;

  const endField = () => {
    if (field.length > MAX_FIELD_CHARS) {
      problems.push({ line: rowLine, col: 1, message: `field longer than ${MAX_FIELD_CHARS} characters truncated`, severity: 'serious' });
      field = field.slice(0, MAX_FIELD_CHARS);
      damaged = true;
    }
    fields.push(field);
    field = '';
    wasQuoted = false;
    reported = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push(damaged ? { line: rowLine, fields, damaged } : { line: rowLine, fields });
    fields = [];
    damaged = false;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    col++;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
          col++;
        } else quoted = false;
        continue;
      }
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
        line++;
        col = 0;
      }
      field += ch;
      continue;
    }
    if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      col = 0;
      rowLine = line;
    } else if (ch === '"' && field === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      quoteCol = col;
    } else {
      if (!reported && (wasQuoted || ch === '"')) {
        problems.push({ line, col, message: wasQuoted ? 'text after a closing quote kept in the field' : 'quote inside an unquoted field kept as text', severity: 'minor' });
        reported = true;
      }
      field += ch;
    }
  }
  if (quoted) {
    problems.push({ line: quoteLine, col: quoteCol, message: 'quoted field is never closed; it runs to the end of the file', severity: 'serious' });
    damaged = true;
  }
  if (field !== '' || wasQuoted || fields.length) endRow();
  return { rows, problems };
}

/** Level by the shape of a CCS code: 'A' → 1, 'A00/09' → 2, 'A00' → 3; null for anything else ('FF2'). */
export function ccsLevelOf(code: string): 1 | 2 | 3 | null {
  if (/^[A-Z]$/.test(code)) return 1;
  if (/^[A-Z]\d{2}\/\d{2}$/.test(code)) return 2;
  if (/^[A-Z]\d{2}$/.test(code)) return 3;
  return null;
}

/** True when a level-3 code lies in a level-2 range ('A01' in 'A00/09'). */
export function inCcsRange(code: string, range: string): boolean {
  const m = /^([A-Z])(\d{2})\/(\d{2})$/.exec(range);
  const c = /^([A-Z])(\d{2})$/.exec(code);
  if (!m || !c || m[1] !== c[1]) return false;
  const n = Number(c[2]);
  return n >= Number(m[2]) && n <= Number(m[3]);
}

function isHeader(fields: string[]): boolean {
  return /code|代码/i.test(fields[0] ?? '');
}

async function readCcsFiles(source: string): Promise<{ name: string; text: string }[]> {
  const st = await fs.stat(source);
  const archive = /\.(tar|tgz|tar\.gz|tar\.xz|txz)$/i.test(source);
  if (st.isFile() && !archive) {
    if (st.size > MAX_FILE_BYTES) throw new Error(`${source}: larger than ${MAX_FILE_BYTES} bytes`);
    return [{ name: basename(source), text: decodeText(await fs.readFile(source)).text }];
  }
  const files: { name: string; text: string }[] = [];
  // readSource yields names sorted, so level 1, 2, 3 come in order and parents are known before children.
  for await (const f of readSource(source, (n) => /(^|\/)cat-level\d\.csv$/i.test(n))) files.push({ name: f.name, text: decodeText(f.data).text });
  return files.sort((a, b) => basename(a.name).localeCompare(basename(b.name)));
}

/** Runs the import: every row of every file in its own transaction; bad rows are reported with file:line. */
export async function importCcs(source: string, ctx: ImportContext): Promise<void> {
  const files = await readCcsFiles(source);
  if (!files.length) {
    ctx.log.add({ id: 'ccs.not_found', severity: 'abort', category: 'source', message: 'no cat-level{1,2,3}.csv in the source', location: { file: source } });
    return;
  }
  const parsed = files.map((f) => ({ ...f, ...parseCsv(f.text) }));
  const total = parsed.reduce((n, f) => n + f.rows.filter((r, i) => !(i === 0 && isHeader(r.fields))).length, 0);
  const counts = ctx.log.counts;
  /** Codes of this run with their level, so children find their parents' levels without a query. */
  const levels = new Map<string, number>();
  let done = 0;
  ctx.progress(0, total);
  for (const f of parsed) {
    for (const p of f.problems) ctx.log.add({ id: 'ccs.csv', severity: p.severity, category: 'parse', message: p.message, location: { file: f.name, line: p.line, col: p.col } });
    let sort = 0;
    for (let i = 0; i < f.rows.length; i++) {
      const row = f.rows[i];
      if (i === 0 && isHeader(row.fields)) continue;
      sort++;
      done++;
      if (done % 100 === 0 || done === total) ctx.progress(done, total);
      counts.seen++;
      const loc = { file: f.name, line: row.line };
      const [rawCode = '', zh = '', en = '', rawParent = '', noteZh = '', noteEn = ''] = row.fields.map((x) => x.trim());
      const code = rawCode.toUpperCase();
      if (!code || code.length > 16) {
        ctx.log.error('ccs.bad_code', `row has no usable code ("${rawCode.slice(0, 20)}")`, loc, 'parse');
        counts.failed++;
        continue;
      }
      const where = { ...loc, record: `CCS ${code}` };
      if (row.damaged) {
        ctx.log.error('ccs.damaged_row', `CCS ${code}: the row is damaged (see the CSV problem reported for it); not imported`, where, 'parse');
        counts.failed++;
        continue;
      }
      if (levels.has(code)) {
        ctx.log.error('ccs.duplicate', `CCS ${code} appears again; the first one is kept`, where, 'parse');
        counts.failed++;
        continue;
      }
      if (!zh && !en) {
        ctx.log.error('ccs.no_title', `CCS ${code} has neither a Chinese nor an English name`, where, 'parse');
        counts.failed++;
        continue;
      }
      const shape = ccsLevelOf(code);
      // Parent: the file's column when present, else what the code's shape implies.
      let parent: string | null = rawParent ? rawParent.toUpperCase() : null;
      if (!parent && shape === 2) parent = code[0];
      if (!parent && shape === 3) parent = [...levels.keys()].find((k) => ccsLevelOf(k) === 2 && inCcsRange(code, k)) ?? null;
      if (shape === 1) parent = null;
      let parentLevel = parent ? (levels.get(parent) ?? ccsLevelOf(parent)) : 0;
      if (parent && !levels.has(parent)) {
        const stored = await ctx.classifications.get('ccs', parent);
        if (stored) parentLevel = stored.level;
        else ctx.log.warn('ccs.unknown_parent', `CCS ${code}: parent ${parent} is not in this import nor in the database`, where, 'parse');
      }
      const level = shape ?? (parentLevel ? parentLevel + 1 : null);
      if (level === null) {
        ctx.log.error('ccs.bad_code', `CCS ${code}: neither its form nor a parent gives its level`, where, 'parse');
        counts.failed++;
        continue;
      }
      if (!shape) ctx.log.warn('ccs.odd_code', `CCS ${code} does not have the form A, A00/09 or A00; imported as written at level ${level}`, where, 'parse');
      if (shape === 3 && parent && ccsLevelOf(parent) === 2 && !inCcsRange(code, parent))
        ctx.log.warn('ccs.parent_mismatch', `CCS ${code} lies outside its parent range ${parent}; imported as written`, where, 'parse');
      if (shape === 2 && parent && parent !== code[0])
        ctx.log.warn('ccs.parent_mismatch', `CCS ${code} is listed under ${parent}, not under ${code[0]}; imported as written`, where, 'parse');
      if (!zh) ctx.log.warn('ccs.no_title_zh', `CCS ${code} has no Chinese name`, where, 'parse');
      if (!en) ctx.log.info('ccs.no_title_en', `CCS ${code} has no English name`, where, 'parse');
      levels.set(code, level);
      const entry: ClassificationCode = {
        scheme: 'ccs',
        code,
        parent,
        level,
        titleZh: zh || null,
        titleEn: en || null,
        // Notes are kept as the source gives them: the Chinese note, then its English translation.
        notes: [noteZh, noteEn].filter(Boolean),
        sort,
      };
      try {
        counts[await ctx.classifications.upsert(entry, { actor: ctx.actor })]++;
      } catch (e) {
        counts.failed++;
        ctx.log.error('ccs.write_failed', `CCS ${code}: ${(e as Error).message}`, where, 'storage');
      }
    }
  }
}

registerImporter({
  name: NAME,
  description: 'China Standard Classification (CCS, 中国标准文献分类法) codes, Chinese and English, as a tree',
  accepts: 'a folder or archive holding cat-level1.csv, cat-level2.csv and cat-level3.csv (metanorma/cn-ccs-codes), or one of those CSV files',
  run: importCcs,
});
