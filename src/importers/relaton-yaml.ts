import { LineCounter, parseDocument } from 'yaml';

/**
 * YAML reading for Relaton files. The `yaml` package is exact but costs ~2 ms per 4 KB file on this machine
 * (2.5 minutes for the 71k-file ISO set), so a fast reader handles the block-style subset that Ruby's Psych and
 * hand-written Relaton files use (block mappings and sequences, plain / quoted / block scalars, comments) in
 * ~1/20 of the time. Whenever it meets anything outside that subset — or anything malformed — it gives up and
 * the `yaml` package decides, so results equal `yaml.parse` (checked by relaton-yaml.test.ts) and errors keep
 * the package's messages with line:col.
 */

/** A YAML syntax error with a 1-based position. */
export interface YamlProblem {
  message: string;
  line?: number;
  col?: number;
}

export type YamlResult = { ok: true; value: unknown } | { ok: false; problem: YamlProblem };

/** Parses one YAML document: the fast reader first, the `yaml` package when the fast reader declines. */
export function readYaml(text: string): YamlResult {
  const fast = fastYaml(text);
  if (fast !== BAIL) return { ok: true, value: fast };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? (err.pos ? lineCounter.linePos(err.pos[0]) : undefined);
    return { ok: false, problem: { message: err.message.split('\n')[0], line: pos?.line, col: pos?.col } };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Sentinel: the fast reader declined (unsupported or malformed input). */
export const BAIL: unique symbol = Symbol('bail');

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

interface Line {
  indent: number;
  /** Text after the indentation (no trailing '\r'). */
  text: string;
}

const MAX_DEPTH = 64;

/**
 * The fast subset reader. Returns the document as plain JS (YAML 1.2 core schema, like `yaml.parse`) or BAIL.
 * Exported for the equivalence test.
 */
export function fastYaml(text: string): unknown | typeof BAIL {
  try {
    return new FastReader(text).document();
  } catch (e) {
    if (e instanceof Bail) return BAIL;
    throw e;
  }
}

class FastReader {
  private readonly lines: Line[];
  private i = 0;

  constructor(text: string) {
    if (text.includes('\t') || text.charCodeAt(0) === 0xfeff) bail();
    const raw = text.split('\n');
    this.lines = raw.map((l) => {
      const s = l.endsWith('\r') ? l.slice(0, -1) : l;
      if (s.includes('\r')) bail();
      let n = 0;
      while (n < s.length && s.charCodeAt(n) === 32) n++;
      return { indent: n, text: s.slice(n) };
    });
  }

  document(): unknown {
    this.skipBlank();
    if (this.i < this.lines.length && this.lines[this.i].indent === 0 && this.lines[this.i].text.startsWith('%')) bail();
    if (this.i < this.lines.length && this.lines[this.i].indent === 0 && /^--- *$/.test(this.lines[this.i].text)) {
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) return null;
    const first = this.lines[this.i];
    if (first.indent !== 0) bail();
    const value = this.node(0, 0);
    this.skipBlank();
    if (this.i < this.lines.length) {
      // Only an explicit document end may follow.
      const l = this.lines[this.i];
      if (!(l.indent === 0 && /^\.\.\. *$/.test(l.text))) bail();
      this.i++;
      this.skipBlank();
      if (this.i < this.lines.length) bail();
    }
    return value;
  }

  /** Skips empty and comment-only lines. */
  private skipBlank(): void {
    while (this.i < this.lines.length) {
      const t = this.lines[this.i].text;
      if (t === '' || t.startsWith('#')) this.i++;
      else break;
    }
  }

  /** A block node (mapping or sequence) starting at the current line, which has indentation `indent`. */
  private node(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) bail();
    const l = this.lines[this.i];
    if (l.indent !== indent) bail();
    if (isSeqItem(l.text)) return this.sequence(indent, depth);
    if (/^---( |$)|^\.\.\.( |$)/.test(l.text) && indent === 0) bail();
    return this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipBlank();
      if (this.i >= this.lines.length) return out;
      const l = this.lines[this.i];
      if (l.indent < indent) return out;
      if (l.indent > indent) bail();
      if (isSeqItem(l.text)) {
        // A sequence at the same indentation as its parent's keys belongs to the parent (handled by value()).
        if (indent === 0 || Object.keys(out).length === 0) bail();
        return out;
      }
      if (indent === 0 && /^(---|\.\.\.)( |$)/.test(l.text)) return out;
      const { key, rest } = splitKey(l.text);
      if (key === '__proto__' || key === '<<' || Object.prototype.hasOwnProperty.call(out, key)) bail();
      this.i++;
      out[key] = this.value(rest, indent, depth, true);
    }
  }

  private sequence(indent: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.i >= this.lines.length) return out;
      const l = this.lines[this.i];
      if (l.indent < indent) return out;
      if (l.indent > indent) bail();
      if (!isSeqItem(l.text)) return out;
      const after = l.text.slice(1);
      const rest = trimStart(after);
      const spaces = after.length - rest.length;
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        out.push(this.value('', indent, depth, false));
        continue;
      }
      if (isSeqItem(rest)) bail();
      const col = indent + 1 + spaces;
      if (looksLikeKey(rest)) {
        // '- key: value' opens a mapping whose keys sit at the column of 'key'.
        this.lines[this.i] = { indent: col, text: rest };
        out.push(this.mapping(col, depth + 1));
        continue;
      }
      this.i++;
      out.push(this.value(rest, indent, depth, false));
    }
  }

  /**
   * The value after 'key:' or '- ' (`rest`, already without the indicator). `indent` is the indentation of the key
   * or dash; nested blocks and continuation lines must be deeper. In a mapping, a sequence may sit at the key's
   * own indentation (Psych's compact style).
   */
  private value(rest: string, indent: number, depth: number, inMapping: boolean): unknown {
    const v = trim(rest);
    if (v === '' || v.startsWith('#')) {
      this.skipBlank();
      if (this.i >= this.lines.length) return null;
      const next = this.lines[this.i];
      if (next.indent > indent) return this.node(next.indent, depth + 1);
      if (inMapping && next.indent === indent && isSeqItem(next.text)) return this.sequence(indent, depth + 1);
      return null;
    }
    const c = v[0];
    if (c === '|' || c === '>') return this.blockScalar(v, indent);
    if (c === "'") return this.quoted(trimStart(rest), indent, false);
    if (c === '"') return this.quoted(trimStart(rest), indent, true);
    if (v === '[]') return [];
    if (v === '{}') return {};
    if ('[]{}&*!%@`,?:-'.includes(c) && !(c === '-' && v.length > 1 && v[1] !== ' ')) bail();
    return this.plain(v, indent);
  }

  /** Plain scalar, possibly continued on deeper lines (folded with spaces; empty lines become newlines). */
  private plain(first: string, indent: number): unknown {
    let text = stripComment(first);
    if (text.includes(': ') || text.endsWith(':') || text.includes(' #')) bail();
    if (first !== text) return resolvePlain(text); // a comment ends the scalar
    let pendingBreaks = 0;
    let j = this.i;
    let continued = false;
    while (j < this.lines.length) {
      const l = this.lines[j];
      if (l.text === '') {
        pendingBreaks++;
        j++;
        continue;
      }
      if (l.indent <= indent) break;
      if (l.text.startsWith('#')) bail();
      const t = trimEnd(l.text);
      if (t.includes(': ') || t.endsWith(':') || t.includes(' #')) bail();
      text += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
      text += t;
      pendingBreaks = 0;
      continued = true;
      j++;
      this.i = j;
    }
    if (continued) return text; // multi-line plain scalars are always strings
    return resolvePlain(text);
  }

  /** Single- or double-quoted scalar that may span lines (line breaks fold to a space, empty lines to '\n'). */
  private quoted(s: string, indent: number, double: boolean): string {
    let out = '';
    let line = s.slice(1);
    for (;;) {
      const r = double ? scanDouble(line) : scanSingle(line);
      if (r.closed) {
        out += r.text;
        const tail = trim(line.slice(r.end));
        if (tail !== '' && !tail.startsWith('#')) bail();
        if (tail.startsWith('#') && line[r.end] !== ' ') bail();
        return out;
      }
      const escapedBreak = double && r.escapedBreak === true;
      // Trailing spaces before a folded break are not content (an escaped space would be: leave that to yaml).
      if (double && !escapedBreak && /\\ +$/.test(line)) bail();
      out += escapedBreak ? r.text : r.text.replace(/ +$/, '');
      let breaks = 0;
      for (;;) {
        if (this.i >= this.lines.length) bail();
        const l = this.lines[this.i];
        if (l.text === '') {
          breaks++;
          this.i++;
          continue;
        }
        if (l.indent <= indent) bail();
        break;
      }
      if (escapedBreak) {
        if (breaks > 0) bail();
      } else out += breaks > 0 ? '\n'.repeat(breaks) : ' ';
      line = this.lines[this.i].text;
      this.i++;
    }
  }

  /** Literal (|) or folded (>) block scalar with clip or strip chomping and an optional indentation indicator. */
  private blockScalar(header: string, indent: number): string {
    const m = /^([|>])([-]?)([1-9]?)([-]?)( +#.*)?$/.exec(header);
    if (!m || (m[2] && m[4])) return bail();
    const folded = m[1] === '>';
    const strip = (m[2] || m[4]) === '-';
    let contentIndent = m[3] ? indent + Number(m[3]) : -1;
    const body: string[] = [];
    let j = this.i;
    while (j < this.lines.length) {
      const l = this.lines[j];
      if (l.text === '') {
        // Whitespace-only lines before the first content line decide nothing here; the package judges them.
        if (contentIndent === -1 && l.indent > 0) bail();
        body.push(contentIndent === -1 ? '' : ' '.repeat(Math.max(0, l.indent - contentIndent)));
        j++;
        continue;
      }
      if (contentIndent === -1) {
        if (l.indent <= indent) break;
        contentIndent = l.indent;
      }
      if (l.indent < contentIndent) break;
      body.push(' '.repeat(l.indent - contentIndent) + l.text);
      j++;
    }
    this.i = j;
    let end = body.length;
    while (end > 0 && trim(body[end - 1]) === '') end--;
    // Trailing whitespace-only lines with spaces beyond the content indentation: leave to yaml.
    for (let k = end; k < body.length; k++) if (body[k] !== '') bail();
    const content = body.slice(0, end);
    if (content.length === 0) return '';
    let text: string;
    if (folded) {
      // More-indented lines and leading empty lines keep their breaks under special rules: leave to yaml.
      if (content[0] === '' || content.some((x) => x.startsWith(' '))) bail();
      text = content[0];
      let breaks = 0;
      for (let k = 1; k < content.length; k++) {
        const x = content[k];
        if (x === '') {
          breaks++;
          continue;
        }
        text += breaks > 0 ? '\n'.repeat(breaks) : ' ';
        text += x;
        breaks = 0;
      }
    } else {
      text = content.join('\n');
    }
    return strip ? text : text + '\n';
  }
}

