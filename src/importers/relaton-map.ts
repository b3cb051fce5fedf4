import { normaliseIdentifierText, parseIdentifier, type ParsedIdentifier } from '../catalogue/identifier.js';
import {
  isPartialDate,
  type Abstract,
  type Classification,
  type Contributor,
  type Identifier,
  type Link,
  type Relation,
  type StandardRecord,
  type Title,
  type TypedDate,
} from '../catalogue/model.js';
import { inverseRelation, isKnown } from '../catalogue/vocabularies.js';
import stageData from './iso-stages.json' with { type: 'json' };

/**
 * Mapping of one Relaton bibitem (as parsed from YAML, or converted from XML by gb-relaton.ts into the same
 * shape) to a StandardRecord. Lenient by design: Relaton data comes in several schema versions and from many
 * bodies, so every field accepts a scalar or a list, `content` wrappers or bare strings, and unknown values
 * become diagnostics, never exceptions.
 */

export type Obj = Record<string, unknown>;

/** A problem found while mapping one bibitem; the importer adds the file location. */
export interface MapIssue {
  id: string;
  severity: 'serious' | 'minor' | 'info';
  message: string;
}

export interface MapResult {
  /** null when the bibitem cannot become a record (no identifier, no title); issues say why. */
  record: StandardRecord | null;
  issues: MapIssue[];
}

// ---------------------------------------------------------------------------------------------------------------
// Lenient accessors
// ---------------------------------------------------------------------------------------------------------------

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a list: null/undefined → [], a list → itself, anything else → [it]. */
export function list(v: unknown): unknown[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * A copy of `s` that does not keep its source alive. Strings cut from a file's text (slice, trim, match) are
 * views of the whole text in V8; a map key or diagnostic that outlives the file would otherwise pin every file
 * of a 300 MB archive in memory (measured: 760 MB RSS without stores, before this).
 */
export function own(s: string): string {
  return (' ' + s).slice(1);
}

const NEEDS_COLLAPSE = /\s\s|[^\S ]/;

/** Text of a scalar or of a `{ content }` wrapper, whitespace-collapsed; undefined when empty. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') {
    // Most values need no collapsing; testing first saves a regex replace per field.
    const s = NEEDS_COLLAPSE.test(v) ? v.replace(/\s+/g, ' ').trim() : v.trim();
    return s === '' ? undefined : s;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? text(v[0]) : undefined;
  if (isObj(v)) return text(v.content ?? v.value ?? v['#text']);
  return undefined;
}

/** Like text() but keeps line breaks (abstracts). */
function longText(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = v.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim();
    return s === '' ? undefined : s;
  }
  if (isObj(v)) return longText(v.content ?? v.value);
  return text(v);
}

/** Table lookup that ignores inherited keys: a source value 'constructor' must not find Object's constructor. */
export function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Reads a field from `ext` (newer schemas) or the top level (older schemas). */
function extField(bib: Obj, ...keys: string[]): unknown {
  const ext = isObj(bib.ext) ? bib.ext : {};
  for (const k of keys) {
    if (ext[k] !== undefined && ext[k] !== null) return ext[k];
    if (bib[k] !== undefined && bib[k] !== null) return bib[k];
  }
  return undefined;
}

