import type { Block, Inline, Section, SectionKind } from '../content/model.js';

/**
 * Pure parsing of an RFC plain-text file into the content model (no I/O). RFC text is laid out for a line printer:
 * page headers and footers around form feeds, a two-column document header, headings recognised only by their
 * numbering and their column, figures as indented ASCII art. Everything here is heuristics tuned on all 9,823 RFCs;
 * each one is commented with the layout it handles.
 *
 * Bump RFC_TEXT_PARSER whenever the output for the same input changes: the content store treats a re-import of the
 * same bytes with the same parser version as unchanged.
 */
export const RFC_TEXT_PARSER = 'rfc-text@1';

/** What the document header says (left column of the first lines), used to cross-check the catalogue. */
export interface RfcHeader {
  number: number | null;
  /** RFC numbers listed under Obsoletes: / Replaces:. */
  obsoletes: number[];
  /** RFC numbers listed under Updates:. */
  updates: number[];
  /** 'Standards Track', 'Informational', 'Best Current Practice', … as printed; null for old RFCs without it. */
  category: string | null;
  /** Sub-series memberships printed in the header: 'STD 97', 'BCP 14', 'FYI 1'. */
  series: string[];
  /** Publication date as printed ('June 2022', '7 April 1969'). */
  date: string | null;
  /** The centred title under the header, lines joined. */
  title: string | null;
  /** Which fields the header printed ('number', 'obsoletes', 'updates', 'category'): absent is not empty. */
  fields: string[];
}

/** A parser remark; the importer turns it into a diagnostic with the file as location. */
export interface ParseNote {
  id: string;
  severity: 'serious' | 'minor' | 'info';
  message: string;
  line?: number;
}

export interface ParsedRfc {
  header: RfcHeader;
  front: Section[];
  body: Section[];
  back: Section[];
  notes: ParseNote[];
  stats: { lines: number; pages: number; furnitureLines: number; sections: number; tocSkipped: boolean };
}

/** One line of the cleaned text with its 1-based line number in the original file (for diagnostics). */
interface Ln {
  t: string;
  no: number;
  /** isProseLine(t), computed once by bodyIndent. */
  prose?: boolean;
}

const MAX_INPUT_CHARS = 16 * 1024 * 1024;

/**
 * Parses an RFC text (already decoded; a BOM is tolerated) into header, front/body/back sections and notes.
 * Never throws for odd layout: a document whose headings cannot be found becomes one section and a note says so.
 */