// YAML white space is space and tab only (tabs make the reader decline); JS trim() would also eat NBSP and U+3000.
function trimStart(s: string): string {
  let k = 0;
  while (k < s.length && s.charCodeAt(k) === 32) k++;
  return k ? s.slice(k) : s;
}
function trimEnd(s: string): string {
  let k = s.length;
  while (k > 0 && s.charCodeAt(k - 1) === 32) k--;
  return k < s.length ? s.slice(0, k) : s;
}
function trim(s: string): string {
  return trimEnd(trimStart(s));
}

function isSeqItem(t: string): boolean {
  return t === '-' || t.startsWith('- ');
}

/** True when a line (after indentation) is 'key: …' or 'key:' with a plain or simple quoted key. */
function looksLikeKey(t: string): boolean {
  if (t[0] === '"' || t[0] === "'") {
    const q = t[0];
    const end = t.indexOf(q, 1);
    return end > 0 && /^:( |$)/.test(t.slice(end + 1));
  }
  if ('[]{}&*!|>%@`#,?'.includes(t[0])) return false;
  const k = t.indexOf(': ');
  if (k > 0) return !t.slice(0, k).includes(' #');
  return t.endsWith(':') && !t.includes(' #');
}

function splitKey(t: string): { key: string; rest: string } {
  if (t[0] === '"' || t[0] === "'") {
    const q = t[0];
    const end = t.indexOf(q, 1);
    if (end < 0) bail();
    const key = t.slice(1, end);
    if (key.includes('\\') || key.includes(q)) bail();
    const after = t.slice(end + 1);
    if (!/^:( |$)/.test(after)) bail();
    return { key, rest: after.slice(1) };
  }
  if ('[]{}&*!|>%@`#,?\'"'.includes(t[0])) bail();
  const k = t.indexOf(': ');
  let key: string;
  let rest: string;
  if (k > 0) {
    key = t.slice(0, k);
    rest = t.slice(k + 2);
  } else if (t.endsWith(':')) {
    key = t.slice(0, -1);
    rest = '';
  } else return bail();
  if (key.includes(' #') || key !== trim(key) || key.endsWith(':')) bail();
  const resolved = resolvePlain(key);
  if (typeof resolved !== 'string') bail(); // numeric/boolean/null keys: leave to yaml
  return { key, rest };
}

