/**
 * Safe streaming XML on saxes, for documents from outside (NISO STS, ISO STS, …).
 *
 * What "safe" means here, and how:
 * - No external entities and no DTD fetching, ever. saxes itself never reads files; a DOCTYPE is accepted, its
 *   external subset (`SYSTEM "../ISOSTS.dtd"`) is recorded but never read. Entities declared SYSTEM/PUBLIC in the
 *   internal subset are remembered only so that a reference to one fails with a clear message.
 * - Named entities (&mdash; &nbsp; &le; &alpha; …) resolve from the built-in STS table (entities.ts, generated
 *   from the DTD's entity sets), without reading any file. An unknown entity is an error with line:col.
 * - Internal-subset entities (`<!ENTITY td "table cell text">`) are expanded, within limits: each expansion is
 *   capped (maxEntityChars), nesting is capped (maxEntityDepth), and every character that references produce in the
 *   document counts against one budget (maxEntityExpansion). "Billion laughs" fails at the DOCTYPE; "quadratic
 *   blow-up" (one big entity referenced a million times) fails on the budget. Entity values containing markup and
 *   parameter entities are refused rather than half-supported.
 * - Limits on input bytes, element depth, text node size and attribute count. The text limit is enforced while
 *   streaming (on the run of characters without '<', which bounds any text node, attribute value or comment as
 *   saxes accumulates it), so a 200 MB text node fails after ~maxTextChars, not after it has been buffered.
 * - Every failure is an XmlError with a stable id ('xml.malformed', 'xml.too_deep', …) and line:col (1-based).
 *
 * The result is a small element tree (XmlElement) that keeps mixed content in document order. Element and
 * attribute names get a canonical `key` ('mml:math', 'tbx:termEntry', 'xlink:href') from their namespace URI,
 * whatever prefix the document chose, so consumers match on keys, not on prefixes.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { STS_ENTITIES } from './entities.js';

/** Limits; every one is checked while parsing, before the corresponding memory is spent where possible. */
export interface XmlLimits {
  /** Input size in bytes (or characters for string input). */
  maxBytes: number;
  /** Element nesting depth. */
  maxDepth: number;
  /** Characters in one text node (also bounds attribute values, comments and PIs). */
  maxTextChars: number;
  /** Attributes on one element. */
  maxAttributes: number;
  /** Entity declarations in the internal subset. */
  maxEntityDeclarations: number;
  /** Replacement text of one internal entity after full expansion. */
  maxEntityChars: number;
  /** Nesting of entity references inside entity values. */
  maxEntityDepth: number;
  /** Total characters produced by all entity references in the document. */
  maxEntityExpansion: number;
  /** Characters of the DOCTYPE declaration (including its internal subset). */
  maxDoctypeChars: number;
}

/** Defaults sized for real standards (the largest STS documents are a few MB). */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxTextChars: 10 * 1024 * 1024,
  maxAttributes: 256,
  maxEntityDeclarations: 10_000,
  maxEntityChars: 64 * 1024,
  maxEntityDepth: 8,
  maxEntityExpansion: 8 * 1024 * 1024,
  maxDoctypeChars: 1024 * 1024,
};

/** Stable ids of XML failures (used as diagnostic ids by importers). */
export type XmlErrorId =
  | 'xml.malformed'
  | 'xml.encoding'
  | 'xml.too_large'
  | 'xml.too_deep'
  | 'xml.text_too_large'
  | 'xml.too_many_attributes'
  | 'xml.undefined_entity'
  | 'xml.external_entity'
  | 'xml.entity_expansion'
  | 'xml.unsupported_dtd';

/** A parse failure with its position (1-based line and column; column counts characters). */
export class XmlError extends Error {
  constructor(
    readonly id: XmlErrorId,
    readonly detail: string,
    readonly line: number,
    readonly col: number,
    readonly file?: string,
  ) {
    super(`${file ? `${file}:` : ''}${line}:${col}: ${detail}`);
    this.name = 'XmlError';
  }
}

/** Something the parser accepted but the caller may want to report (an undeclared well-known prefix, …). */
export interface XmlWarning {
  id: string;
  message: string;
  line: number;
  col: number;
}

export interface XmlElement {
  /** Qualified name as written ('tbx:termEntry'). */
  name: string;
  /** Canonical name: known namespaces get their usual prefix ('mml:math', 'oasis:entry'); else the name as written. */
  key: string;
  local: string;
  prefix: string;
  uri: string;
  /** Attributes by canonical key ('id', 'xml:lang', 'xlink:href'); namespace declarations are not included. */
  attrs: Record<string, string>;
  children: XmlNode[];
  line: number;
  col: number;
}
export type XmlNode = XmlElement | string;