export function parseRfcText(input: string): ParsedRfc {
  const notes: ParseNote[] = [];
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.length > MAX_INPUT_CHARS) {
    notes.push({ id: 'rfc_text.truncated', severity: 'serious', message: `text longer than ${MAX_INPUT_CHARS} characters; the rest is ignored` });
    text = text.slice(0, MAX_INPUT_CHARS);
  }
  const raw = normaliseLines(text);
  const { lines, pages, removed } = removePageFurniture(raw);
  dedentAll(lines);
  const bi = bodyIndent(lines);
  const { header, start } = parseHeader(lines, bi);
  const heads = detectHeadings(lines, start, bi);
  const built = buildSections(lines, start, heads.headings, bi, heads.toc);
  enrichInlines(built);
  const sections = countSections(built);
  // Short early memos often have no headings at all; in a long text it more likely means they were missed.
  if (!heads.headings.length)
    notes.push({
      id: 'rfc_text.no_headings',
      severity: text.length > 30_000 ? 'minor' : 'info',
      message: 'no section headings recognised; the text is kept as one section',
    });
  if (heads.skippedNumbers.length)
    notes.push({
      id: 'rfc_text.numbering_irregular',
      severity: 'info',
      message: `numbered lines not taken as headings (out of sequence): ${heads.skippedNumbers.slice(0, 5).map((s) => `line ${s.line} "${s.num}"`).join(', ')}${heads.skippedNumbers.length > 5 ? ` and ${heads.skippedNumbers.length - 5} more` : ''}`,
      line: heads.skippedNumbers[0].line,
    });
  return {
    header,
    front: built.front,
    body: built.body,
    back: built.back,
    notes,
    stats: { lines: raw.length, pages, furnitureLines: removed, sections, tocSkipped: heads.tocSkipped },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Lines: CR/LF, tabs, control characters, trailing blanks.

function normaliseLines(text: string): Ln[] {
  const out: Ln[] = [];
  const rows = text.split(/\r\n|\r|\n/);
  // NUL padding and other C0 controls appear in a few scanned-era files; the form feed is kept (page breaks).
  const controls = /[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text);
  const tabs = text.includes('\t');
  for (let i = 0; i < rows.length; i++) {
    let s = rows[i];
    if (tabs && s.includes('\t')) s = expandTabs(s);
    if (controls) s = s.replace(/[\x00-\x08\x0b\x0e-\x1f\x7f]/g, '');
    // Only spaces are trimmed: String#trimEnd would also eat the form feed that marks a page break.
    let e = s.length;
    while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
    out.push({ t: e === s.length ? s : s.slice(0, e), no: i + 1 });
  }
  while (out.length && !out[out.length - 1].t.replace(/\f/g, '').trim()) out.pop();
  return out;
}

function expandTabs(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

/** Some RFCs (1441–1452) are shifted right as a whole; the layout rules below expect the left margin at 0. */
function dedentAll(lines: Ln[]): void {
  let min = Infinity;
  for (const l of lines) if (l.t.trim()) min = Math.min(min, indentOf(l.t));
  if (min > 0 && min !== Infinity) for (const l of lines) l.t = l.t.slice(min);
}

function indentOf(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i === s.length ? s.length - s.trimStart().length : i;
}
const isBlank = (l: Ln | undefined): boolean => !l || l.t.length === 0 || l.t.trim() === '';

// ---------------------------------------------------------------------------------------------------------------
// 2. Page furniture: running headers after each form feed, footers before it ("Fielding, et al.  Standards Track
//    [Page 12]" / "RFC 9110   HTTP Semantics   June 2022"). A paragraph cut by a page break is joined again.

const FOOTER_STRONG = [/\[\s*Page\s+[\divxlc]+\s*\]\s*$/i, /^\s*-\s*\d+\s*-\s*$/, /^\s*Page\s+\d+\s*$/i, /^\s*\d{1,3}\s*$/, /^\s*[ivxl]{1,5}\s*$/];
const HEADER_STRONG = [/^RFC[- ]?\d+\b.*\b(1[89]\d\d|20\d\d)\s*$/i, /^\s*RFC[- ]?\d+\s*$/i, /^\s*\[\s*Page\s+[\divxlc]+\s*\]\s*$/i];

function furnitureKey(s: string): string {
  return s.trim().replace(/\s+/g, ' ').replace(/\d+/g, '#').replace(/\[Page [ivxlc]+\]/i, '[Page #]');
}

function removePageFurniture(lines: Ln[]): { lines: Ln[]; pages: number; removed: number } {
  // Split into pages at form feeds (a form feed may sit inside a line; both halves are kept). A few RFCs lost their
  // form feeds but kept the layout: a "[Page n]" footer followed by an "RFC nnnn" header is a page break too.
  const pages: Ln[][] = [[]];
  let sawFf = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/\[\s*Page\s+[\divxlc]+\s*\]\s*$/i.test(l.t) && !l.t.includes('\f')) {
      let j = i + 1;
      while (j < lines.length && j < i + 14 && !lines[j].t.trim()) j++;
      if (j < lines.length && !lines[j].t.includes('\f') && /^\s*RFC[- ]?\d+/i.test(lines[j].t)) {
        sawFf = true;
        pages[pages.length - 1].push(l);
        pages.push([]);
        continue;
      }
    }
    if (!l.t.includes('\f')) {
      pages[pages.length - 1].push(l);
      continue;
    }
    sawFf = true;
    const parts = l.t.split('\f');
    parts.forEach((p, k) => {
      if (k > 0) pages.push([]);
      if (p.trim()) pages[pages.length - 1].push({ t: p.trimEnd(), no: l.no });
    });
  }
  if (!sawFf) return { lines, pages: 1, removed: 0 };

  // Learn the running lines of this document: text repeated at the top or bottom of many pages.
  const topCount = new Map<string, number>();
  const botCount = new Map<string, number>();
  const bump = (m: Map<string, number>, ks: Set<string>) => ks.forEach((k) => m.set(k, (m.get(k) ?? 0) + 1));
  for (const p of pages) {
    bump(topCount, new Set(topBlock(p).slice(0, 3).map((l) => furnitureKey(l.t))));
    bump(botCount, new Set(bottomBlock(p).slice(-2).map((l) => furnitureKey(l.t))));
  }
  const threshold = Math.max(3, Math.ceil(pages.length * 0.2));
  const frequent = (m: Map<string, number>, s: string) => {
    const k = furnitureKey(s);
    return /[A-Za-z#]/.test(k) && (m.get(k) ?? 0) >= threshold;
  };
  const isHeader = (s: string) => HEADER_STRONG.some((r) => r.test(s)) || frequent(topCount, s);
  const isFooter = (s: string) => FOOTER_STRONG.some((r) => r.test(s)) || frequent(botCount, s);

  let removed = 0;
  const cleaned: Ln[][] = pages.map((p, i) => {
    let a = 0;
    let b = p.length;
    while (a < b && isBlank(p[a])) a++;
    while (b > a && isBlank(p[b - 1])) b--;
    // Footer: the last lines before the form feed (the last page may end with one too).
    let cut = 0;
    while (b > a && cut < 2 && isFooter(p[b - 1].t)) {
      b--;
      cut++;
      while (b > a && isBlank(p[b - 1])) b--;
    }
    removed += cut;
    if (i > 0) {
      // Header: the first block after the form feed. When its first line is running text, the rest of that short
      // block is too (RFC 793 prints date / title / chapter / event name on up to four lines).
      let end = a;
      while (end < b && !isBlank(p[end])) end++;
      if (a < b && isHeader(p[a].t)) {
        const size = end - a;
        const rest = p.slice(a + 1, end);
        if (size <= 4 && rest.every((l) => l.t.trim().length <= 48)) {
          removed += size;
          a = end;
        } else {
          while (a < end && isHeader(p[a].t)) {
            a++;
            removed++;
          }
        }
      }
    }
    while (a < b && isBlank(p[a])) a++;
    return p.slice(a, b);
  });

  const out: Ln[] = [];
  for (const page of cleaned) {
    if (!page.length) continue;
    if (out.length) {
      const prev = out[out.length - 1];
      if (!continuesAcrossPage(prev.t, page[0].t)) out.push({ t: '', no: page[0].no });
    }
    out.push(...page);
  }
  return { lines: out, pages: pages.length, removed };
}

function topBlock(p: Ln[]): Ln[] {
  let a = 0;
  while (a < p.length && isBlank(p[a])) a++;
  let e = a;
  while (e < p.length && !isBlank(p[e])) e++;
  return p.slice(a, e);
}

function bottomBlock(p: Ln[]): Ln[] {
  let b = p.length;
  while (b > 0 && isBlank(p[b - 1])) b--;
  let s = b;
  while (s > 0 && !isBlank(p[s - 1])) s--;
  return p.slice(s, b);
}

/**
 * Whether the first line of a page continues the last line of the previous one (same paragraph or figure).
 * Page bottoms are padded with blank lines, so the blank count says nothing; the text does.
 */
function continuesAcrossPage(prev: string, next: string): boolean {
  const pi = indentOf(prev);
  const ni = indentOf(next);
  if (ni === 0 && pi > 0) return false; // a heading or a new block starting in column 0
  if (ni < pi) return false;
  if (ni > pi + 8) return false;
  const n = next.trim();
  if (ni <= 1 && /^(?:\d{1,2}(?:\.\d{1,3})*\.?|Appendix [A-Z]\.?|[A-Z]\.\d{1,2}(?:\.\d{1,3})*\.?)\s+[A-Z]/.test(n)) return false; // a heading
  if (/\.{3,}\s*\d+$|\S {3,}\d{1,3}$/.test(prev)) return false; // a table-of-contents line
  if (TOC_NAMES.test(n)) return false;
  if (/[.!?:]["')\]]?$/.test(prev) && /^[A-Z0-9"'(\[<]/.test(n)) return false; // sentence ended, new one starts
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Body indentation: the column of ordinary paragraphs (3 in modern RFCs, 2 in RFC 793, 0 in some old ones).

function isProseLine(s: string): boolean {
  const t = s.trim();
  if (t.length < 45) return false;
  let letters = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32) letters++;
  }
  return letters / t.length > 0.85 && !/\S {3,}\S/.test(t);
}

function bodyIndent(lines: Ln[]): number {
  const hist = new Map<number, number>();
  for (const l of lines) {
    l.prose = isProseLine(l.t);
    if (l.prose) hist.set(indentOf(l.t), (hist.get(indentOf(l.t)) ?? 0) + 1);
  }
  let best = 3;
  let n = -1;
  for (const [k, v] of hist) if (v > n || (v === n && k < best)) [best, n] = [k, v];
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. The document header (two columns: key fields left, authors and date right) and the centred title.

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const DATE_RE = new RegExp(`\\b(?:\\d{1,2}\\s+)?(?:${MONTHS})\\.?\\s+(?:\\d{1,2},?\\s+)?(?:1[89]\\d\\d|20\\d\\d)\\b`, 'i');

function leftColumn(s: string): string {
  const m = /^(\s*\S(?:.*?\S)?)(?: {2,}|$)/.exec(s);
  return m ? m[1].trim() : '';
}

function rfcNumbers(s: string): number[] {
  const out: number[] = [];
  for (const m of s.matchAll(/\b(?:RFCs?[- ]?)?0*(\d{1,5})\b/gi)) out.push(Number(m[1]));
  return out;
}

function parseHeader(lines: Ln[], bi: number): { header: RfcHeader; start: number } {
  const header: RfcHeader = { number: null, obsoletes: [], updates: [], category: null, series: [], date: null, title: null, fields: [] };
  let i = 0;
  while (i < lines.length && isBlank(lines[i])) i++;
  const first = i;
  // The header block: the first run of non-blank lines (RFC 793 has a cover page first; its fields come later, so
  // the key fields are looked for in the first 120 lines, left column only).
  let end = i;
  while (end < lines.length && !isBlank(lines[end])) end++;
  let key: 'obsoletes' | 'updates' | null = null;
  const scanTo = Math.min(lines.length, first + 120);
  for (let j = first; j < scanTo; j++) {
    const t = lines[j].t;
    if (!t.trim()) {
      key = null;
      continue;
    }
    // Header fields sit in column 0; indented text further down (an abstract saying "Updates to RFC 2616 …") is not one.
    const leftAny = leftColumn(t);
    const left = indentOf(t) <= 1 ? leftAny : '';
    let m: RegExpExecArray | null;
    // "Request for Comments: 876" (two spaces before the number: not the left column) or "RFC:  793"; a bare
    // "RFC 822 mailbox names …" in column 0 is running text.
    if (
      header.number === null &&
      indentOf(t) <= 1 &&
      (m = /^(?:Requests? for Comments?\s*(?:#|No\.?|Number)?\s*:?|RFC\s*#?\s*:|NWG\/RFC\s*#?\s*:?)\s*0*(\d{1,5})\b/i.exec(t.trimStart()))
    ) {
      header.number = Number(m[1]);
      header.fields.push('number');
      key = null;
    } else if ((m = /^(Obsoletes|Replaces|Updates)(?:\s*:\s*|\s+(?=RFC))(.*)$/i.exec(left)) && /\d/.test(m[2])) {
      key = /^updates/i.test(m[1]) ? 'updates' : 'obsoletes';
      if (!header.fields.includes(key)) header.fields.push(key);
      header[key].push(...rfcNumbers(m[2].replace(/\(.*?\)/g, '')));
    } else if ((m = /^Category\s*:\s*(.+)$/i.exec(left)) && !header.category) {
      header.category = m[1].trim();
      header.fields.push('category');
      key = null;
    } else if ((m = /^(STD|BCP|FYI)\s*:?\s*0*(\d{1,5})$/i.exec(left))) {
      header.series.push(`${m[1].toUpperCase()} ${Number(m[2])}`);
      key = null;
    } else if (key && /^[\d,\s]+(?:and\s+\d+)?$|^(?:RFCs?\s*)?\d[\d,\s]*$/i.test(leftAny)) {
      header[key].push(...rfcNumbers(leftAny));
    } else key = null;
    if (j < end && !header.date) {
      const d = DATE_RE.exec(t);
      if (d) header.date = d[0].replace(/\s+/g, ' ');
    }
  }
  header.obsoletes = [...new Set(header.obsoletes)];
  header.updates = [...new Set(header.updates)];

  // The title: the next block if it is centred (indented past the body column), as in every RFC since the 1980s.
  let j = end;
  while (j < lines.length && isBlank(lines[j])) j++;
  const titleLines: string[] = [];
  let k = j;
  const centredLine = (t: string) => indentOf(t) > Math.max(bi, 4) || (indentOf(t) >= 1 && Math.abs(indentOf(t) + t.trim().length / 2 - 36) <= 10);
  while (k < lines.length && !isBlank(lines[k]) && centredLine(lines[k].t) && titleLines.length < 5) {
    titleLines.push(lines[k].t.trim());
    k++;
  }
  let start = end;
  if (titleLines.length && (k >= lines.length || isBlank(lines[k]))) {
    header.title = titleLines.join(' ').replace(/\s+/g, ' ');
    start = k;
  }
  return { header, start };
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Headings: numbered ('1.', '9.3.1.', 'Appendix A.', 'A.1.', old 'I.'/'II.') recognised by column and sequence;
//    unnumbered ones ('Abstract', 'Authors' Addresses', …) by column and shape. The table of contents is skipped.

type Path = (number | string)[];

interface Heading {
  line: number; // index into lines
  end: number; // index after the heading (multi-line titles)
  title: string;
  /** Numbered: path; appendix paths start with a letter; roman numerals are kept as strings. */
  path: Path | null;
  style: 'num' | 'appendix' | 'letter' | 'roman' | 'named';
  printed: string | null;
}

const FRONT_NAMES = new Set([
  'abstract',
  'status of this memo',
  'status of the memo',
  'status of this document',
  'copyright notice',
  'copyright statement',
  'iesg note',
  'ietf note',
  'note',
  'notice',
  'summary',
  'preface',
  'foreword',
  'distribution of this memo',
]);
const TOC_NAMES = /^(table of contents|contents|table of content)\s*:?$/i;
const BACK_NAMES =
  /^(references|normative references|informative references|bibliography|acknowledge?ments?|(author|editor)(['’]s|s['’]|s)? (contact )?(address(es)?|information)|contributors|contributing authors|index|full copyright statement|intellectual property( rights| statement)?|security considerations|iana considerations|appendix|appendices|glossary|notes|footnotes)$/i;

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX'];

// '1.', '9.3.1.', '1 Title', and the '1)' of some 1980s RFCs.
const NUM_HEAD = /^(\d{1,3}(?:\.\d{1,3}){0,6})(\.?|\))(?:\s*(?:[-:–—]+\s*)?)\s(\S.*)?$/;
const APPX_HEAD = /^(?:Appendix|APPENDIX|Annex|ANNEX)\s+([A-Z])((?:\.\d{1,3}){0,5})\.?(?:\s*[-:–—.]+)?(?:\s+(\S.*))?$/;
// 'A. Title' or 'A.1 Title' (never 'A Title': that is a sentence).
const LETTER_HEAD = /^([A-Z])(?:((?:\.\d{1,3}){1,5})\.?|\.)(?:\s*[-:–—]+)?\s+(\S.*)$/;
const ROMAN_HEAD = /^([IVX]{1,5})\.(?:\s*[-:–—]+)?\s+(\S.*)$/;
const UNDERLINE = /^\s*(?:={3,}|-{3,}|~{3,}|\*{3,})\s*$/;
const TOC_LINE = /\.{3,}|(?:\. ){3,}|\S {3,}\d{1,3}$|\s\d{1,3}$/;

function titleLooksLikeTitle(title: string, strict: boolean): boolean {
  const t = title.trim();
  if (!t || t.length > 100) return false;
  if (!/[A-Za-z]/.test(t)) return false;
  if (/\.{3,}|(?:\. ){3,}/.test(t)) return false; // TOC dot leaders
  if (/\S {3,}\d{1,3}$/.test(t)) return false; // TOC page number
  if (/\S {4,}\S/.test(t)) return false; // a table row
  if (/[,;]$/.test(t)) return false;
  if (strict) {
    if (t.length > 72) return false;
    if (/[.]$/.test(t) && t.split(/\s+/).length > 6) return false; // a sentence, not a title
  }
  return true;
}

function slug(s: string): string {
  const x = s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return x.slice(0, 60).replace(/-+$/, '') || 'section';
}

/**
 * Cost of numbering step p → c (next sibling at some level, or a first child), or null when c cannot follow p.
 * Gaps are allowed but cost more: authors skip numbers (RFC 6484 keeps RFC 3647's numbering, 9 → 9.12) and slip
 * (8.1 → 9.2), while a numbered list mistaken for headings rarely fits the sequence at all.
 */
function stepCost(p: number[], c: number[]): number | null {
  const gap = (n: number) => Math.min(0.9, 0.08 * n);
  if (c.length > p.length) {
    // A child (9.3 → 9.3.1), or a grandchild when a level has no heading of its own (RFC 2616: 13 → 13.1.1).
    let same = true;
    for (let k = 0; k < p.length; k++) if (p[k] !== c[k]) same = false;
    if (same) {
      let extra = 0;
      for (let q = p.length; q < c.length; q++) extra += Math.max(0, c[q] - 1);
      return Math.min(0.9, gap(extra) + 0.2 * (c.length - p.length - 1));
    }
  }
  for (let k = 0; k < Math.min(p.length, c.length); k++) {
    if (c[k] !== p[k]) {
      if (c[k] < p[k]) return null;
      let extra = c[k] - p[k] - 1;
      for (let q = k + 1; q < c.length; q++) extra += Math.max(0, c[q] - 1);
      return gap(extra);
    }
  }
  return null;
}

/**
 * The best chain of candidates in document order where each may follow the previous one (score: one per heading,
 * less the cost of numbering gaps). Greedy acceptance locks onto the first false positive (a numbered list item
 * that looks like a heading) and then rejects every real heading after it; the best consistent chain does not.
 */
function bestChain<T>(cands: T[], startCost: (c: T) => number | null, cost: (p: T, c: T) => number | null): T[] {
  const n = cands.length;
  const score = new Array<number>(n).fill(-1);
  const prev = new Array<number>(n).fill(-1);
  let best = -1;
  for (let i = 0; i < n; i++) {
    const sc = startCost(cands[i]);
    if (sc !== null) score[i] = 1 - sc;
    for (let j = Math.max(0, i - 400); j < i; j++) {
      if (score[j] < 0) continue;
      const c = cost(cands[j], cands[i]);
      if (c === null) continue;
      const v = score[j] + 1 - c;
      if (v > score[i]) {
        score[i] = v;
        prev[i] = j;
      }
    }
    if (score[i] >= 0 && (best < 0 || score[i] > score[best])) best = i;
  }
  const out: T[] = [];
  for (let i = best; i >= 0; i = prev[i]) out.push(cands[i]);
  return out.reverse();
}

const startCost = (path: number[]): number | null => {
  let extra = Math.max(0, path[0] - 1);
  for (let q = 1; q < path.length; q++) extra += Math.max(0, path[q] - 1);
  return extra > 4 ? null : Math.min(0.9, 0.08 * extra);
};

const letterNo = (x: number | string): number => String(x).charCodeAt(0) - 64;

interface Candidate extends Heading {
  explicit: boolean;
  col0: boolean;
}

/** A line of a table of contents (see detectHeadings); prevInd is the previous entry's indentation (-1: none). */
function tocEntry(t: string, prevInd: number): boolean {
  const s = t.trim();
  const ind = indentOf(t);
  if (TOC_LINE.test(s)) return true;
  if (ind === 0) return false;
  if (/^(?:\d{1,3}(?:\.\d{1,3})*[.)]?|[A-Z]\.(?:\d{1,3}\.?)*|Appendix|APPENDIX|Annex|ANNEX|[IVX]{1,5}\.)\s/.test(s)) return true;
  if (s.length <= 50 && !/[.!?]$/.test(s)) return true;
  return prevInd >= 0 && ind > prevInd && s.length <= 72; // a long entry wrapped onto the next line
}

function detectHeadings(
  lines: Ln[],
  start: number,
  bi: number,
): { headings: Heading[]; tocSkipped: boolean; toc: Set<number>; skippedNumbers: { line: number; num: string }[] } {
  const named: Heading[] = [];
  const nums: Candidate[] = [];
  const appx: Candidate[] = [];
  const romans: Heading[] = [];
  let lastRoman = 0;
  let tocSkipped = false;
  const toc = new Set<number>();
  const bodyIndented = bi >= 2;

  const followsWell = (i: number, ind: number): boolean => {
    // After a heading: a blank line, text indented deeper than the heading, or an underline (==== / ----).
    const n = lines[i + 1];
    return isBlank(n) || indentOf(n.t) > ind || UNDERLINE.test(n.t);
  };
  // Deeper levels may be indented in the nested style of RFC 1122 (3 columns per level).
  const indentOk = (ind: number, depth: number): boolean => (bodyIndented ? ind <= Math.max(0, depth - 1) * 3 + 1 && (depth > 1 || ind < bi) : ind <= 1);
  // Chapter headings centred on the page ("                            1.  INTRODUCTION" in RFC 791/793).
  const centred = (i: number, ind: number, len: number, depth: number): boolean =>
    depth === 1 && ind >= 16 && len <= 50 && Math.abs(ind + len / 2 - 36) <= 6 && isBlank(lines[i + 1]);

  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    if (isBlank(l)) continue;
    if (!isBlank(lines[i - 1]) && i > start) continue; // headings follow a blank line
    const ind = indentOf(l.t);
    const s = l.t.trim();
    if (ind > 12 && !/^\d/.test(s) && !TOC_NAMES.test(s)) continue;
    let h: Heading | null = null;
    let m: RegExpExecArray | null;

    if (TOC_NAMES.test(s) && (ind <= Math.max(1, bi - 1) || Math.abs(ind + s.length / 2 - 36) <= 8)) {
      // The contents: entries carry dot leaders or page numbers, or are indented (v3 RFCs) numbered/short lines,
      // or continue the previous entry. The first other line (a heading in column 0, or prose) ends them.
      tocSkipped = true;
      named.push({ line: i, end: i + 1, title: s, path: null, style: 'named', printed: null });
      let j = i + 1;
      let prevInd = -1;
      while (j < lines.length) {
        if (isBlank(lines[j])) {
          j++;
          continue;
        }
        if (!tocEntry(lines[j].t, prevInd)) break;
        toc.add(j);
        prevInd = indentOf(lines[j].t);
        j++;
      }
      while (j > i + 1 && isBlank(lines[j - 1])) j--;
      i = j - 1;
      continue;
    }

    if ((m = APPX_HEAD.exec(s))) {
      const rest = m[2] ? m[2].slice(1).split('.').map(Number) : [];
      const path: Path = [m[1], ...rest];
      const title = (m[3] ?? '').trim();
      if ((!title || titleLooksLikeTitle(title, !bodyIndented)) && ind <= (bodyIndented ? Math.max(1, bi - 1) : 1) && followsWell(i, ind)) {
        h = { line: i, end: i + 1, title, path, style: 'appendix', printed: rest.length ? path.join('.') : `Appendix ${m[1]}` };
        appx.push({ ...h, explicit: true, col0: ind === 0 });
      }
    } else if ((m = NUM_HEAD.exec(s)) && m[3] !== undefined) {
      const c = m[1].split('.').map(Number);
      const title = m[3].trim();
      const single = c.length === 1 && !m[2];
      // "1 Introduction" (no dot) only in column 0; "3 octets" in running text must not become a heading.
      if (
        c.every((x) => x <= 199) &&
        c[0] <= 99 &&
        titleLooksLikeTitle(title, !bodyIndented || single) &&
        (indentOk(ind, c.length) || centred(i, ind, s.length, c.length)) &&
        followsWell(i, ind) &&
        !(single && /^[a-z]/.test(title))
      ) {
        h = { line: i, end: i + 1, title, path: c, style: 'num', printed: c.join('.') };
        nums.push({ ...h, explicit: false, col0: ind === 0 });
      }
    } else if ((m = ROMAN_HEAD.exec(s)) && ROMAN.indexOf(m[1]) === lastRoman && ind <= 1 && titleLooksLikeTitle(m[2], true)) {
      lastRoman++;
      h = { line: i, end: i + 1, title: m[2].trim(), path: [m[1]], style: 'roman', printed: m[1] };
      romans.push(h);
    } else if ((m = LETTER_HEAD.exec(s)) && ind <= 1 && titleLooksLikeTitle(m[3], true) && followsWell(i, ind)) {
      const rest = m[2] ? m[2].slice(1).split('.').map(Number) : [];
      const path: Path = [m[1], ...rest];
      if (rest.length > 0 || /^[A-Z"'(\[]/.test(m[3])) {
        h = { line: i, end: i + 1, title: m[3].trim(), path, style: 'appendix', printed: path.join('.') };
        appx.push({ ...h, explicit: false, col0: ind === 0 });
      }
    }

    if (!h) {
      // Unnumbered heading: short title-like text in column 0 of a body-indented document, or a well-known name.
      const known = FRONT_NAMES.has(s.toLowerCase().replace(/:$/, '')) || BACK_NAMES.test(s.replace(/:$/, ''));
      const shapeOk =
        s.length <= 64 &&
        /^[A-Z"'(]/.test(s) &&
        !/\S {3,}\S/.test(s) &&
        !/[,;]$/.test(s) &&
        !(/\.$/.test(s) && s.split(/\s+/).length > 5) &&
        !/[|+=<>{}]/.test(s) &&
        s.split(/\s+/).length <= 10;
      const nx = lines[i + 1];
      const nextOk = isBlank(nx) || indentOf(nx.t) > ind || UNDERLINE.test(nx.t);
      if (ind === 0 && nextOk && shapeOk && (bodyIndented || known)) {
        h = { line: i, end: i + 1, title: s.replace(/:$/, ''), path: null, style: 'named', printed: null };
        named.push(h);
      }
    }
    if (!h) continue;
    if (UNDERLINE.test(lines[i + 1]?.t ?? '')) h.end = i + 2;
    // A long title may wrap onto the next line, aligned with the title text.
    const next = lines[i + 1];
    if (h.path && next && !isBlank(next) && l.t.length >= 55) {
      const col = l.t.length - l.t.trimStart().length + (s.length - h.title.length);
      if (indentOf(next.t) === col && isBlank(lines[i + 2]) && next.t.trim().length < 60) {
        h.title = `${h.title} ${next.t.trim()}`;
        h.end = i + 2;
      }
    }
    // Candidates were pushed as copies: keep their end/title in step.
    const last = [nums, appx].map((a) => a[a.length - 1]).find((x) => x && x.line === i);
    if (last) Object.assign(last, { end: h.end, title: h.title });
    i = h.end - 1;
  }

  // Appendices: "Appendix A." (explicit) and "A.1." style, one chain starting at A (or any explicit letter).
  const appxPath = (c: Candidate) => [letterNo(c.path![0]), ...(c.path!.slice(1) as number[])];
  const appxStart = (c: Candidate) => (c.explicit ? startCost([1, ...appxPath(c).slice(1)]) : startCost(appxPath(c)));
  const appxChain = bestChain(appx, appxStart, (p, c) => stepCost(appxPath(p), appxPath(c)));
  // Numbered sections may continue after the appendices (RFC 3568 puts its references there).
  const numChain = bestChain(
    nums,
    (c) => startCost(c.path as number[]),
    (p, c) => stepCost(p.path as number[], c.path as number[]),
  );
  const lastNumLine = numChain.length ? numChain[numChain.length - 1].line : -1;
  // Without an explicit "Appendix", letters count only after the numbered sections (or when there are none: the
  // letter-numbered body of RFC 100).
  let letters = appxChain;
  if (!appxChain.some((c) => c.explicit) && numChain.length) {
    letters = bestChain(
      appx.filter((c) => c.line > lastNumLine),
      (c) => (letterNo(c.path![0]) === 1 ? startCost([1, ...appxPath(c).slice(1)]) : null),
      (p, c) => stepCost(appxPath(p), appxPath(c)),
    );
  }
  // Out-of-sequence chapter headings with the usual closing names ("9.  References" after "6." in RFC 2788) are
  // still chapters: taking them keeps their text out of the previous section.
  const inChain = new Set<Heading>(numChain);
  for (const c of nums)
    if (!inChain.has(c) && c.col0 && bodyIndented && c.path!.length === 1 && (BACK_NAMES.test(c.title) || /considerations$/i.test(c.title)))
      numChain.push(c);
  const style: Heading['style'] = numChain.length ? 'appendix' : 'letter';
  const chosen = new Set<Heading>([...numChain, ...letters]);
  const headings: Heading[] = [
    ...named,
    ...romans,
    ...numChain,
    ...letters.map((c) => (c.explicit ? c : { ...c, style })),
  ].sort((a, b) => a.line - b.line);
  const skippedNumbers = [...nums, ...appx]
    .filter((c) => !chosen.has(c) && c.col0)
    .map((c) => ({ line: lines[c.line].no, num: lines[c.line].t.trim().slice(0, 20) }));
  return { headings, tocSkipped, toc, skippedNumbers };
}

// ---------------------------------------------------------------------------------------------------------------
// 6. The section tree.

interface Built {
  front: Section[];
  body: Section[];
  back: Section[];
  /** Reference labels → their ref block (for citations), filled by enrichInlines. */
  refs: Map<string, { id: string; stdRef?: string }>;
  anchors: Set<string>;
}

function kindOf(title: string, h: Heading, region: 'front' | 'body' | 'back', depth: number): SectionKind {
  const t = title.toLowerCase().replace(/\s+/g, ' ').trim();
  if (t === 'abstract') return 'abstract';
  if (/^normative references/.test(t)) return 'normative-references';
  if (/^(informative|non-normative) references/.test(t)) return 'informative-references';
  if (/^(references|bibliography)/.test(t)) return 'bibliography';
  if (t === 'index') return 'index';
  if (h.style === 'appendix' && depth === 0) return 'annex';
  if (/^introduction/.test(t) && depth === 0) return 'introduction';
  if (region === 'front') return 'front-other';
  return 'clause';
}

function buildSections(lines: Ln[], start: number, headings: Heading[], bi: number, toc: Set<number>): Built {
  const built: Built = { front: [], body: [], back: [], refs: new Map(), anchors: new Set() };
  const used = new Set<string>();
  const unique = (a: string): string => {
    let x = a;
    for (let n = 2; used.has(x); n++) x = `${a}-${n}`;
    used.add(x);
    return x;
  };
  // Preamble: text between the title and the first heading (old RFCs' cover pages, introductions without heading).
  const firstAt = headings.length ? headings[0].line : lines.length;
  const pre = parseBlocks(lines.slice(start, firstAt), bi, false);
  if (pre.length) {
    const sec: Section = { id: unique('preamble'), title: ['Preamble'], kind: headings.length ? 'front-other' : 'clause', blocks: pre, children: [] };
    (headings.length ? built.front : built.body).push(sec);
  }

  let region: 'front' | 'body' | 'back' = 'front';
  const stack: { sec: Section; level: number }[] = [];
  let numLevel = 0; // level of the innermost numbered section (for unnumbered sub-headings in old RFCs)
  for (let k = 0; k < headings.length; k++) {
    const h = headings[k];
    const contentEnd = k + 1 < headings.length ? headings[k + 1].line : lines.length;
    if (TOC_NAMES.test(h.title)) {
      // The contents are derived data (the reader builds its own) and are dropped; text that follows them before
      // the next heading (RFC 793's preface) is kept in a front section named as printed.
      const rest = lines.slice(h.end, contentEnd).filter((_, k) => !toc.has(h.end + k));
      const blocks = parseBlocks(rest, bi, false);
      if (blocks.length)
        built.front.push({ id: unique('table-of-contents'), title: [h.title], kind: 'front-other', blocks, children: [] });
      continue;
    }
    const lower = h.title.toLowerCase();
    let level: number;
    let anchor: string;
    let top = false;
    if (h.path) {
      level = h.path.length;
      anchor = h.path.join('.');
      top = level === 1;
      numLevel = level;
      if (h.style === 'appendix') region = 'back';
      else if (top || region === 'front') region = 'body';
    } else {
      const isFront = FRONT_NAMES.has(lower);
      const isBack = BACK_NAMES.test(h.title);
      if (region === 'front' && !isFront && !isBack) region = 'body';
      if (region === 'body' && isBack && (numLevel === 0 || stack.length === 0 || isTopBack(lower))) {
        region = 'back';
        numLevel = 0;
      }
      if (isFront || isBack || numLevel === 0) {
        level = 1;
        top = true;
      } else level = numLevel + 1;
      anchor = slug(h.title);
    }
    const sec: Section = {
      id: unique(anchor),
      ...(h.printed ? { num: h.printed } : {}),
      title: [h.title || (h.printed ?? '')],
      kind: 'clause',
      blocks: [],
      children: [],
    };
    while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
    const depth = top ? 0 : stack.length;
    sec.kind = kindOf(h.title, h, region, depth);
    const parentKind = stack.length ? stack[stack.length - 1].sec.kind : null;
    const refsHere = /references|bibliography/.test(sec.kind) || (parentKind !== null && /references|bibliography/.test(parentKind));
    sec.blocks = parseBlocks(lines.slice(h.end, contentEnd), bi, refsHere);
    if (!stack.length || top) {
      stack.length = 0;
      (region === 'front' ? built.front : region === 'body' ? built.body : built.back).push(sec);
    } else stack[stack.length - 1].sec.children.push(sec);
    stack.push({ sec, level });
  }
  return built;
}

function isTopBack(lower: string): boolean {
  return /^(acknowledge?ments?|(author|editor)(['’]s|s['’]|s)? (contact )?(address|information)|contributors|index|full copyright statement|intellectual property)/.test(lower);
}

function countSections(b: Built): number {
  let n = 0;
  const rec = (l: Section[]) => l.forEach((s) => ((n += 1), rec(s.children)));
  rec(b.front);
  rec(b.body);
  rec(b.back);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Blocks: paragraphs, lists, verbatim figures/tables/code, reference entries.

const LIST_RE = /^(\s*)(o|\*|-|\+|•|\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]{1,4}\)|[a-z][.)])( +)(\S.*)$/;
const FIGURE_CAPTION = /^Figure\s+(\d{1,4})\s*[.:]?\s*(.*)$/;

function isArtLine(s: string): boolean {
  return (
    /[+|][-=+~]{3,}|[-=]{3,}[+|]/.test(s) ||
    /^\s*[|+].*[|+]\s*$/.test(s) ||
    /\|.*\|.*\|/.test(s) ||
    /^\s*[-=_*~.#]{5,}\s*$/.test(s) ||
    /-{2,}>|<-{2,}|={2,}>|<={2,}/.test(s) ||
    /^\s*\d( \d){7,}/.test(s) || // bit rulers "0 1 2 3 4 5 6 7 8 9 0 1"
    /[\u2500-\u257f]/.test(s) // box-drawing characters (v3 RFCs may use them)
  );
}

function isCodeLine(s: string): boolean {
  return (
    /[{};]\s*$/.test(s) ||
    /^\s*[}\]]/.test(s) ||
    /::=|:=/.test(s) ||
    /^\s*[A-Za-z][\w-]*\s+=\/?\s+\S/.test(s) || // ABNF rule
    /^\s*<\/?[A-Za-z][\w:.-]*(\s[^>]*)?\/?>/.test(s) || // XML
    /^\s*(#include|#define|\/\/|\/\*|\*\/)/.test(s) ||
    /^\s*"[^"]+"\s*:/.test(s) // JSON member
  );
}

function hasWideGaps(s: string): boolean {
  return /\S {4,}\S/.test(s.trim());
}

function proseLike(ls: string[]): boolean {
  const text = ls.map((x) => x.trim()).join(' ');
  if (!/[a-z]{2,}/i.test(text)) return false;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32 || c > 127) letters++;
  }
  if (letters / text.length < 0.78) return false;
  if (ls.some(hasWideGaps)) return false;
  if (ls.length === 1) return text.split(/\s+/).length >= 3 || /[:.]$/.test(text);
  const ind = ls.slice(1).map(indentOf);
  if (ind.some((x) => x !== ind[0])) return false;
  const max = Math.max(...ls.map((x) => x.trimEnd().length));
  return ls.slice(0, -1).every((x) => x.trimEnd().length >= max * 0.55);
}

function dedent(ls: string[]): string {
  const min = Math.min(...ls.filter((x) => x.trim()).map(indentOf));
  return ls.map((x) => x.slice(min)).join('\n');
}

/** Joins wrapped lines into one paragraph string (a line ending in a hyphen keeps it and joins without a space). */
function joinLines(ls: string[]): string {
  // Parts are joined once at the end: reading characters of a growing concatenated string would flatten it on
  // every line (quadratic on long paragraphs).
  const parts: string[] = [];
  let last = '';
  for (const raw of ls) {
    const t = raw.trim();
    if (!t) continue;
    // RFCs break lines at the hyphens of compounds: "application-" / "level" is "application-level".
    const hyphen = last.length >= 2 && last.charCodeAt(last.length - 1) === 45 && !/[\s-]/.test(last[last.length - 2]) && /^[A-Za-z0-9]/.test(t);
    if (parts.length && !hyphen) parts.push(' ');
    parts.push(t);
    last = t;
  }
  return parts.join('');
}

function preKind(ls: string[]): 'figure' | 'code' | 'table' | 'text' {
  const art = ls.filter(isArtLine).length;
  const code = ls.filter(isCodeLine).length;
  if (art && art >= code) return /[|+]/.test(ls.join('')) && ls.filter(hasWideGaps).length > ls.length / 2 && !/[+][-+]{3,}[+]/.test(ls.join('')) ? 'table' : 'figure';
  if (code) return 'code';
  if (ls.filter(hasWideGaps).length >= Math.max(1, ls.length / 2)) return 'table';
  return 'text';
}

/** A "paragraph" as written: consecutive non-blank lines. */
function chunksOf(ls: Ln[]): { lines: string[]; blankBefore: number }[] {
  const out: { lines: string[]; blankBefore: number }[] = [];
  let cur: string[] = [];
  let blanks = 0;
  for (const l of ls) {
    if (!l.t.trim()) {
      if (cur.length) out.push({ lines: cur, blankBefore: blanks }), (cur = []), (blanks = 0);
      blanks++;
      continue;
    }
    cur.push(l.t);
  }
  if (cur.length) out.push({ lines: cur, blankBefore: blanks });
  return out;
}

function parseBlocks(ls: Ln[], bi: number, refs: boolean): Block[] {
  const blocks: Block[] = [];
  const chunks = chunksOf(ls);
  if (!chunks.length) return blocks;
  // The section's own paragraph column: its most common prose indentation (nested-style RFCs indent per level).
  const hist = new Map<number, number>();
  for (const l of ls) if (l.prose ?? isProseLine(l.t)) hist.set(indentOf(l.t), (hist.get(indentOf(l.t)) ?? 0) + 1);
  let base = bi;
  let best = -1;
  for (const [k, v] of hist) if (v > best || (v === best && k < base)) [base, best] = [k, v];

  const pushPre = (lines: string[], blankBefore: number) => {
    const kind = preKind(lines);
    const last = blocks[blocks.length - 1];
    // Figures and code often contain blank lines; a verbatim block right after another (one blank line apart)
    // continues it, whatever its own look (a struct after its typedefs).
    if (last && last.t === 'pre' && blankBefore <= 1) {
      last.text += `\n\n${dedentTo(lines, last)}`;
      if (last.kind === 'text' && kind !== 'text') last.kind = kind;
      return;
    }
    blocks.push({ t: 'pre', kind, text: dedent(lines) });
    preIndent.set(blocks[blocks.length - 1], Math.min(...lines.map(indentOf)));
  };
  const preIndent = new Map<Block, number>();
  const dedentTo = (lines: string[], b: Block): string => {
    const min = preIndent.get(b) ?? Math.min(...lines.map(indentOf));
    const own = Math.min(...lines.map(indentOf));
    if (own < min) {
      // This part sits further left: re-indent the earlier text so relative positions stay exact.
      if (b.t === 'pre') b.text = b.text.split('\n').map((x) => (x ? ' '.repeat(min - own) + x : x)).join('\n');
      preIndent.set(b, own);
      return lines.map((x) => x.slice(own)).join('\n');
    }
    return lines.map((x) => x.slice(min)).join('\n');
  };

  for (const ch of chunks) {
    const lines = ch.lines;
    const ind = Math.min(...lines.map(indentOf));
    const first = lines[0].trim();

    // A figure caption under a verbatim block (possibly with short lines between, like RFC 793's "TCP Header
    // Format" and a note): wrap them in a figure.
    const cap = FIGURE_CAPTION.exec(first);
    const last = blocks[blocks.length - 1];
    if (cap && lines.length <= 3) {
      let k = blocks.length - 1;
      while (k >= 0 && k >= blocks.length - 3 && blocks[k].t === 'p' && blocksLen(blocks[k]) < 120) k--;
      if (k >= 0 && blocks[k].t === 'pre') {
        const inner = blocks.splice(k);
        const caption = joinLines([cap[2], ...lines.slice(1)]).trim();
        blocks.push({ t: 'figure', id: `figure-${cap[1]}`, label: `Figure ${cap[1]}`, ...(caption ? { caption: [caption] } : {}), c: inner });
        continue;
      }
      blocks.push({ t: 'p', c: [joinLines(lines)] });
      continue;
    }

    // Reference entries: "[RFC2119]  Bradner, S., ..." or "[1] Postel, J., ...".
    if (refs && /^\[[^\]]{1,40}\]/.test(first)) {
      for (const entry of splitRefEntries(lines)) {
        blocks.push(entry);
        if (entry.t === 'ref') refIndent.set(entry, ind);
      }
      continue;
    }
    // A reference label may cover several documents, each its own paragraph under the label (v3 RFCs' BCP entries).
    if (refs && last && last.t === 'ref' && ind > (refIndent.get(last) ?? 99)) {
      last.c.push(` ${joinLines(lines)}`);
      continue;
    }

    const art = lines.filter(isArtLine).length;
    const code = lines.filter(isCodeLine).length;
    const prose = proseLike(lines);
    if (art >= Math.max(1, lines.length / 3) || (art && !prose)) {
      pushPre(lines, ch.blankBefore);
      continue;
    }

    // Lists: bullets and numbers at or below the paragraph column, continuation aligned with the item text.
    const lm = LIST_RE.exec(lines[0]);
    if (lm && indentOf(lines[0]) >= Math.min(base, 1) && !(code > lines.length / 2)) {
      const items = splitListItems(lines);
      if (items) {
        const ordered = /\d/.test(lm[2]);
        const prev = blocks[blocks.length - 1];
        if (prev && prev.t === 'list' && prev.ordered === ordered && listIndent.get(prev) === indentOf(lines[0])) prev.items.push(...items);
        else {
          const lb: Block = { t: 'list', ordered, items };
          listIndent.set(lb, indentOf(lines[0]));
          blocks.push(lb);
        }
        continue;
      }
    }
    // A paragraph indented under the previous list item's text belongs to that item.
    const prevB = blocks[blocks.length - 1];
    if (prevB && prevB.t === 'list' && ind > (listIndent.get(prevB) ?? 99) && prose) {
      prevB.items[prevB.items.length - 1].c.push({ t: 'p', c: [joinLines(lines)] });
      continue;
    }

    // Half the lines look like code (";" / "{" endings, ABNF rules, XML): verbatim, however wordy.
    if (code >= Math.max(1, lines.length / 2) && (!prose || code > 1 || isCodeLine(lines[lines.length - 1]))) {
      pushPre(lines, ch.blankBefore);
      continue;
    }
    if (ind > base && !prose) {
      // Deeper than the paragraphs and not prose: ABNF, examples, messages, tables.
      // A short label line over an indented body ("Source Port:  16 bits") stays a paragraph.
      if (lines.length === 1 && /^[A-Za-z][\w\s'()/-]{0,40}:(\s+\S.*)?$/.test(first) && !hasWideGaps(first)) {
        blocks.push({ t: 'p', c: [first] });
        continue;
      }
      pushPre(lines, ch.blankBefore);
      continue;
    }
    if (!prose && (lines.some(hasWideGaps) || varied(lines))) {
      pushPre(lines, ch.blankBefore);
      continue;
    }
    // A hanging paragraph: a short term line, then its definition indented deeper.
    if (lines.length > 1 && indentOf(lines[1]) > indentOf(lines[0]) && lines.slice(2).every((x) => indentOf(x) === indentOf(lines[1])) && first.length <= 50 && !/[.,;]$/.test(first)) {
      blocks.push({ t: 'p', c: [first] });
      blocks.push({ t: 'p', c: [joinLines(lines.slice(1))] });
      continue;
    }
    blocks.push({ t: 'p', c: [joinLines(lines)] });
  }
  return blocks;
}
const listIndent = new WeakMap<Block, number>();
const blocksLen = (b: Block): number => (b.t === 'p' ? b.c.reduce<number>((n, i) => n + (typeof i === 'string' ? i.length : 0), 0) : 0);
const refIndent = new WeakMap<Block, number>();

/** Lines whose indentation changes more than twice (nested code, layouts): verbatim, not a paragraph. */
function varied(lines: string[]): boolean {
  if (lines.length < 3) return false;
  const set = new Set(lines.slice(1).map(indentOf));
  return set.size > 2;
}

function splitListItems(lines: string[]): { label?: string; c: Block[] }[] | null {
  const first = LIST_RE.exec(lines[0]);
  if (!first) return null;
  const markInd = first[1].length;
  const textCol = markInd + first[2].length + first[3].length;
  const items: { label: string; lines: string[] }[] = [];
  for (const l of lines) {
    const m = LIST_RE.exec(l);
    if (m && m[1].length === markInd) items.push({ label: m[2], lines: [m[4]] });
    else if (items.length && indentOf(l) >= Math.min(textCol, markInd + 2)) items[items.length - 1].lines.push(l.trim());
    else return null;
  }
  return items.map((it) => ({ label: it.label, c: [{ t: 'p', c: [joinLines(it.lines)] } as Block] }));
}

function splitRefEntries(lines: string[]): Block[] {
  const out: Block[] = [];
  const baseInd = indentOf(lines[0]);
  let cur: string[] = [];
  const flush = () => {
    if (!cur.length) return;
    const joined = joinLines(cur);
    const m = /^\[([^\]]{1,40})\]\s*(.*)$/.exec(joined);
    if (m) {
      const label = m[1].trim();
      const std = stdOfLabel(label) ?? firstStdMention(m[2]);
      out.push({ t: 'ref', id: `ref-${slug(label)}`, label: `[${label}]`, c: [m[2]], ...(std ? { stdRef: std } : {}) });
    } else out.push({ t: 'p', c: [joined] });
    cur = [];
  };
  for (const l of lines) {
    if (indentOf(l) === baseInd && /^\s*\[[^\]]{1,40}\]/.test(l)) flush();
    cur.push(l);
  }
  flush();
  return out;
}

