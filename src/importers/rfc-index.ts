import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { parseIdentifier } from '../catalogue/identifier.js';
import { isPartialDate, type Contributor, type Link, type Relation, type StandardRecord } from '../catalogue/model.js';
import type { Severity } from '../kernel/diagnostics.js';
import { RecordBatcher } from './batch.js';
import { registerImporter } from './registry.js';
import statusTable from './rfc-status.json' with { type: 'json' };
import { decodeText, readSource } from './sources.js';
import type { ImportContext } from './types.js';

/**
 * Importer for the RFC Editor's plain-text index (rfc-index.txt). The index's own key says:
 *   "####  Title of RFC.  Author 1, Author 2, Author 3.  Issue date.
 *          (Format: ASCII) (Obsoletes xxx) (Obsoleted by xxx) (Updates xxx)
 *          (Updated by xxx) (Also FYI ####) (Status: ssssss) (DOI: ddd)
 *    or
 *    ####  Not Issued."
 * Each entry is a paragraph whose first line starts in column 0 with the RFC number; continuation lines are
 * indented and are joined here. Title and authors are both "terminated by a period", and titles contain periods
 * too, so the split between them is found by checking which tail parses as an author list (see splitTitleAuthors).
 */

const NAME = 'rfc-index';
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** An entry longer than this is not an index entry (the longest real one is about 1.5 kB); bounds parse cost. */
const MAX_ENTRY_CHARS = 8_000;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DATE_RE = new RegExp(`(?:^|\\s)(?:(\\d{1,2}) )?(${MONTHS.join('|')}) (\\d{4})\\.(?=\\s*\\(|\\s*$)`, 'g');
const ONLY_GROUPS_RE = /^(?:\s*\([^()]*\))*\s*$/;
const GROUP_RE = /\(([^()]*)\)/g;
const GROUP_KEY_RE = /^(Format|Status|DOI|Stream|Area|WG|Also|Obsoletes|Obsoleted by|Updates|Updated by|Pages)\b\s*:?\s*([\s\S]*)$/;

/** A problem found while reading one entry; 'serious' ones make the entry fail. */
export interface EntryIssue {
  id: string;
  severity: Severity;
  message: string;
}

export interface RfcAuthor {
  name: string;
  editor: boolean;
}

/** One entry of the index, as printed (before mapping to a StandardRecord). */
export interface RfcIndexEntry {
  number: number;
  /** Line of the entry's first line in the index file (1-based). */
  line: number;
  notIssued: boolean;
  title?: string;
  authors: RfcAuthor[];
  /** "et al." closes the author list of a few entries. */
  authorsEtAl?: boolean;
  /** Partial date: 'YYYY-MM', or 'YYYY-MM-DD' for the entries that print a day ("1 April 1978"). */
  date?: string;
  formats: string[];
  obsoletes: string[];
  obsoletedBy: string[];
  updates: string[];
  updatedBy: string[];
  /** Sub-series memberships: 'BCP 14', 'STD 97', 'FYI 5'. */
  also: string[];
  status?: string;
  doi?: string;
  stream?: string;
  area?: string;
  wg?: string;
  pages?: number;
  /** Parenthesised groups with keys the importer does not know, kept verbatim. */
  other: string[];
}

/** A paragraph of the index that starts like an entry (column 0, a digit), with its joined text. */
export interface RawEntry {
  line: number;
  text: string;
}

/**
 * Splits the index into entry paragraphs. Continuation lines are joined with one space, except after a
 * word-final hyphen: the index wraps "Connectionless-mode" as "Connectionless-" / "mode", so it is rejoined
 * without a space. A line in column 0 starting with a number also starts a new entry even without a blank line
 * before it (robust against a damaged file); continuation lines must be indented, as they are in the real index.
 * Text in column 0 that is not an entry is returned as stray.
 */