export interface DoctypeInfo {
  name: string;
  publicId?: string;
  systemId?: string;
  /** Names of general entities declared in the internal subset. */
  declared: string[];
}

export interface XmlDocument {
  root: XmlElement;
  doctype?: DoctypeInfo;
  warnings: XmlWarning[];
  /** Input size (bytes, or characters for string input). */
  size: number;
}

export interface ParseXmlOptions {
  /** Shown in error messages. */
  file?: string;
  limits?: Partial<XmlLimits>;
  /** Named entities known without a DTD; defaults to the STS table. */
  entities?: Readonly<Record<string, string>>;
}

/** Canonical prefixes of the namespaces STS documents use. */
export const KNOWN_NAMESPACES: Readonly<Record<string, string>> = {
  mml: 'http://www.w3.org/1998/Math/MathML',
  xlink: 'http://www.w3.org/1999/xlink',
  tbx: 'urn:iso:std:iso:30042:ed-1',
  oasis: 'http://docs.oasis-open.org/ns/oasis-exchange/table',
  ali: 'http://www.niso.org/schemas/ali/1.0/',
  xi: 'http://www.w3.org/2001/XInclude',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
};
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** The canonical prefix of a namespace URI, or undefined for an unknown one. */
export function canonicalPrefix(uri: string): string | undefined {
  if (uri === XML_NS) return 'xml';
  if (uri.startsWith('urn:iso:std:iso:30042')) return 'tbx'; // TBX ed-1, ed-2, …
  return PREFIX_OF.get(uri);
}
const PREFIX_OF = new Map(Object.entries(KNOWN_NAMESPACES).map(([p, u]) => [u, p]));