function stdOfLabel(label: string): string | undefined {
  const m = /^(RFC|BCP|STD|FYI)[- ]?0*(\d{1,5})$/i.exec(label.trim());
  return m ? `${m[1].toUpperCase()} ${Number(m[2])}` : undefined;
}

function firstStdMention(text: string): string | undefined {
  const m = /\bRFC[- ]?0*(\d{1,5})\b/.exec(text);
  return m ? `RFC ${Number(m[1])}` : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// 8. Inline references: RFC numbers, citations, section cross-references, URLs.

const INLINE_RE = new RegExp(
  [
    // URL (angle brackets optional)
    String.raw`<?(?<url>https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])>?`,
    // Section 4.2 of [RFC9110] / Section 4.2 of RFC 9110 / Section 4.2 of [HTTP]
    String.raw`\b(?<sk>[Ss]ections?|[Aa]ppendix)\s+(?<sn>(?:[A-Z]|\d{1,3})(?:\.\d{1,3})*)\s+of\s+(?:\[(?<sl>[A-Za-z0-9][\w.+\-\/ ]{0,30})\]|(?<sr>(?:RFC|BCP|STD)[- ]?\d{1,5})\b)`,
    // [RFC9110], Section 4.2
    String.raw`\[(?<cl>(?:RFC|BCP|STD)[- ]?\d{1,5})\],?\s+(?:[Ss]ection|[Aa]ppendix)\s+(?<cn>(?:[A-Z]|\d{1,3})(?:\.\d{1,3})*)`,
    // [label]
    String.raw`\[(?<lab>[A-Za-z0-9][\w.+\-\/: ]{0,30})\]`,
    // RFC 2616, BCP 14
    String.raw`\b(?<ser>RFC|BCP|STD|FYI)[- ]?(?<num>\d{1,5})\b`,
    // Section 4.2 / Appendix A.1
    String.raw`\b(?<xk>[Ss]ections?|[Aa]ppendix|Figure)\s+(?<xn>(?:[A-Z]|\d{1,4})(?:\.\d{1,3})*)\b`,
  ].join('|'),
  'g',
);

function normStd(s: string): string {
  const m = /^(RFC|BCP|STD|FYI)[- ]?0*(\d+)$/i.exec(s.trim());
  return m ? `${m[1].toUpperCase()} ${Number(m[2])}` : s.trim();
}

/** Turns a paragraph string into inlines with std/xref/link spans (only targets that exist become xrefs). */
export function parseInlines(text: string, refs: Map<string, { id: string; stdRef?: string }>, anchors: Set<string>): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  const push = (s: string) => {
    if (!s) return;
    const last = out[out.length - 1];
    if (typeof last === 'string') out[out.length - 1] = last + s;
    else out.push(s);
  };
  INLINE_RE.lastIndex = 0;
  for (let m = INLINE_RE.exec(text); m; m = INLINE_RE.exec(text)) {
    const g = m.groups ?? {};
    const whole = m[0];
    let node: Inline | null = null;
    if (g.url) node = { t: 'link', href: g.url, c: [whole] };
    else if (g.sk) {
      const label = g.sl ?? g.sr;
      const ref = g.sr ? normStd(g.sr) : refs.get(label)?.stdRef ?? stdOfLabel(label);
      if (ref) node = { t: 'std', ref, clause: g.sn, c: [whole] };
      else if (refs.has(label)) node = { t: 'xref', target: refs.get(label)!.id, c: [whole] };
    } else if (g.cl) node = { t: 'std', ref: normStd(g.cl), clause: g.cn, c: [whole] };
    else if (g.lab) {
      const ref = stdOfLabel(g.lab) ?? refs.get(g.lab)?.stdRef;
      if (ref) node = { t: 'std', ref, c: [whole] };
      else if (refs.has(g.lab)) node = { t: 'xref', target: refs.get(g.lab)!.id, c: [whole] };
    } else if (g.ser) node = { t: 'std', ref: `${g.ser} ${Number(g.num)}`, c: [whole] };
    else if (g.xk) {
      const target = g.xk === 'Figure' ? `figure-${g.xn}` : g.xn.replace(/\.$/, '');
      if (anchors.has(target)) node = { t: 'xref', target, c: [whole] };
    }
    if (!node) continue;
    push(text.slice(at, m.index));
    out.push(node);
    at = m.index + whole.length;
  }
  push(text.slice(at));
  return out;
}