function firstLang(v: unknown): string | undefined {
  const l = text(list(v)[0]);
  return l ? l.toLowerCase() : undefined;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function langOf(o: Obj, content: string): string {
  const l = firstLang(o.language ?? o.lang);
  if (l) return l;
  const script = text(list(o.script)[0]);
  if (script === 'Hans' || script === 'Hant') return 'zh';
  return CJK.test(content) ? 'zh' : 'en';
}

function stripTags(s: string): string {
  return s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------------------------------
// Identifiers, body, document type
// ---------------------------------------------------------------------------------------------------------------

const parseCache = new Map<string, ParsedIdentifier | null>();

/**
 * parseIdentifier, memoised: the same numbers recur thousands of times in a catalogue (every edition names its
 * predecessors and successors), and parsing was 7 % of an ISO import. Results are shared: treat them as read-only.
 */
export function parseId(value: string): ParsedIdentifier | null {
  let p = parseCache.get(value);
  if (p === undefined) {
    const key = own(value);
    p = parseIdentifier(key);
    if (parseCache.size >= 200_000) parseCache.clear();
    parseCache.set(key, p);
  }
  return p;
}

/** Chinese national/sector code as a docid type ('JB' with id 'T13368', as relaton-gb YAML writes it). */
const CN_CODE_TYPE = /^(GB|GBZ|[A-Z]{2}|DB\d{2,6})$/;
const NON_NUMBER_TYPES = new Set(['URN', 'URI', 'DOI', 'ISBN', 'ISSN', 'iso-reference', 'iso-with-lang', 'iso-undated']);

/** Sector codes whose standards the Ministry of Industry and Information Technology approves (行业标准). */
const MIIT_SECTORS = new Set(['JB', 'HG', 'SJ', 'YD', 'QC', 'QB', 'FZ', 'YB', 'YS', 'JC', 'SH', 'XB']);

interface IdInfo {
  identifiers: Identifier[];
  primary: Identifier;
  parsed: ParsedIdentifier | null;
  chinese: boolean;
}

/** Identifier type of a Chinese number (model.ts Identifier.type): GB, sector, local, association or enterprise. */
export function chineseIdType(p: ParsedIdentifier): string {
  if (p.prefix.startsWith('T/')) return 'association';
  if (p.prefix.startsWith('Q/')) return 'enterprise';
  if (p.body === 'GB' || p.body === 'GBZ') return 'GB';
  return /^DB\d/.test(p.body) ? 'local' : 'sector';
}

/** Joins a Chinese code type with a bare number: ('JB', 'T13368') → 'JB/T13368'; ('GB', '12955-2024') → 'GB 12955-2024'. */
function joinChineseCode(type: string, value: string): string {
  if (!CN_CODE_TYPE.test(type) || value.toUpperCase().startsWith(type)) return value;
  if (/^[TZ]\s*\d/i.test(value)) return `${type}/${value}`;
  if (/^\d/.test(value)) return `${type} ${value}`;
  return value;
}

const idInfoCache = new WeakMap<Obj, IdInfo | null>();

/** Identifiers of a bibitem, computed once per parsed object (the importer asks for the key, then the record). */
function readIdentifiers(bib: Obj): IdInfo | null {
  let info = idInfoCache.get(bib);
  if (info === undefined) {
    info = computeIdentifiers(bib);
    idInfoCache.set(bib, info);
  }
  return info;
}

function computeIdentifiers(bib: Obj): IdInfo | null {
  const raw = list(bib.docid ?? bib.docidentifier ?? bib.identifier);
  const ids: { type: string; value: string; primary: boolean; parsed: ParsedIdentifier | null }[] = [];
  let chinese = false;
  for (const e of raw) {
    const o = isObj(e) ? e : { id: e };
    let value = text(o.id ?? o.content ?? o.value);
    if (!value) continue;
    let type = text(o.type) ?? '';
    if (type === 'Chinese Standard') chinese = true;
    value = joinChineseCode(type, value);
    const parsed = NON_NUMBER_TYPES.has(type) ? null : parseId(value);
    if (parsed && (((type === 'Chinese Standard' || CN_CODE_TYPE.test(type)) && parsed.nature !== undefined) || /^[TQ]\//.test(parsed.prefix))) {
      chinese = true;
      type = chineseIdType(parsed);
    }
    if (!type) type = parsed ? parsed.body : 'unknown';
    const primary = o.primary === true || o.primary === 'true';
    const v = parsed ? parsed.canonical : value;
    if (ids.some((x) => x.type === type && x.value === v)) continue;
    ids.push({ type, value: v, primary, parsed });
  }
  if (!ids.length) return null;
  const chosen = ids.find((i) => i.primary) ?? ids.find((i) => !NON_NUMBER_TYPES.has(i.type)) ?? ids[0];
  // Exactly one primary (some files flag several), placed first so identifiers[0] agrees with primaryIdentifier().
  const k = ids.indexOf(chosen);
  const identifiers: Identifier[] = ids.map((x) => ({ type: x.type, value: x.value }));
  const primary = identifiers[k];
  primary.primary = true;
  identifiers.splice(k, 1);
  identifiers.unshift(primary);
  if (chosen.parsed && chosen.parsed.nature !== undefined) chinese = true;
  return { identifiers, primary, parsed: chosen.parsed, chinese };
}

/**
 * Deduplication key of a bibitem (its primary identifier's lookup form), or null when it has none. Used by the
 * importer's first pass, which must agree with the mapping.
 */
export function primaryKeyOf(bib: unknown): string | null {
  if (!isObj(bib)) return null;
  const ids = readIdentifiers(bib);
  if (!ids) return null;
  // The same key as catalogue/normalise.ts identifierNorm(), through the memoised parse.
  return own((ids.parsed ? ids.parsed.canonical : normaliseIdentifierText(ids.primary.value)).toUpperCase());
}

/** URL slug for identifiers the parser does not know: only [A-Za-z0-9.-], as the parser's slugs. */
export function fallbackSlug(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200);
}

function bodyOf(info: IdInfo, bib: Obj): string {
  const p = info.parsed;
  if (p) {
    if (p.body === 'GB' || p.body === 'GBZ') return 'SAC';
    if (info.chinese && MIIT_SECTORS.has(p.body)) return 'MIIT';
    if (p.body.startsWith('ISO/IEC')) return 'ISO/IEC';
    if (p.body.startsWith('ISO/') || p.body === 'ISO') return 'ISO';
    if (p.body.startsWith('IEC')) return 'IEC';
    return p.body;
  }
  const v = info.primary.value.toUpperCase();
  if (v.startsWith('ISO/IEC')) return 'ISO/IEC';
  if (/^(ISO|IWA)\b/.test(v)) return 'ISO';
  if (/^IEC\b/.test(v)) return 'IEC';
  // Otherwise the publisher's abbreviation or the identifier type, preferring one the body vocabulary knows
  // (CISPR publishes through IEC: 'CISPR 11:2024' has docid type IEC).
  let publisher: string | undefined;
  for (const c of list(bib.contributor)) {
    if (!isObj(c) || !list(c.role).some((r) => text(isObj(r) ? r.type : r) === 'publisher')) continue;
    const org = isObj(c.organization) ? c.organization : undefined;
    publisher ??= org && text(org.abbreviation)?.toUpperCase();
  }
  const type = info.primary.type.toUpperCase();
  if (publisher && isKnown('body', publisher)) return publisher;
  if (isKnown('body', type)) return type;
  return publisher ?? type;
}

const DOC_TYPES: Record<string, string> = {
  'international-standard': 'international-standard',
  standard: 'standard',
  'national-standard': 'standard',
  'sector-standard': 'standard',
  'technical-specification': 'technical-specification',
  'technical-report': 'technical-report',
  'publicly-available-specification': 'publicly-available-specification',
  'international-workshop-agreement': 'international-workshop-agreement',
  guide: 'guide',
  amendment: 'amendment',
  addendum: 'amendment',
  'technical-corrigendum': 'corrigendum',
  corrigendum: 'corrigendum',
  directive: 'directives',
  directives: 'directives',
  recommendation: 'recommendation',
  'interpretation-sheet': 'other',
  specification: 'technical-specification',
  report: 'technical-report',
};

function docTypeOf(bib: Obj, parsed: ParsedIdentifier | null, issues: MapIssue[]): string {
  const last = parsed?.supplements[parsed.supplements.length - 1];
  if (last) {
    if (/^(amd|add|a|xg)$/i.test(last.type)) return 'amendment';
    if (/^(cor|ac)$/i.test(last.type)) return 'corrigendum';
  }
  const dt = extField(bib, 'doctype');
  const raw = text(isObj(dt) ? dt.type ?? dt.content : dt) ?? text(bib.type);
  if (!raw) return 'standard';
  const mapped = lookup(DOC_TYPES, raw.toLowerCase());
  if (mapped) return mapped;
  if (isKnown('doc_type', raw)) return raw;
  issues.push({ id: 'relaton.unknown_doctype', severity: 'minor', message: `unknown document type "${raw}" (kept as "other")` });
  return 'other';
}

// ---------------------------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------------------------

const HARMONIZED = stageData.harmonized as Record<string, { status: string; en: string }>;
const STAGE_DEFAULT = stageData.stages as Record<string, string>;
const NAMED = stageData.named as Record<string, string>;
const NAMED_CN = stageData.namedChinese as Record<string, string>;

/** Status from a Relaton docstatus: ISO harmonized code (stage + substage), or a named stage. */
export function statusOf(
  docstatus: unknown,
  chinese: boolean,
  parsed: ParsedIdentifier | null,
  issues: MapIssue[],
): { status: string; statusSource?: string; stage?: string } {
  const ds = isObj(docstatus) ? docstatus : docstatus === undefined ? undefined : { stage: docstatus };
  const stageV = ds && text(isObj(ds.stage) ? ds.stage.value ?? ds.stage.content : ds.stage);
  const subV = ds && text(isObj(ds.substage) ? ds.substage.value ?? ds.substage.content : ds.substage);
  if (!stageV) {
    if (parsed?.stage) {
      // 'ISO/DIS 1234' is a draft whatever the file omits; statusSource stays empty (the source printed none).
      issues.push({ id: 'relaton.status_from_identifier', severity: 'info', message: `no docstatus: under development by its identifier's stage ${parsed.stage}` });
      return { status: 'under-development' };
    }
    issues.push({ id: 'relaton.no_status', severity: 'info', message: 'no docstatus: status unknown' });
    return { status: 'unknown' };
  }
  const numeric = /^(\d{2})(?:\.(\d{2}))?$/.exec(stageV);
  if (numeric && (subV === undefined || /^\d{2}$/.test(subV))) {
    const st = numeric[1];
    const sub = numeric[2] ?? subV;
    const code = sub ? `${st}.${sub}` : st;
    const status = (sub ? HARMONIZED[code]?.status : undefined) ?? STAGE_DEFAULT[st];
    if (!status) {
      issues.push({ id: 'relaton.unknown_stage', severity: 'minor', message: `unknown harmonized stage code "${code}"` });
      return { status: 'unknown', statusSource: code, stage: code };
    }
    return { status, statusSource: code, stage: code };
  }
  const source = subV ? `${stageV} ${subV}` : stageV;
  const key = stageV.toLowerCase().replace(/[\s_]+/g, '-');
  const status = (chinese ? lookup(NAMED_CN, stageV) ?? lookup(NAMED_CN, key) : undefined) ?? lookup(NAMED, key);
  if (!status) {
    issues.push({ id: 'relaton.unknown_status', severity: 'minor', message: `unknown document status "${source}"` });
    return { status: 'unknown', statusSource: source };
  }
  return { status, statusSource: source };
}

// ---------------------------------------------------------------------------------------------------------------
// Dates, titles, classifications, contributors, links
// ---------------------------------------------------------------------------------------------------------------

/** Relaton date types → vocabularies date_type; null = retrieval metadata, not a fact about the document. */
const DATE_TYPES: Record<string, string | null> = {
  published: 'published',
  issued: 'issued',
  implemented: 'implemented',
  obsoleted: 'obsoleted',
  updated: 'updated',
  // A corrected reprint is an update of the same edition; the vocabulary has no 'corrected'.
  corrected: 'updated',
  circulated: 'circulated',
  created: 'created',
  confirmed: 'confirmed',
  announced: 'announced',
  withdrawn: 'withdrawn',
  abolished: 'abolished',
  'stage-date': 'stage-date',
  accessed: null,
  fetched: null,
};

/** Normalises a date value to 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; undefined when it is not a real date. */
export function normaliseDate(v: unknown): string | undefined {
  const s = text(v);
  if (!s) return undefined;
  const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m || !isPartialDate(m[1])) return undefined;
  return m[1];
}

function readDates(bib: Obj, issues: MapIssue[]): TypedDate[] {
  const out: TypedDate[] = [];
  for (const d of list(bib.date)) {
    if (!isObj(d)) continue;
    const rawType = text(d.type) ?? 'published';
    const type = Object.hasOwn(DATE_TYPES, rawType) ? DATE_TYPES[rawType] : isKnown('date_type', rawType) ? rawType : undefined;
    if (type === null) continue;
    // value (YAML 1.x), on/from (XML and older YAML), at (schema 1.5+).
    const rawValue = d.value ?? d.on ?? d.at ?? d.from ?? (isObj(d.content) ? undefined : d.content);
    if (type === undefined) {
      issues.push({ id: 'relaton.unknown_date_type', severity: 'minor', message: `unknown date type "${rawType}" (${text(rawValue) ?? ''}) dropped` });
      continue;
    }
    const value = normaliseDate(rawValue);
    if (!value) {
      issues.push({ id: 'relaton.bad_date', severity: 'minor', message: `${rawType} date "${text(rawValue) ?? ''}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD): dropped` });
      continue;
    }
    if (!out.some((x) => x.type === type)) out.push({ type, value });
  }
  return out;
}

function readTitles(bib: Obj): Title[] {
  const out: Title[] = [];
  for (const t of list(bib.title)) {
    const o = isObj(t) ? t : { content: t };
    let content = text(o.content);
    if (!content) continue;
    if (/html|xml/.test(text(o.format) ?? '')) content = text(stripTags(content));
    if (!content) continue;
    const lang = langOf(o, content);
    const type = text(o.type) ?? 'main';
    if (!out.some((x) => x.lang === lang && x.type === type && x.text === content)) out.push({ lang, type, text: content });
  }
  // Every language gets a 'main' title (the full title as printed) so lists and search have one string to show.
  for (const lang of [...new Set(out.map((t) => t.lang))]) {
    if (out.some((t) => t.lang === lang && t.type === 'main')) continue;
    const part = (type: string) => out.find((t) => t.lang === lang && t.type === type)?.text;
    const joined = [part('title-intro'), part('title-main'), part('title-part')].filter(Boolean).join(' - ');
    if (joined) out.push({ lang, type: 'main', text: joined });
  }
  return out;
}

function readAbstracts(bib: Obj): Abstract[] {
  const out: Abstract[] = [];
  for (const a of list(bib.abstract)) {
    const o = isObj(a) ? a : { content: a };
    let content = longText(o.content);
    if (!content) continue;
    // IEC abstracts carry <br/> without declaring a format.
    if (/html|xml/.test(text(o.format) ?? '') || /<br\s*\/?>/i.test(content)) content = longText(stripTags(content.replace(/<br\s*\/?>\n?/gi, '\n')));
    if (!content) continue;
    const lang = langOf(o, content);
    if (!out.some((x) => x.lang === lang)) out.push({ lang, text: content });
  }
  return out;
}

const ICS_RE = /^\d{2}(?:\.\d{3}(?:\.\d{2})?)?$/;
const CCS_RE = /^[A-Z]\d{2}$/;

function readClassifications(bib: Obj, issues: MapIssue[]): Classification[] {
  const out: Classification[] = [];
  const add = (scheme: 'ics' | 'ccs', code: string) => {
    if (!out.some((c) => c.scheme === scheme && c.code === code)) out.push({ scheme, code });
  };
  for (const i of list(extField(bib, 'ics', 'ics_code'))) {
    const o = isObj(i) ? i : { code: i };
    let code = text(o.code);
    if (!code && o.field !== undefined) code = [o.field, o.group, o.subgroup].map(text).filter(Boolean).join('.');
    if (!code) continue;
    // An unquoted 01.020 in YAML is the number 1.02: restore the two-digit field and the three-digit group.
    const num = /^(\d{1,2})\.(\d{1,3})$/.exec(code);
    if (num) code = `${num[1].padStart(2, '0')}.${num[2].padEnd(3, '0')}`;
    if (ICS_RE.test(code)) add('ics', code);
    else issues.push({ id: 'relaton.bad_ics', severity: 'minor', message: `ICS code "${code}" is malformed: dropped` });
  }
  for (const c of list(extField(bib, 'ccs'))) {
    const code = text(isObj(c) ? c.code : c)?.toUpperCase();
    if (!code) continue;
    if (CCS_RE.test(code)) add('ccs', code);
    else issues.push({ id: 'relaton.bad_ccs', severity: 'minor', message: `CCS code "${code}" is malformed: dropped` });
  }
  return out;
}

const ROLES: Record<string, string> = {
  publisher: 'publisher',
  author: 'author',
  editor: 'editor',
  authorizer: 'responsible-body',
  'drafting-organisation': 'drafting-organisation',
  drafter: 'drafter',
  'responsible-body': 'responsible-body',
  'competent-department': 'competent-department',
  proponent: 'proponent',
};

function readContributors(bib: Obj, issues: MapIssue[]): Contributor[] {
  const out: Contributor[] = [];
  for (const c of list(bib.contributor)) {
    if (!isObj(c)) continue;
    const roles = list(c.role).map((r) => text(isObj(r) ? r.type : r)).filter((r): r is string => !!r);
    const org = isObj(c.organization) ? c.organization : isObj(c.entity) ? c.entity : undefined;
    const person = isObj(c.person) ? c.person : undefined;
    const names: { name: string; lang?: string }[] = [];
    let abbreviation: string | undefined;
    if (org) {
      for (const n of list(org.name)) {
        const name = text(n);
        if (name) names.push({ name, ...(isObj(n) && firstLang(n.language) ? { lang: firstLang(n.language) } : {}) });
      }
      abbreviation = text(org.abbreviation);
    } else if (person) {
      const pn = isObj(person.name) ? person.name : {};
      const full =
        text(pn.completename) ??
        [...list(pn.forename).map(text), text(pn.surname)].filter(Boolean).join(' ');
      if (full) names.push({ name: full });
    }
    if (!names.length && abbreviation) names.push({ name: abbreviation });
    for (const raw of roles.length ? roles : ['publisher']) {
      const role = lookup(ROLES, raw);
      if (!role) {
        issues.push({ id: 'relaton.unknown_role', severity: 'minor', message: `unknown contributor role "${raw}" dropped` });
        continue;
      }
      for (const n of names) {
        if (out.some((x) => x.role === role && x.name === n.name)) continue;
        out.push({ role, name: n.name, ...(abbreviation ? { abbreviation } : {}), ...(n.lang ? { lang: n.lang } : {}) });
      }
    }
  }
  return out;
}

function readLinks(bib: Obj, issues: MapIssue[]): Link[] {
  const out: Link[] = [];
  // link (YAML 1.x), uri (XML), source (schema 1.5+).
  for (const l of [...list(bib.link), ...list(bib.uri), ...list(bib.source)]) {
    const o = isObj(l) ? l : { content: l };
    const url = text(o.content ?? o.url);
    if (!url) continue;
    // Only web links: a javascript: or file: URL from a data file must never reach a page.
    if (!/^https?:\/\/[^\s]+$/i.test(url)) {
      issues.push({ id: 'relaton.bad_link', severity: 'minor', message: `link "${url.slice(0, 100)}" is not an http(s) URL: dropped` });
      continue;
    }
    const type = text(o.type) ?? 'src';
    if (!out.some((x) => x.url === url)) out.push({ type, url });
  }
  return out;
}

function readCommittee(bib: Obj, body: string): string | undefined {
  const eg = extField(bib, 'editorialgroup');
  if (isObj(eg)) {
    const tc = list(eg.technical_committee ?? eg['technical-committee'])[0];
    if (isObj(tc)) {
      const id = text(tc.identifier);
      if (id) return id;
      const number = text(tc.number);
      const type = text(tc.type) ?? 'TC';
      if (number) {
        let c = `${body}/${type} ${number}`;
        const sc = list(eg.subcommittee)[0];
        if (isObj(sc) && text(sc.number)) c += `/${text(sc.type) ?? 'SC'} ${text(sc.number)}`;
        return c;
      }
      return text(tc.name);
    }
  }
  const cn = extField(bib, 'committee', 'gbcommittee');
  const named = text(isObj(cn) ? cn.name ?? cn.content : cn);
  if (named) return named;
  // Schema 1.5+ names the committee as a subdivision of the authoring organisation.
  for (const c of list(bib.contributor)) {
    const org = isObj(c) && isObj(c.organization) ? c.organization : undefined;
    for (const sd of list(org?.subdivision)) {
      if (isObj(sd) && /committee/.test(text(sd.type) ?? '')) {
        const name = text(sd.name ?? sd.identifier);
        if (name) return name;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Relations
// ---------------------------------------------------------------------------------------------------------------

/** Relaton relation type → vocabularies relation_type (and the adoption degree it implies). */
const RELATION_TYPES: Record<string, { type: string; degree?: Relation['degree'] }> = {
  obsoletes: { type: 'replaces' },
  obsoletedBy: { type: 'replacedBy' },
  replaces: { type: 'replaces' },
  replacedBy: { type: 'replacedBy' },
  successorOf: { type: 'replaces' },
  hasSuccessor: { type: 'replacedBy' },
  updates: { type: 'updates' },
  updatedBy: { type: 'updatedBy' },
  amends: { type: 'amends' },
  amendedBy: { type: 'amendedBy' },
  hasAmendment: { type: 'amendedBy' },
  corrects: { type: 'corrects' },
  correctedBy: { type: 'correctedBy' },
  hasCorrigendum: { type: 'correctedBy' },
  adoptedFrom: { type: 'adoptedFrom' },
  adoptedAs: { type: 'adoptedAs' },
  identicalAdoptedFrom: { type: 'adoptedFrom', degree: 'IDT' },
  modifiedAdoptedFrom: { type: 'adoptedFrom', degree: 'MOD' },
  nonEquivalentAdoptedFrom: { type: 'adoptedFrom', degree: 'NEQ' },
  partOf: { type: 'partOf' },
  hasPart: { type: 'hasPart' },
  includedIn: { type: 'partOf' },
  includes: { type: 'hasPart' },
  instanceOf: { type: 'instanceOf' },
  hasInstance: { type: 'hasInstance' },
  editionOf: { type: 'instanceOf' },
  hasEdition: { type: 'hasInstance' },
  hasDraft: { type: 'hasDraft' },
  draftOf: { type: 'draftOf' },
  translatedFrom: { type: 'translatedFrom' },
  hasTranslation: { type: 'hasTranslation' },
  cites: { type: 'cites' },
  citedBy: { type: 'citedBy' },
  isCitedIn: { type: 'citedBy' },
};

/** Types stating that this document is the newer one ('A replaces B' ⇒ A is newer), with their inverses. */
const CHRONOLOGICAL_FORWARD = new Set(['replaces', 'updates', 'amends', 'corrects']);
const CHRONOLOGICAL_BACKWARD = new Set(['replacedBy', 'updatedBy', 'amendedBy', 'correctedBy']);

function supplementKind(p: ParsedIdentifier): 'amend' | 'correct' | undefined {
  const last = p.supplements[p.supplements.length - 1];
  if (!last) return undefined;
  return /^(cor|ac)$/i.test(last.type) ? 'correct' : 'amend';
}

/** The canonical form without its last supplement ('ISO 9001:2015/Amd 1:2024' → 'ISO 9001:2015'). */
function baseOf(p: ParsedIdentifier): string | undefined {
  if (!p.supplements.length) return undefined;
  return p.canonical.slice(0, p.canonical.lastIndexOf('/'));
}

/** Year a document appeared: its last supplement's year, else its own year. */
function editionYear(p: ParsedIdentifier | null): number | undefined {
  if (!p) return undefined;
  return p.supplements[p.supplements.length - 1]?.year ?? (p.supplements.length ? undefined : p.year);
}

function relationTarget(bi: Obj): { target?: string; year?: number } {
  const ids = list(bi.docid ?? bi.docidentifier);
  const pick = ids.find((d) => isObj(d) && (d.primary === true || d.primary === 'true')) ?? ids[0];
  let target = text(isObj(pick) ? pick.id ?? pick.content : pick);
  if (isObj(pick) && target) target = joinChineseCode(text(pick.type) ?? '', target);
  target ??= text(bi.formattedref) ?? text(bi.id);
  let year: number | undefined;
  for (const d of list(bi.date)) {
    if (isObj(d) && (text(d.type) ?? 'published') === 'published') {
      const v = normaliseDate(d.value ?? d.on ?? d.at);
      if (v) year = Number(v.slice(0, 4));
    }
  }
  return { target, year };
}

/**
 * Maps relations and normalises their direction. Relaton's names are directional but misused (ISO data has an
 * older edition 'update' its successor): chronological types are flipped when publication years contradict
 * them, links between a document and its own amendment/corrigendum get the precise type, and a flipped
 * 'updates' between two editions of one document becomes 'replacedBy' (what relaton-iso means by it).
 */
function readRelations(bib: Obj, self: ParsedIdentifier | null, selfYear: number | undefined, issues: MapIssue[]): Relation[] {
  const out: Relation[] = [];
  const flips: string[] = [];
  for (const r of list(bib.relation)) {
    if (!isObj(r)) continue;
    const raw = text(r.type);
    const bi = isObj(r.bibitem) ? r.bibitem : {};
    const { target: rawTarget, year: dateYear } = relationTarget(bi);
    if (!raw || !rawTarget) {
      issues.push({ id: 'relaton.bad_relation', severity: 'minor', message: `relation without ${raw ? 'target' : 'type'} dropped` });
      continue;
    }
    const mapped = lookup(RELATION_TYPES, raw) ?? (isKnown('relation_type', raw) ? { type: raw } : undefined);
    if (!mapped) {
      issues.push({ id: 'relaton.unknown_relation', severity: 'minor', message: `unknown relation type "${raw}" to ${rawTarget} dropped` });
      continue;
    }
    const tp = parseId(rawTarget);
    const target = tp ? tp.canonical : rawTarget;
    let type = mapped.type;
    if (self && tp && (type === 'updates' || type === 'updatedBy')) {
      if (baseOf(tp) === self.canonical) type = supplementKind(tp) === 'correct' ? 'correctedBy' : 'amendedBy';
      else if (baseOf(self) === tp.canonical) type = supplementKind(self) === 'correct' ? 'corrects' : 'amends';
    }
    const targetYear = editionYear(tp) ?? dateYear;
    if (selfYear !== undefined && targetYear !== undefined) {
      const contradicts =
        (CHRONOLOGICAL_FORWARD.has(type) && targetYear > selfYear) || (CHRONOLOGICAL_BACKWARD.has(type) && targetYear < selfYear);
      if (contradicts) {
        let flipped = inverseRelation(type) ?? type;
        const sameWork = self && tp && !self.supplements.length && !tp.supplements.length && self.familyKey === tp.familyKey;
        if (flipped === 'updatedBy' && sameWork) flipped = 'replacedBy';
        if (flipped === 'updates' && sameWork) flipped = 'replaces';
        flips.push(`${raw} ${target} (${targetYear} vs ${selfYear}) → ${flipped}`);
        type = flipped;
      }
    }
    const degree = mapped.degree ?? degreeOf(r.description ?? bi.degree);
    if (out.some((x) => x.type === type && x.target === target)) continue;
    out.push({ type, target, ...(degree && (type === 'adoptedFrom' || type === 'adoptedAs') ? { degree } : {}) });
  }
  if (flips.length) {
    issues.push({ id: 'relaton.relation_flipped', severity: 'info', message: `relation direction contradicted publication years, flipped: ${flips.join('; ')}` });
  }
  return out;
}

function degreeOf(v: unknown): Relation['degree'] | undefined {
  const s = text(v)?.toUpperCase();
  if (!s) return undefined;
  if (/\bIDT\b|IDENTICAL|等同/.test(s)) return 'IDT';
  if (/\bMOD\b|MODIFIED|修改/.test(s)) return 'MOD';
  if (/\bNEQ\b|NOT EQUIVALENT|NON-?EQUIVALENT|非等效/.test(s)) return 'NEQ';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------------------------

/** Maps one Relaton bibitem to a StandardRecord; `ref` is the source file name kept in record.source. */
export function bibToRecord(bib: unknown, ref: string): MapResult {
  const issues: MapIssue[] = [];
  if (!isObj(bib)) {
    issues.push({ id: 'relaton.not_bibitem', severity: 'serious', message: 'document is not a Relaton bibitem (expected a mapping)' });
    return { record: null, issues };
  }
  const info = readIdentifiers(bib);
  if (!info) {
    issues.push({ id: 'relaton.no_identifier', severity: 'serious', message: 'bibitem has no docid/docidentifier: not imported' });
    return { record: null, issues };
  }
  const { primary, parsed, chinese } = info;
  if (!parsed) {
    issues.push({ id: 'relaton.unparsed_identifier', severity: 'minor', message: `primary identifier "${primary.value}" is not a known identifier form: kept as printed` });
  }
  const titles = readTitles(bib);
  if (!titles.length) {
    issues.push({ id: 'relaton.no_title', severity: 'serious', message: `${primary.value} has no title: not imported` });
    return { record: null, issues };
  }
  const body = bodyOf(info, bib);
  if (!isKnown('body', body)) {
    issues.push({ id: 'relaton.unknown_body', severity: 'minor', message: `publishing body "${body}" is not in the body vocabulary` });
  }
  const dates = readDates(bib, issues);
  const dateYear = (() => {
    const d = dates.find((x) => x.type === 'published') ?? dates.find((x) => x.type === 'issued');
    return d ? Number(d.value.slice(0, 4)) : undefined;
  })();
  const year = editionYear(parsed) ?? dateYear;
  const status = statusOf(bib.docstatus ?? bib.status, chinese, parsed, issues);
  const gbtype = extField(bib, 'gbtype');
  const mandate = isObj(gbtype) ? text(gbtype.mandate ?? gbtype.gbmandate) : undefined;
  const nature =
    mandate === 'mandatory' ? 'mandatory' : mandate === 'recommended' ? 'recommended' : mandate === 'guidelines' || mandate === 'guidance' ? 'guidance' : parsed?.nature;
  const edition = text(isObj(bib.edition) ? bib.edition.content : bib.edition);
  const committee = readCommittee(bib, body);
  const extra: Record<string, unknown> = {};
  const relatonId = text(bib.id);
  if (relatonId) extra.relatonId = relatonId;
  const si = extField(bib, 'structuredidentifier');
  const project = isObj(si) ? text(si.project_number ?? si['project-number']) : undefined;
  if (project) extra.projectNumber = project;
  const copyright = list(bib.copyright)
    .filter(isObj)
    .map((c) => {
      const owner = list(c.owner).map((o) => text(isObj(o) ? (isObj(o.organization) ? o.organization.name : o.name) ?? o.abbreviation : o)).filter(Boolean);
      return { owner: owner.join(', '), ...(text(c.from) ? { from: text(c.from) } : {}), ...(text(c.to) ? { to: text(c.to) } : {}) };
    })
    .filter((c) => c.owner);
  if (copyright.length) extra.copyright = copyright;
  if (isObj(gbtype)) {
    const g: Record<string, string> = {};
    for (const k of ['scope', 'prefix', 'mandate', 'topic']) {
      const v = text(gbtype[k] ?? gbtype[`gb${k}`]);
      if (v) g[k] = v;
    }
    extra.gbType = g;
  }
  const record: StandardRecord = {
    id: parsed ? parsed.slug : fallbackSlug(primary.value),
    identifiers: info.identifiers,
    body,
    docType: docTypeOf(bib, parsed, issues),
    ...(nature ? { nature } : {}),
    titles,
    dates,
    status: status.status,
    ...(status.statusSource ? { statusSource: status.statusSource } : {}),
    ...(status.stage ? { stage: status.stage } : {}),
    ...(edition ? { edition } : {}),
    ...(year !== undefined ? { year } : {}),
    classifications: readClassifications(bib, issues),
    ...(committee ? { committee } : {}),
    contributors: readContributors(bib, issues),
    abstracts: readAbstracts(bib),
    relations: readRelations(bib, parsed, year, issues),
    links: readLinks(bib, issues),
    keywords: [...new Set(list(bib.keyword).map(text).filter((k): k is string => !!k))],
    source: { importer: 'relaton', ref },
    ...(Object.keys(extra).length ? { extra } : {}),
  };
  if (!record.id) {
    issues.push({ id: 'relaton.no_identifier', severity: 'serious', message: `identifier "${primary.value}" gives no usable id: not imported` });
    return { record: null, issues };
  }
  return { record, issues };
}