function keyOf(prefix: string, local: string, uri: string): string {
  if (uri) {
    const p = canonicalPrefix(uri);
    if (p) return `${p}:${local}`;
  }
  return prefix ? `${prefix}:${local}` : local;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

type EntityDef =
  | { kind: 'internal'; raw: string; line: number; col: number; value?: string }
  | { kind: 'external'; systemId?: string; publicId?: string; ndata?: string; line: number; col: number };

/**
 * A push parser: write() chunks (bytes or text), then close() for the tree. Throws XmlError on the first problem;
 * after a throw the parser is dead (create a new one).
 */
export class SafeXmlParser {
  private readonly limits: XmlLimits;
  private readonly file?: string;
  private readonly table: Readonly<Record<string, string>>;
  private readonly sax: SaxesParser<{ xmlns: true; position: true }>;
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | undefined;
  private doctype: DoctypeInfo | undefined;
  private readonly warnings: XmlWarning[] = [];
  private readonly internal = new Map<string, EntityDef>();
  private readonly warnedPrefixes = new Set<string>();
  private size = 0;
  private expansion = 0;
  /** Characters since the last '<' in the input: bounds what saxes can accumulate in one token. */
  private run = 0;
  private decoder: TextDecoder | undefined;
  private head: Uint8Array | undefined = new Uint8Array(0);
  private dead = false;

  constructor(opts: ParseXmlOptions = {}) {
    this.limits = { ...DEFAULT_XML_LIMITS, ...opts.limits };
    this.file = opts.file;
    this.table = opts.entities ?? STS_ENTITIES;
    this.sax = new SaxesParser({
      xmlns: true,
      position: true,
      // Documents in the wild use tbx:/mml:/xlink: without declaring them (ISO's own samples do). Resolve the
      // well-known ones and say so, instead of rejecting the document.
      resolvePrefix: (prefix: string) => {
        const uri = KNOWN_NAMESPACES[prefix];
        if (uri && !this.warnedPrefixes.has(prefix)) {
          this.warnedPrefixes.add(prefix);
          this.warn('xml.undeclared_prefix', `namespace prefix "${prefix}:" is used without a declaration; assumed ${uri}`);
        }
        return uri;
      },
    });
    // saxes looks entities up as `ENTITIES[name]`; a proxy lets us resolve from our tables, count the expansion
    // budget and fail with the entity's name (saxes alone would say "undefined entity.").
    this.sax.ENTITIES = new Proxy({} as Record<string, string>, {
      get: (_t, name) => (typeof name === 'string' ? this.resolveReference(name) : undefined),
    });
    this.sax.on('doctype', (d) => this.onDoctype(d));
    this.sax.on('opentag', (t) => this.onOpen(t));
    this.sax.on('closetag', () => {
      this.stack.pop();
    });
    this.sax.on('text', (t) => this.onText(t));
    this.sax.on('cdata', (t) => this.onText(t));
  }

  /** Feeds a chunk. Byte input is decoded per the BOM / XML declaration (UTF-8, UTF-16, ISO-8859-1, …). */
  write(chunk: Uint8Array | string): void {
    if (this.dead) throw new Error('SafeXmlParser used after an error');
    try {
      this.size += chunk.length;
      if (this.size > this.limits.maxBytes)
        this.fail('xml.too_large', `input larger than ${this.limits.maxBytes} bytes; refused`);
      if (typeof chunk === 'string') {
        this.head = undefined;
        this.feed(chunk);
        return;
      }
      if (this.head) {
        // Collect the first bytes to sniff the encoding (BOM, then the XML declaration).
        const h = new Uint8Array(this.head.length + chunk.length);
        h.set(this.head);
        h.set(chunk, this.head.length);
        if (h.length < 256) {
          this.head = h;
          return;
        }
        this.head = undefined;
        this.startDecoder(h);
        this.feed(this.decode(h));
        return;
      }
      this.feed(this.decode(chunk));
    } catch (e) {
      throw this.wrap(e);
    }
  }

  /** Ends the input and returns the document tree (throws XmlError for a truncated or malformed document). */
  close(): XmlDocument {
    if (this.dead) throw new Error('SafeXmlParser used after an error');
    try {
      if (this.head) {
        const h = this.head;
        this.head = undefined;
        this.startDecoder(h);
        this.feed(this.decode(h));
      }
      if (this.decoder) this.feed(this.decodeEnd());
      this.sax.close();
      if (!this.root) this.fail('xml.malformed', 'no root element');
      return { root: this.root!, doctype: this.doctype, warnings: this.warnings, size: this.size };
    } catch (e) {
      throw this.wrap(e);
    }
  }

  // -- input ------------------------------------------------------------------------------------------------

  private startDecoder(head: Uint8Array): void {
    let label = 'utf-8';
    if (head[0] === 0xfe && head[1] === 0xff) label = 'utf-16be';
    else if (head[0] === 0xff && head[1] === 0xfe) label = 'utf-16le';
    else if (head[0] === 0x3c && head[1] === 0x00) label = 'utf-16le';
    else if (head[0] === 0x00 && head[1] === 0x3c) label = 'utf-16be';
    else {
      const ascii = Buffer.from(head.subarray(0, 256)).toString('latin1');
      const m = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(ascii);
      if (m) label = m[1].toLowerCase();
    }
    try {
      this.decoder = new TextDecoder(label, { fatal: true });
    } catch {
      this.fail('xml.encoding', `unsupported encoding "${label}"`);
    }
  }

  private decode(bytes: Uint8Array): string {
    try {
      return this.decoder!.decode(bytes, { stream: true });
    } catch {
      this.fail('xml.encoding', `bytes that are not valid ${this.decoder!.encoding}`);
    }
  }

  private decodeEnd(): string {
    try {
      return this.decoder!.decode();
    } catch {
      this.fail('xml.encoding', `input ends inside a ${this.decoder!.encoding} character`);
    }
  }

  private feed(text: string): void {
    if (!text) return;
    if (this.sax.line === 1 && this.sax.column === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // Feed in slices so the '<'-run check can stop a huge token before saxes has buffered all of it.
    const SLICE = 64 * 1024;
    for (let i = 0; i < text.length; i += SLICE) {
      const part = text.slice(i, i + SLICE);
      const lt = part.lastIndexOf('<');
      this.run = lt < 0 ? this.run + part.length : part.length - lt - 1;
      this.sax.write(part);
      if (this.run > this.limits.maxTextChars)
        this.fail('xml.text_too_large', `a text node, attribute value or comment is longer than ${this.limits.maxTextChars} characters; refused`);
    }
  }

  // -- tree -------------------------------------------------------------------------------------------------

  private onOpen(t: SaxesTagNS): void {
    if (this.stack.length >= this.limits.maxDepth)
      this.fail('xml.too_deep', `elements nested deeper than ${this.limits.maxDepth} levels; refused`);
    const names = Object.keys(t.attributes);
    if (names.length > this.limits.maxAttributes)
      this.fail('xml.too_many_attributes', `<${t.name}> has ${names.length} attributes (limit ${this.limits.maxAttributes})`);
    const attrs: Record<string, string> = {};
    for (const n of names) {
      const a = t.attributes[n];
      if (a.uri === XMLNS_NS || a.name === 'xmlns') continue;
      attrs[keyOf(a.prefix, a.local, a.uri)] = a.value;
    }
    const el: XmlElement = {
      name: t.name,
      key: keyOf(t.prefix, t.local, t.uri),
      local: t.local,
      prefix: t.prefix,
      uri: t.uri,
      attrs,
      children: [],
      line: this.sax.line,
      col: this.sax.column + 1,
    };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
    this.stack.push(el); // saxes emits closetag for self-closing tags too

  }

  private onText(text: string): void {
    if (text.length > this.limits.maxTextChars)
      this.fail('xml.text_too_large', `a text node is longer than ${this.limits.maxTextChars} characters; refused`);
    const parent = this.stack[this.stack.length - 1];
    if (!parent) return; // whitespace around the root (saxes rejects anything else)
    const last = parent.children.length - 1;
    if (last >= 0 && typeof parent.children[last] === 'string') parent.children[last] += text;
    else parent.children.push(text);
  }

  // -- entities ---------------------------------------------------------------------------------------------

  private resolveReference(name: string): string | undefined {
    let value: string | undefined;
    const def = this.internal.get(name);
    if (def) {
      if (def.kind === 'external')
        this.fail(
          'xml.external_entity',
          `entity &${name}; is external (${describeExternal(def)}); external entities are never loaded`,
        );
      value = (def as { value?: string }).value;
    } else {
      value = Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name] : Object.hasOwn(this.table, name) ? this.table[name] : undefined;
    }
    if (value === undefined) this.fail('xml.undefined_entity', `undefined entity &${name};`);
    this.expansion += value!.length;
    if (this.expansion > this.limits.maxEntityExpansion)
      this.fail('xml.entity_expansion', `entity references expand to more than ${this.limits.maxEntityExpansion} characters; refused`);
    return value;
  }

  private onDoctype(text: string): void {
    if (text.length > this.limits.maxDoctypeChars)
      this.fail('xml.too_large', `DOCTYPE longer than ${this.limits.maxDoctypeChars} characters; refused`);
    const endLine = this.sax.line;
    const startLine = endLine - countNewlines(text, 0, text.length);
    const posAt = (i: number): [number, number] => {
      const line = startLine + countNewlines(text, 0, i);
      const nl = text.lastIndexOf('\n', i - 1);
      return [line, nl < 0 ? i + 11 : i - nl]; // '<!DOCTYPE ' precedes the text on its first line
    };
    const head = /^\s*([^\s[>]+)(?:\s+(?:SYSTEM\s+("[^"]*"|'[^']*')|PUBLIC\s+("[^"]*"|'[^']*')\s*("[^"]*"|'[^']*')?))?\s*/.exec(text);
    const unq = (s: string | undefined) => (s ? s.slice(1, -1) : undefined);
    this.doctype = { name: head?.[1] ?? '', systemId: unq(head?.[2] ?? head?.[4]), publicId: unq(head?.[3]), declared: [] };
    const open = text.indexOf('[');
    if (open < 0) return;
    const close = text.lastIndexOf(']');
    if (close < open) this.fail('xml.malformed', 'DOCTYPE internal subset is not closed');
    this.parseInternalSubset(text, open + 1, close, posAt);
    for (const [name, def] of this.internal) if (def.kind === 'internal') this.expandEntity(name, [], posAt);
  }

  /** Reads declarations of the internal subset; only general entities matter, the rest is skipped. */
  private parseInternalSubset(s: string, i: number, end: number, posAt: (i: number) => [number, number]): void {
    const failAt = (id: XmlErrorId, msg: string, at: number): never => {
      const [l, c] = posAt(at);
      throw new XmlError(id, msg, l, c, this.file);
    };
    let count = 0;
    while (i < end) {
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++;
        continue;
      }
      if (s.startsWith('<!--', i)) {
        const e = s.indexOf('-->', i + 4);
        if (e < 0 || e > end) failAt('xml.malformed', 'unterminated comment in the DOCTYPE', i);
        i = e + 3;
        continue;
      }
      if (s.startsWith('<?', i)) {
        const e = s.indexOf('?>', i + 2);
        if (e < 0 || e > end) failAt('xml.malformed', 'unterminated processing instruction in the DOCTYPE', i);
        i = e + 2;
        continue;
      }
      if (c === '%') {
        const m = /^%([^\s;%]+);/.exec(s.slice(i, i + 200));
        const [l, col] = posAt(i);
        this.warnings.push({
          id: 'xml.parameter_entity_ignored',
          message: `parameter entity reference ${m ? `%${m[1]};` : '%…'} in the DOCTYPE is not expanded (external DTDs are never read)`,
          line: l,
          col,
        });
        i += m ? m[0].length : 1;
        continue;
      }
      if (s.startsWith('<![', i)) failAt('xml.unsupported_dtd', 'conditional sections are not allowed in the internal subset', i);
      if (!s.startsWith('<!', i)) failAt('xml.malformed', `unexpected "${s.slice(i, i + 20)}" in the DOCTYPE`, i);
      const declEnd = findDeclEnd(s, i + 2, end);
      if (declEnd < 0) failAt('xml.malformed', 'unterminated declaration in the DOCTYPE', i);
      const decl = s.slice(i, declEnd + 1);
      if (decl.startsWith('<!ENTITY')) {
        if (++count > this.limits.maxEntityDeclarations)
          failAt('xml.entity_expansion', `more than ${this.limits.maxEntityDeclarations} entity declarations; refused`, i);
        this.readEntityDecl(decl, i, posAt, failAt);
      } else if (!/^<!(ELEMENT|ATTLIST|NOTATION)\s/.test(decl)) {
        failAt('xml.malformed', `unknown declaration "${decl.slice(0, 30)}" in the DOCTYPE`, i);
      }
      i = declEnd + 1;
    }
  }

  private readEntityDecl(
    decl: string,
    at: number,
    posAt: (i: number) => [number, number],
    failAt: (id: XmlErrorId, msg: string, at: number) => never,
  ): void {
    const m =
      /^<!ENTITY\s+(%\s+)?([^\s%;&"'<>]+)\s+(?:("[^"]*"|'[^']*')|SYSTEM\s+("[^"]*"|'[^']*')|PUBLIC\s+("[^"]*"|'[^']*')\s+("[^"]*"|'[^']*'))(?:\s+NDATA\s+([^\s>]+))?\s*>$/.exec(
        decl,
      );
    if (!m) failAt('xml.malformed', `malformed entity declaration "${decl.slice(0, 60)}"`, at);
    const [, pe, name, literal, sys, pub, pubSys, ndata] = m!;
    const [line, col] = posAt(at);
    if (pe) {
      // Parameter entities only matter to a validating parser; they are never expanded here.
      if (!literal)
        this.warnings.push({ id: 'xml.external_dtd_ignored', message: `external parameter entity %${name}; is never loaded`, line, col });
      return;
    }
    if (Object.hasOwn(PREDEFINED, name) || this.internal.has(name)) return; // first declaration wins (XML 1.0 §4.2)
    this.doctype!.declared.push(name);
    if (literal !== undefined) this.internal.set(name, { kind: 'internal', raw: literal.slice(1, -1), line, col });
    else
      this.internal.set(name, {
        kind: 'external',
        systemId: (sys ?? pubSys)?.slice(1, -1),
        publicId: pub?.slice(1, -1),
        ndata,
        line,
        col,
      });
  }

  /** Fully expands an internal entity (memoised), enforcing size and depth limits. */
  private expandEntity(name: string, chain: string[], posAt: (i: number) => [number, number]): string {
    const def = this.internal.get(name)!;
    const where = (): [number, number] => [def.line, def.col];
    const failHere = (id: XmlErrorId, msg: string): never => {
      const [l, c] = where();
      throw new XmlError(id, msg, l, c, this.file);
    };
    if (def.kind === 'external')
      failHere('xml.external_entity', `entity &${name}; is external (${describeExternal(def)}); external entities are never loaded`);
    const d = def as Extract<EntityDef, { kind: 'internal' }>;
    if (d.value !== undefined) return d.value;
    if (chain.includes(name)) failHere('xml.entity_expansion', `entity &${name}; refers to itself (${[...chain, name].join(' → ')})`);
    if (chain.length >= this.limits.maxEntityDepth)
      failHere('xml.entity_expansion', `entity references nested deeper than ${this.limits.maxEntityDepth} levels (${[...chain, name].join(' → ')})`);
    if (/%[^\s;%]+;/.test(d.raw)) failHere('xml.unsupported_dtd', `entity &${name}; uses a parameter entity; not supported`);
    // Character references are expanded when the entity is declared (XML 1.0 §4.5); markup in the result would
    // have to be parsed as elements, which this parser refuses to do for entity text.
    const declared = d.raw.replace(/&#(x[0-9A-Fa-f]+|[0-9]+);/g, (ref, n: string) => {
      const cp = n[0] === 'x' ? parseInt(n.slice(1), 16) : parseInt(n, 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ref;
    });
    if (declared.includes('<')) failHere('xml.unsupported_dtd', `entity &${name}; contains markup; only text entities are supported`);
    let out = '';
    let i = 0;
    const re = /&([^\s&;]+);|&/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(declared))) {
      out += declared.slice(i, m.index);
      i = re.lastIndex;
      if (!m[1]) failHere('xml.malformed', `entity &${name}; contains a bare "&"`);
      const ref = m[1];
      let v: string | undefined;
      if (ref.startsWith('#')) {
        const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        v = Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
      } else if (this.internal.has(ref)) v = this.expandEntity(ref, [...chain, name], posAt);
      else if (Object.hasOwn(PREDEFINED, ref)) v = PREDEFINED[ref];
      else if (Object.hasOwn(this.table, ref)) v = this.table[ref];
      if (v === undefined) failHere('xml.undefined_entity', `entity &${name}; refers to undefined entity &${ref};`);
      out += v;
      if (out.length > this.limits.maxEntityChars)
        failHere('xml.entity_expansion', `entity &${name}; expands to more than ${this.limits.maxEntityChars} characters (entity expansion attack?); refused`);
    }
    out += declared.slice(i);
    if (out.length > this.limits.maxEntityChars)
      failHere('xml.entity_expansion', `entity &${name}; expands to more than ${this.limits.maxEntityChars} characters; refused`);
    d.value = out;
    return out;
  }

  // -- errors -----------------------------------------------------------------------------------------------

  private warn(id: string, message: string): void {
    this.warnings.push({ id, message, line: this.sax.line, col: this.sax.column + 1 });
  }

  private fail(id: XmlErrorId, message: string): never {
    throw new XmlError(id, message, this.sax.line, this.sax.column + 1, this.file);
  }

  /** Turns saxes' "line:col: message" errors into XmlError; marks the parser dead. */
  private wrap(e: unknown): Error {
    this.dead = true;
    if (e instanceof XmlError) return e;
    const msg = (e as Error)?.message ?? String(e);
    const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(msg);
    if (m) return new XmlError('xml.malformed', m[3], Number(m[1]), Number(m[2]) + 1, this.file);
    return new XmlError('xml.malformed', msg, this.sax.line, this.sax.column + 1, this.file);
  }
}