function enrichInlines(b: Built): void {
  const all: Section[] = [];
  const rec = (l: Section[]) => l.forEach((s) => (all.push(s), rec(s.children)));
  rec(b.front);
  rec(b.body);
  rec(b.back);
  // Block ids (figure-3, ref-rfc2119) must not collide with section anchors or with each other (two "Figure 3"
  // captions, a reference listed twice): later ones get a suffix.
  const anchors = b.anchors;
  for (const s of all) anchors.add(s.id);
  const visit = (bl: Block[]) => {
    for (const x of bl) {
      if ('id' in x && x.id && x.t !== 'term') {
        if (anchors.has(x.id)) {
          let n = 2;
          while (anchors.has(`${x.id}-${n}`)) n++;
          x.id = `${x.id}-${n}`;
        }
        anchors.add(x.id);
      }
      if (x.t === 'ref' && x.label && x.id) {
        const label = x.label.slice(1, -1);
        if (!b.refs.has(label)) b.refs.set(label, { id: x.id, ...(x.stdRef ? { stdRef: x.stdRef } : {}) });
      }
      if (x.t === 'figure' && x.c) visit(x.c);
      if (x.t === 'list') x.items.forEach((it) => visit(it.c));
    }
  };
  for (const s of all) visit(s.blocks);
  const conv = (bl: Block[]) => {
    for (const x of bl) {
      if (x.t === 'p' || x.t === 'ref') x.c = parseInlines(x.c.map((i) => (typeof i === 'string' ? i : '')).join(''), b.refs, anchors);
      else if (x.t === 'list') x.items.forEach((it) => conv(it.c));
      else if (x.t === 'figure' && x.caption) x.caption = parseInlines(x.caption.map((i) => (typeof i === 'string' ? i : '')).join(''), b.refs, anchors);
    }
  };
  for (const s of all) conv(s.blocks);
}