/** Removes a trailing ' #comment' from a plain scalar line and trims. */
function stripComment(s: string): string {
  const k = s.indexOf(' #');
  return trim(k >= 0 ? s.slice(0, k) : s);
}

const INT_RE = /^[-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema resolution of a plain scalar (as the `yaml` package does by default). */
function resolvePlain(s: string): unknown {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = s.charCodeAt(0);
  const numeric = (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
  if (!numeric) return s;
  if (INT_RE.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) bail();
    return n;
  }
  if (FLOAT_RE.test(s)) return Number(s);
  if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s) || /^0[ox]/.test(s)) bail();
  return s;
}

/** Scans a single-quoted scalar body; '' is an escaped quote. */
function scanSingle(s: string): { text: string; closed: boolean; end: number; escapedBreak?: boolean } {
  let out = '';
  let k = 0;
  while (k < s.length) {
    const ch = s[k];
    if (ch === "'") {
      if (s[k + 1] === "'") {
        out += "'";
        k += 2;
        continue;
      }
      return { text: out, closed: true, end: k + 1 };
    }
    out += ch;
    k++;
  }
  return { text: out, closed: false, end: k };
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"',
  '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** Scans a double-quoted scalar body with YAML escapes; a trailing backslash escapes the line break. */
function scanDouble(s: string): { text: string; closed: boolean; end: number; escapedBreak?: boolean } {
  let out = '';
  let k = 0;
  while (k < s.length) {
    const ch = s[k];
    if (ch === '"') return { text: out, closed: true, end: k + 1 };
    if (ch === '\\') {
      const e = s[k + 1];
      if (e === undefined) return { text: out, closed: false, end: k, escapedBreak: true };
      if (e in ESCAPES) {
        out += ESCAPES[e];
        k += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (!len) bail();
      const hex = s.slice(k + 2, k + 2 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) bail();
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) bail();
      out += String.fromCodePoint(cp);
      k += 2 + len;
      continue;
    }
    out += ch;
    k++;
  }
  return { text: out, closed: false, end: k };
}