function describeExternal(d: Extract<EntityDef, { kind: 'external' }>): string {
  return [d.publicId ? `PUBLIC "${d.publicId}"` : '', d.systemId ? `SYSTEM "${d.systemId}"` : '', d.ndata ? `NDATA ${d.ndata}` : '']
    .filter(Boolean)
    .join(' ');
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Index of the '>' that ends a markup declaration starting before `i`, skipping quoted strings; -1 if none. */
function findDeclEnd(s: string, i: number, end: number): number {
  let q: string | null = null;
  for (; i < end; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** Parses a complete document held in memory (fed to saxes in slices, so limits apply as it goes). */
export function parseXml(input: Uint8Array | string, opts: ParseXmlOptions = {}): XmlDocument {
  const p = new SafeXmlParser(opts);
  const SLICE = 1024 * 1024;
  for (let i = 0; i < input.length; i += SLICE)
    p.write(typeof input === 'string' ? input.slice(i, i + SLICE) : input.subarray(i, i + SLICE));
  return p.close();
}

/**
 * Parses a stream of chunks. Stops reading at the first error (the source iterator is closed), so an oversized or
 * hostile input costs at most the limit, never its full size.
 */
export async function parseXmlStream(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  opts: ParseXmlOptions = {},
): Promise<XmlDocument> {
  const p = new SafeXmlParser(opts);
  for await (const chunk of input) p.write(chunk);
  return p.close();
}

/** Text content of a node (all descendant text, in order). */
export function textOf(node: XmlNode): string {
  if (typeof node === 'string') return node;
  let out = '';
  for (const c of node.children) out += textOf(c);
  return out;
}