export function splitIndex(text: string): { entries: RawEntry[]; stray: RawEntry[] } {
  const lines = text.split(/\r?\n/);
  const entries: RawEntry[] = [];
  const stray: RawEntry[] = [];
  let current: RawEntry | null = null;
  let seenEntry = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!raw.trim()) {
      current = null;
      continue;
    }
    const startsEntry = /^\d/.test(raw);
    if (startsEntry) {
      current = { line: i + 1, text: raw.trim() };
      entries.push(current);
      seenEntry = true;
      continue;
    }
    if (current && /^\s/.test(raw)) {
      if (current.text.length > MAX_ENTRY_CHARS) continue;
      const part = raw.trim();
      current.text = /[\p{L}\p{N}]-$/u.test(current.text) ? current.text + part : `${current.text} ${part}`;
      continue;
    }
    // Text in column 0 that is not an entry ends the current entry. Before the first entry it is the index's
    // header; after it, it is worth a word.
    current = null;
    if (seenEntry && /^\S/.test(raw)) stray.push({ line: i + 1, text: raw.trim().slice(0, 200) });
  }
  return { entries, stray };
}

/** The word just before position `dot` (a '.') looks like an initial or an abbreviation inside a name. */
function endsWithInitial(s: string, dot: number): boolean {
  // Scan back to the previous space rather than matching /\S+$/, which is quadratic on long input.
  const word = s.slice(s.lastIndexOf(' ', dot - 1) + 1, dot);
  if (!word) return false;
  const seg = (word.split('.').pop() ?? '').replace(/^[("'“]+/, '');
  // 'J', 'JP', 'NSS', 'Th', 'J-M', '-P' (of 'J.-P.'), 'Y(J)', and the abbreviations found inside names.
  return /^-?(?:\p{Lu}{1,3}|\p{Lu}\p{Ll}|\p{Lu}-\p{Lu}|\p{Lu}\(\p{Lu}\)|Ed|Jr|Sr|St|al)$/u.test(seg);
}

/** True when `s` ("A. Name, B. Other, Ed.") reads as an author list terminated by a period. */
function isAuthorList(s: string): boolean {
  if (!s.endsWith('.')) return false;
  const tokens = s.slice(0, -1).split(', ');
  for (const t of tokens) {
    if (!t) return false;
    if (t !== 'et al.' && !/^\p{Lu}/u.test(t)) return false;
    // A ". " inside a name only follows an initial ("J. Reschke", "M. St. Johns"); after a word it ends a title.
    for (let i = t.indexOf('. '); i >= 0; i = t.indexOf('. ', i + 1)) if (!endsWithInitial(t, i)) return false;
  }
  return true;
}

/**
 * Splits "Title. Author 1, Author 2." at the first ". " after which the rest is an author list. The first pass
 * skips periods that follow an initial ("with S. Crocker (UCLA). E. Meyer."); the second accepts any period (a
 * title ending in "IP."). Returns null when no split works (an entry without authors).
 */
export function splitTitleAuthors(head: string): { title: string; authors: string } | null {
  const cands: number[] = [];
  for (let i = head.indexOf('. '); i >= 0; i = head.indexOf('. ', i + 1)) cands.push(i);
  for (const strict of [true, false]) {
    for (const i of cands) {
      if (strict && endsWithInitial(head, i)) continue;
      const rest = head.slice(i + 2).trim();
      if (isAuthorList(rest)) return { title: head.slice(0, i).trim(), authors: rest };
    }
  }
  return null;
}

const NAME_SUFFIX = /^(?:Jr\.?|Sr\.?|II|III|IV|\d(?:st|nd|rd|th))$/;

/** Parses an author list: "Ed." marks the previous author as editor; "II"/"Jr." join the previous name. */
export function parseAuthors(list: string): { authors: RfcAuthor[]; etAl: boolean } {
  const authors: RfcAuthor[] = [];
  let etAl = false;
  for (const t of list.replace(/\.$/, '').split(', ')) {
    const tok = t.trim();
    if (!tok) continue;
    const prev = authors[authors.length - 1];
    if (tok === 'Ed.' || tok === 'Ed') {
      if (prev) prev.editor = true;
    } else if (tok === 'et al.' || tok === 'et al') etAl = true;
    else if (NAME_SUFFIX.test(tok) && prev) prev.name = `${prev.name} ${tok}`;
    else authors.push({ name: tok, editor: false });
  }
  return { authors, etAl };
}

function listItems(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** 'RFC2818' / 'RFC 2818' / 'RFC02818' → 'RFC 2818'; anything else is returned trimmed (null if empty). */
function rfcTarget(item: string): string | null {
  const m = /^RFC\s*0*(\d{1,5})$/i.exec(item);
  if (m) return `RFC ${m[1]}`;
  return item.trim() || null;
}

/** Parses one joined entry ("9110 HTTP Semantics. R. Fielding, Ed., … June 2022. (Format: …) …"). */
export function parseEntry(raw: RawEntry): { entry: RfcIndexEntry | null; issues: EntryIssue[] } {
  const issues: EntryIssue[] = [];
  const m = /^(\d{1,5})\s+(\S[\s\S]*)$/.exec(raw.text);
  if (!m) {
    const head = raw.text.slice(0, 60);
    return { entry: null, issues: [{ id: 'rfc_index.bad_number', severity: 'serious', message: `entry does not start with an RFC number and a title: "${head}"` }] };
  }
  const entry: RfcIndexEntry = {
    number: Number(m[1]),
    line: raw.line,
    notIssued: false,
    authors: [],
    formats: [],
    obsoletes: [],
    obsoletedBy: [],
    updates: [],
    updatedBy: [],
    also: [],
    other: [],
  };
  if (entry.number < 1) return { entry: null, issues: [{ id: 'rfc_index.bad_number', severity: 'serious', message: `RFC number ${m[1]} is not a positive number` }] };
  let rest = m[2].trim();
  if (/^Not Issued\.?$/i.test(rest)) {
    entry.notIssued = true;
    return { entry, issues };
  }
  if (raw.text.length > MAX_ENTRY_CHARS)
    return { entry: null, issues: [{ id: 'rfc_index.too_long', severity: 'serious', message: `entry longer than ${MAX_ENTRY_CHARS} characters` }] };

  // The date is the "[D ]Month YYYY." followed only by parenthesised groups (titles may contain dates too).
  let date: RegExpExecArray | null = null;
  for (const d of rest.matchAll(DATE_RE)) {
    const after = rest.slice((d.index ?? 0) + d[0].length);
    if (ONLY_GROUPS_RE.test(after)) {
      date = d as RegExpExecArray;
      break;
    }
  }
  if (!date) {
    return { entry: null, issues: [{ id: 'rfc_index.no_date', severity: 'serious', message: `RFC ${entry.number}: no issue date ("Month YYYY.") followed by the (…) groups` }] };
  }
  const [, day, month, year] = date;
  const mm = String(MONTHS.indexOf(month) + 1).padStart(2, '0');
  const value = day ? `${year}-${mm}-${day.padStart(2, '0')}` : `${year}-${mm}`;
  if (isPartialDate(value)) entry.date = value;
  else issues.push({ id: 'rfc_index.bad_date', severity: 'minor', message: `RFC ${entry.number}: "${date[0].trim()}" is not a calendar date; using ${year}-${mm}` });
  if (!entry.date) entry.date = `${year}-${mm}`;

  const groups = rest.slice((date.index ?? 0) + date[0].length);
  rest = rest.slice(0, date.index ?? 0).trim();

  for (const g of groups.matchAll(GROUP_RE)) {
    const content = g[1].replace(/\s+/g, ' ').trim();
    const km = GROUP_KEY_RE.exec(content);
    if (!km) {
      entry.other.push(content);
      issues.push({ id: 'rfc_index.unknown_group', severity: 'info', message: `RFC ${entry.number}: kept unknown group "(${content.slice(0, 80)})"` });
      continue;
    }
    const [, key, v] = km;
    switch (key) {
      case 'Format':
        entry.formats = listItems(v).map((f) => f.replace(/=.*$/, '').trim().toUpperCase());
        break;
      case 'Status':
        entry.status = v.trim().toUpperCase();
        break;
      case 'DOI':
        entry.doi = v.trim();
        break;
      case 'Stream':
        entry.stream = v.trim();
        break;
      case 'Area':
        entry.area = v.trim();
        break;
      case 'WG':
        entry.wg = v.trim();
        break;
      case 'Pages': {
        const n = Number.parseInt(v, 10);
        if (Number.isFinite(n)) entry.pages = n;
        break;
      }
      case 'Also':
        for (const item of listItems(v)) {
          const s = /^(BCP|STD|FYI)\s*0*(\d{1,5})$/i.exec(item);
          if (s) entry.also.push(`${s[1].toUpperCase()} ${s[2]}`);
          else issues.push({ id: 'rfc_index.bad_series', severity: 'minor', message: `RFC ${entry.number}: "Also ${item}" is not a BCP/STD/FYI number; ignored` });
        }
        break;
      default: {
        const field = key === 'Obsoletes' ? 'obsoletes' : key === 'Obsoleted by' ? 'obsoletedBy' : key === 'Updates' ? 'updates' : 'updatedBy';
        for (const item of listItems(v)) {
          const t = rfcTarget(item);
          if (!t) continue;
          if (!t.startsWith('RFC '))
            issues.push({ id: 'rfc_index.odd_target', severity: 'info', message: `RFC ${entry.number}: "${key} ${item}" is not an RFC number; kept as written` });
          entry[field].push(t);
        }
      }
    }
  }
  if (!entry.status) issues.push({ id: 'rfc_index.no_status', severity: 'minor', message: `RFC ${entry.number}: no (Status: …) group` });

  const split = splitTitleAuthors(rest);
  if (split) {
    entry.title = split.title;
    const { authors, etAl } = parseAuthors(split.authors);
    entry.authors = authors;
    if (etAl) entry.authorsEtAl = true;
  } else {
    entry.title = rest.replace(/\.$/, '').trim();
    issues.push({ id: 'rfc_index.no_authors', severity: 'minor', message: `RFC ${entry.number}: no author list found after the title; kept the text as the title` });
  }
  if (!entry.title) return { entry: null, issues: [...issues, { id: 'rfc_index.no_title', severity: 'serious', message: `RFC ${entry.number}: empty title` }] };
  return { entry, issues };
}

interface StatusTable {
  notIssued: string;
  obsoletedBy: string;
  byStatus: Record<string, string>;
  unrecognised: string;
}
const STATUS = statusTable as StatusTable;

/** The catalogue status of an entry, by the rules in rfc-status.json; `known` is false for an unlisted Status. */
export function rfcStatus(e: Pick<RfcIndexEntry, 'notIssued' | 'obsoletedBy' | 'status'>): { status: string; known: boolean } {
  if (e.notIssued) return { status: STATUS.notIssued, known: true };
  if (e.obsoletedBy.length) return { status: STATUS.obsoletedBy, known: true };
  const mapped = e.status ? STATUS.byStatus[e.status] : undefined;
  return mapped ? { status: mapped, known: true } : { status: STATUS.unrecognised, known: false };
}

/** Maps an entry to a catalogue record. `ref` names the source (file#RFCn) for the record's provenance. */
export function entryToRecord(e: RfcIndexEntry, file: string): StandardRecord {
  const parsed = parseIdentifier(`RFC ${e.number}`);
  const number = parsed?.canonical ?? `RFC ${e.number}`;
  const id = parsed?.slug ?? `RFC-${e.number}`;
  const relations: Relation[] = [
    ...e.obsoletes.map((target) => ({ type: 'replaces', target })),
    ...e.obsoletedBy.map((target) => ({ type: 'replacedBy', target })),
    ...e.updates.map((target) => ({ type: 'updates', target })),
    ...e.updatedBy.map((target) => ({ type: 'updatedBy', target })),
    ...e.also.map((target) => ({ type: 'partOf', target })),
  ];
  const contributors: Contributor[] = e.authors.map((a) => ({ role: a.editor ? 'editor' : 'author', name: a.name }));
  const links: Link[] = [];
  if (!e.notIssued) {
    const base = `https://www.rfc-editor.org`;
    links.push({ type: 'src', url: `${base}/info/rfc${e.number}` });
    if (e.formats.includes('TXT')) links.push({ type: 'txt', url: `${base}/rfc/rfc${e.number}.txt` });
    if (e.formats.includes('HTML')) links.push({ type: 'html', url: `${base}/rfc/rfc${e.number}.html` });
    if (e.formats.includes('PDF')) links.push({ type: 'pdf', url: `${base}/rfc/rfc${e.number}.pdf` });
    if (e.doi) links.push({ type: 'doi', url: `https://doi.org/${e.doi}` });
  }
  const extra: Record<string, unknown> = {};
  if (e.stream) extra.stream = e.stream;
  if (e.formats.length) extra.formats = e.formats;
  if (e.pages !== undefined) extra.pages = e.pages;
  if (e.area) extra.area = e.area;
  if (e.wg) extra.wg = e.wg;
  if (e.authorsEtAl) extra.authorsEtAl = true;
  if (e.other.length) extra.other = e.other;
  const year = e.date ? Number(e.date.slice(0, 4)) : undefined;
  return {
    id,
    identifiers: [{ type: 'IETF', value: number, primary: true }, ...(e.doi ? [{ type: 'DOI', value: e.doi }] : [])],
    body: 'IETF',
    docType: 'rfc',
    titles: e.title ? [{ lang: 'en', type: 'main', text: e.title }] : [],
    dates: e.date ? [{ type: 'published', value: e.date }] : [],
    status: rfcStatus(e).status,
    statusSource: e.notIssued ? 'Not Issued' : e.status,
    year,
    classifications: [],
    contributors,
    abstracts: [],
    relations,
    links,
    keywords: [],
    source: { importer: NAME, ref: `${file}#RFC${e.number}` },
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** Finds the index text in a source: the file itself, or rfc-index.txt inside a folder or an archive. */
async function readIndex(source: string): Promise<{ name: string; text: string; encoding: string } | null> {
  const st = await fs.stat(source);
  const archive = /\.(tar|tgz|tar\.gz|tar\.xz|txz)$/i.test(source);
  if (st.isFile() && !archive) {
    if (st.size > MAX_INDEX_BYTES) throw new Error(`${source}: larger than ${MAX_INDEX_BYTES} bytes`);
    const { text, encoding } = decodeText(await fs.readFile(source));
    return { name: basename(source), text, encoding };
  }
  for await (const f of readSource(source, (n) => /(^|\/)rfc-index\.txt$/i.test(n))) {
    const { text, encoding } = decodeText(f.data);
    return { name: f.name, text, encoding };
  }
  return null;
}

/** Runs the import: one catalogue transaction per entry; every problem becomes a diagnostic with file:line. */
export async function importRfcIndex(source: string, ctx: ImportContext): Promise<void> {
  const found = await readIndex(source);
  if (!found) {
    ctx.log.add({ id: 'rfc_index.not_found', severity: 'abort', category: 'source', message: 'no rfc-index.txt in the source', location: { file: source } });
    return;
  }
  const file = found.name;
  if (found.encoding !== 'utf-8')
    ctx.log.warn('rfc_index.encoding', `${file} is not valid UTF-8; read as ${found.encoding}`, { file }, 'source');
  const { entries, stray } = splitIndex(found.text);
  for (const s of stray) ctx.log.info('rfc_index.stray_text', `text outside any entry ignored: "${s.text.slice(0, 80)}"`, { file, line: s.line }, 'parse');
  if (!entries.length) {
    ctx.log.add({ id: 'rfc_index.empty', severity: 'abort', category: 'source', message: 'no index entries found', location: { file } });
    return;
  }
  const counts = ctx.log.counts;
  const seen = new Set<number>();
  const total = entries.length;
  const batch = new RecordBatcher(ctx, 'rfc_index');
  ctx.progress(0, total);
  for (let i = 0; i < total; i++) {
    const raw = entries[i];
    counts.seen++;
    const { entry, issues } = parseEntry(raw);
    const record = entry ? `RFC ${entry.number}` : undefined;
    for (const iss of issues) ctx.log.add({ id: iss.id, severity: iss.severity, category: 'parse', message: iss.message, location: { file, line: raw.line, record } });
    if (!entry || issues.some((x) => x.severity === 'serious' || x.severity === 'abort')) {
      counts.failed++;
    } else if (seen.has(entry.number)) {
      ctx.log.error('rfc_index.duplicate', `RFC ${entry.number} appears again; the first entry is kept`, { file, line: raw.line, record }, 'parse');
      counts.failed++;
    } else {
      seen.add(entry.number);
      if (!entry.notIssued && entry.status && !rfcStatus(entry).known)
        ctx.log.warn('rfc_index.unknown_status', `RFC ${entry.number}: status "${entry.status}" is not in rfc-status.json; stored as "${STATUS.unrecognised}"`, { file, line: raw.line, record }, 'vocabulary');
      await batch.add(entryToRecord(entry, file), { file, line: raw.line, record });
    }
    if ((i + 1) % 100 === 0 || i + 1 === total) ctx.progress(i + 1, total);
  }
  await batch.flush();
}

registerImporter({
  name: NAME,
  description: "RFC Editor index (rfc-index.txt): every RFC's number, title, authors, date, status, DOI and its obsoletes/updates/sub-series relations",
  accepts: 'rfc-index.txt, or a folder or .tar/.tar.gz/.tar.xz archive containing it',
  run: importRfcIndex,
});
