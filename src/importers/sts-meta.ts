/**
 * STS metadata blocks → catalogue records (StandardRecord, Relaton-aligned).
 *
 * ISO STS has three organisational metadata containers — <iso-meta> (the ISO document), <reg-meta> (a regional
 * adoption, e.g. EN ISO …) and <nat-meta> (a national adoption, e.g. BS EN ISO …); NISO STS 1.2 adds <std-meta>
 * (any body; @std-org-type says which) and <std-doc-meta>. Each block with a usable identifier becomes one record.
 * The identifier comes from the dated <std-ref>, else from <std-ident> parts, else <doc-ref>, and is put through
 * the one identifier parser (catalogue/identifier.ts).
 *
 * STS does not say whether a document is in force, so status is 'unknown' (or 'draft' for WD/CD/DIS/FDIS
 * release versions) with the printed release version kept in statusSource.
 */
import { parseIdentifier, type ParsedIdentifier } from '../catalogue/identifier.js';
import { isPartialDate, type Contributor, type Relation, type StandardRecord, type Title } from '../catalogue/model.js';
import { isKnown } from '../catalogue/vocabularies.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { textOf, type XmlElement } from '../xml/safe-sax.js';

/** The metadata containers of ISO STS and NISO STS fronts. */
export const META_KEYS = ['iso-meta', 'reg-meta', 'nat-meta', 'std-meta', 'std-doc-meta'] as const;

const ws = (s: string) => s.replace(/[ \t\r\n\u00a0]+/g, ' ').trim();
const elements = (el: XmlElement) => el.children.filter((c): c is XmlElement => typeof c !== 'string');
const children = (el: XmlElement, key: string) => elements(el).filter((c) => c.key === key);
const text = (el: XmlElement | undefined) => (el ? ws(textOf(el)) : '');
/** Text of the first child with that key, ignoring placeholders such as 'N/A'. */
function field(el: XmlElement, key: string): string {
  const v = text(children(el, key)[0]);
  return /^(n\/?a|none|-+|\?+)$/i.test(v) ? '' : v;
}

/**
 * How specific a metadata block is: the national adoption is the document in hand, the regional and
 * international ones are what it adopts. NISO's <std-meta> says so in @std-org-type.
 */
export function metaRank(meta: XmlElement): number {
  switch (meta.key) {
    case 'nat-meta':
      return 3;
    case 'reg-meta':
      return 2;
    case 'iso-meta':
      return 1;
    case 'std-doc-meta':
      return 0;
    default: {
      const t = (meta.attrs['std-org-type'] ?? meta.attrs['std-meta-type'] ?? '').toLowerCase();
      if (/national|adopting/.test(t)) return 3;
      if (/regional/.test(t)) return 2;
      if (/international/.test(t)) return 1;
      return 1.5;
    }
  }
}

export interface MetaContext {
  file: string;
  diagnostics: Diagnostic[];
  /** Language of the document when the block does not say (standard/@xml:lang). */
  fallbackLang?: string;
}

export interface MetaRecord {
  record: StandardRecord;
  /** Language of the content, from <content-language> (else the fallback). */
  lang: string;
  meta: XmlElement;
}

const DOC_TYPES: Record<string, string> = {
  is: 'standard',
  st: 'standard',
  standard: 'standard',
  'international standard': 'standard',
  ts: 'technical-specification',
  tr: 'technical-report',
  pas: 'publicly-available-specification',
  iwa: 'international-workshop-agreement',
  guide: 'guide',
  amd: 'amendment',
  amendment: 'amendment',
  cor: 'corrigendum',
  corrigendum: 'corrigendum',
  directives: 'directives',
  r: 'recommendation',
  rec: 'recommendation',
};
const DRAFT_RELEASES = /^(pwi|np|nwip|awi|wd|cd|cdv|dis|fdis|prf|dts|dtr|dpas|draft|enquiry|prenorm|fpren|pren)$/i;
const RELATION_ALIASES: Record<string, string> = {
  replaces: 'replaces',
  supersedes: 'replaces',
  revises: 'replaces',
  'replaced-by': 'replacedBy',
  'superseded-by': 'replacedBy',
  amends: 'amends',
  'amended-by': 'amendedBy',
  corrects: 'corrects',
  'corrected-by': 'correctedBy',
  adopts: 'adoptedFrom',
  'adopted-from': 'adoptedFrom',
  'adopted-as': 'adoptedAs',
  'is-adopted-as': 'adoptedAs',
  cites: 'cites',
  'part-of': 'partOf',
  'has-part': 'hasPart',
  'translation-of': 'translatedFrom',
  'translated-from': 'translatedFrom',
  'has-translation': 'hasTranslation',
};

/** Identifier text from a printed reference: 'ISO 13849-1:2006-11' → 'ISO 13849-1:2006', 'ISO 2560:2009(en)' → 'ISO 2560:2009'. */
function cleanRef(s: string): string {
  return ws(s)
    .replace(/\s*\((?:[a-z]{2}(?:[,/][a-z]{2})*|E|F|R)\)$/i, '')
    .replace(/:(\d{4})-\d{2}(?:-\d{2})?$/, ':$1');
}

function yearOf(v: string): number | undefined {
  const m = /^(\d{4})/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Builds 'ISO/TS 12345-2:2020' style text from <std-ident> parts. */
function fromStdIdent(meta: XmlElement, year: number | undefined): string {
  const si = children(meta, 'std-ident')[0];
  if (!si) return '';
  const org = field(si, 'originator');
  const num = field(si, 'doc-number');
  if (!org || !num || !/\d/.test(num)) return '';
  const type = field(si, 'doc-type').toLowerCase();
  const typePart = { ts: '/TS', tr: '/TR', pas: '/PAS', guide: ' Guide' }[type] ?? '';
  const part = field(si, 'part-number');
  let s = `${org}${typePart} ${num}${part ? `-${part}` : ''}${year ? `:${year}` : ''}`;
  const st = field(si, 'suppl-type');
  const sn = field(si, 'suppl-number');
  if (st && sn) s += `/${st[0].toUpperCase()}${st.slice(1).toLowerCase()} ${sn}`;
  return s;
}

/** The identifier of a metadata block: parsed when possible, else the printed text; null when there is none. */
export function identifierOf(meta: XmlElement): { text: string; parsed: ParsedIdentifier | null } | null {
  const refs = children(meta, 'std-ref');
  const dated = refs.find((r) => (r.attrs.type ?? '').toLowerCase() === 'dated');
  const undated = refs.find((r) => (r.attrs.type ?? '').toLowerCase() === 'undated');
  const year = yearOf(field(meta, 'release-date')) ?? yearOf(field(meta, 'pub-date'));
  const candidates = [
    text(dated),
    ...refs.filter((r) => r !== dated && r !== undated).map(text),
    fromStdIdent(meta, year),
    field(meta, 'doc-ref'),
    undated && year ? `${text(undated)}:${year}` : '',
    text(undated),
  ]
    .map(cleanRef)
    .filter((c) => c && !/^(n\/?a|none)$/i.test(c));
  for (const c of candidates) {
    const p = parseIdentifier(c);
    if (p) return { text: p.canonical, parsed: p };
  }
  // Unparsed but plausible (has a number): keep as printed rather than lose the document.
  const plausible = candidates.find((c) => /\d/.test(c));
  return plausible ? { text: plausible, parsed: null } : null;
}

/** The parser's body codes where the catalogue's vocabulary names the body differently (GB/T … is published by SAC). */
const BODY_ALIASES: Record<string, string> = { GB: 'SAC' };

function slugOf(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Finds an adoption degree (IDT/MOD/NEQ) stated in a metadata block. */
export function adoptionDegree(meta: XmlElement): 'IDT' | 'MOD' | 'NEQ' | undefined {
  const norm = (v: string): 'IDT' | 'MOD' | 'NEQ' | undefined => {
    const s = v.trim().toUpperCase();
    if (/^(IDT|IDENTICAL)$/.test(s)) return 'IDT';
    if (/^(MOD|MODIFIED)$/.test(s)) return 'MOD';
    if (/^(NEQ|NOT[- ]EQUIVALENT|NON[- ]EQUIVALENT)$/.test(s)) return 'NEQ';
    return undefined;
  };
  for (const cm of descendantsOf(meta, 'custom-meta')) {
    const name = text(children(cm, 'meta-name')[0]).toLowerCase();
    if (/adopt|degree|equivalen|correspond/.test(name)) {
      const d = norm(text(children(cm, 'meta-value')[0]));
      if (d) return d;
    }
  }
  for (const x of children(meta, 'std-xref')) {
    const d = norm(x.attrs.type ?? '') ?? /\b(IDT|MOD|NEQ)\b/.exec(text(x))?.[1];
    if (d) return d as 'IDT' | 'MOD' | 'NEQ';
  }
  // As printed in national titles and references: '… (ISO 13849-1:2006, IDT)'.
  for (const el of [...children(meta, 'std-ref'), ...descendantsOf(meta, 'full'), ...children(meta, 'doc-ref')]) {
    const m = /\(\s*[^()]*\d[^()]*,\s*(IDT|MOD|NEQ)\s*\)/.exec(text(el));
    if (m) return m[1] as 'IDT' | 'MOD' | 'NEQ';
  }
  return undefined;
}

function descendantsOf(el: XmlElement, key: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of elements(el)) {
    if (c.key === key) out.push(c);
    out.push(...descendantsOf(c, key));
  }
  return out;
}

/** Converts one metadata block; returns null (with a diagnostic) when it has no identifier. */
export function recordFromMeta(meta: XmlElement, ctx: MetaContext): MetaRecord | null {
  const loc = { file: ctx.file, line: meta.line, col: meta.col };
  const id = identifierOf(meta);
  if (!id) {
    ctx.diagnostics.push({
      id: 'sts.no_identifier',
      severity: 'serious',
      category: 'metadata',
      message: `<${meta.key}> has no usable identifier (std-ref, std-ident and doc-ref are empty or not a standard number); not imported`,
      location: loc,
    });
    return null;
  }
  if (!id.parsed)
    ctx.diagnostics.push({
      id: 'sts.identifier_unparsed',
      severity: 'minor',
      category: 'metadata',
      message: `identifier "${id.text}" is not a form the identifier parser knows; stored as printed`,
      location: loc,
    });
  const p = id.parsed;
  const record: StandardRecord = {
    id: p?.slug ?? slugOf(id.text),
    identifiers: [{ type: p?.body ?? (field(children(meta, 'std-ident')[0] ?? meta, 'originator') || 'other'), value: id.text, primary: true }],
    body: p ? (BODY_ALIASES[p.body] ?? p.body) : field(children(meta, 'std-ident')[0] ?? meta, 'originator').toUpperCase() || meta.attrs.originator || 'unknown',
    docType: 'standard',
    titles: [],
    dates: [],
    status: 'unknown',
    classifications: [],
    contributors: [],
    abstracts: [],
    relations: [],
    links: [],
    keywords: [],
    source: { importer: 'sts', ref: ctx.file },
  };
  const extra: Record<string, unknown> = { stsMeta: meta.key };
  if (p?.nature) record.nature = p.nature;

  // Document type: the identifier's supplements win (an amendment is an amendment), then std-ident/doc-type.
  const si = children(meta, 'std-ident')[0];
  const dt = si ? field(si, 'doc-type').toLowerCase() : '';
  const last = p?.supplements[p.supplements.length - 1];
  if (last) record.docType = /^(cor|ac)$/i.test(last.type) ? 'corrigendum' : 'amendment';
  else if (dt && DOC_TYPES[dt]) record.docType = DOC_TYPES[dt];
  else if (/\/TS\b|\bTS\b/.test(p?.prefix ?? '')) record.docType = 'technical-specification';
  else if (/\/TR\b|\bTR\b/.test(p?.prefix ?? '')) record.docType = 'technical-report';
  else if (dt)
    ctx.diagnostics.push({
      id: 'sts.unknown_doc_type',
      severity: 'minor',
      category: 'vocabulary',
      message: `doc-type "${dt}" is not known; stored as "standard"`,
      location: loc,
    });
  if (record.docType === 'standard' && /^(ISO|IEC|ISO\/IEC)$/.test(record.body)) record.docType = 'international-standard';
  if (!isKnown('doc_type', record.docType)) record.docType = 'standard';

  // Identifiers beyond the primary: the URN, when given.
  const urn = children(meta, 'doc-ident').map((d) => field(d, 'urn')).find((u) => /^urn:/i.test(u));
  if (urn) record.identifiers.push({ type: 'URN', value: urn });

  // Titles, in every language given.
  for (const tw of children(meta, 'title-wrap')) {
    const lang = (tw.attrs['xml:lang'] ?? ctx.fallbackLang ?? '').trim();
    if (!lang) continue;
    const pick = (...keys: string[]) => {
      for (const k of keys) {
        const v = text(children(tw, k)[0]);
        if (v) return v;
      }
      return '';
    };
    const intro = pick('intro', 'intro-title-wrap');
    const main = pick('main', 'main-title-wrap');
    const compl = pick('compl', 'compl-title-wrap');
    const full = pick('full') || [intro, main, compl].filter(Boolean).join(' — ');
    const add = (type: string, v: string) => {
      if (v) record.titles.push({ lang, type, text: v } satisfies Title);
    };
    add('main', full);
    add('title-intro', intro);
    add('title-main', main);
    add('title-part', compl);
  }

  // Dates (partial dates allowed; placeholders and bad dates are reported, not stored).
  const addDate = (type: string, v: string, el: XmlElement) => {
    if (!v) return;
    if (isPartialDate(v)) record.dates.push({ type, value: v });
    else
      ctx.diagnostics.push({
        id: 'sts.bad_date',
        severity: 'minor',
        category: 'metadata',
        message: `<${el.key}> "${v}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD); ignored`,
        location: { file: ctx.file, line: el.line, col: el.col },
      });
  };
  for (const el of children(meta, 'pub-date')) addDate('published', text(el), el);
  for (const el of children(meta, 'release-date')) addDate('issued', text(el), el);
  for (const el of children(meta, 'meta-date')) {
    const t = (el.attrs.type ?? '').trim();
    if (isKnown('date_type', t)) addDate(t, text(el), el);
  }

  const release = field(meta, 'release-version') || children(meta, 'doc-ident').map((d) => field(d, 'release-version')).find(Boolean) || '';
  if (release) {
    record.statusSource = release;
    if (DRAFT_RELEASES.test(release)) record.status = 'draft';
  }
  const edition = si ? field(si, 'edition') : '';
  if (edition) record.edition = edition;
  const year = p?.year ?? yearOf(record.dates.find((d) => d.type === 'issued')?.value ?? record.dates[0]?.value ?? '');
  if (year) record.year = year;

  // ICS codes: <ics> directly or inside <ics-wrap>.
  for (const ics of descendantsOf(meta, 'ics')) {
    const code = text(ics);
    if (/^\d{2}(\.\d{3}(\.\d{2})?)?$/.test(code) && !record.classifications.some((c) => c.code === code))
      record.classifications.push({ scheme: 'ics', code });
  }

  const committee = descendantsOf(meta, 'comm-ref').map(text).find((c) => c && !/^n\/?a$/i.test(c));
  if (committee) record.committee = committee;
  const secretariat = children(meta, 'secretariat').map(text).filter(Boolean);
  if (secretariat.length) extra.secretariat = secretariat.join('; ');

  // Contributors: the originating body, and NISO <std-org> entries.
  const contributors: Contributor[] = [];
  const originator = si ? field(si, 'originator') : '';
  if (originator) contributors.push({ role: 'publisher', name: originator, abbreviation: originator });
  for (const org of descendantsOf(meta, 'std-org')) {
    const name = text(children(org, 'std-org-name')[0]);
    const abbr = text(children(org, 'std-org-abbrev')[0]);
    if (!name && !abbr) continue;
    const role = (org.attrs['std-org-role'] ?? '').toLowerCase();
    const c: Contributor = { role: /author|lead|producer|develop/.test(role) ? 'author' : 'publisher', name: name || abbr };
    if (abbr) c.abbreviation = abbr;
    if (org.attrs['xml:lang']) c.lang = org.attrs['xml:lang'];
    if (!contributors.some((x) => x.name === c.name && x.role === c.role)) contributors.push(c);
  }
  record.contributors = contributors;

  for (const ab of descendantsOf(meta, 'abstract')) {
    const t = text(ab);
    if (t) record.abstracts.push({ lang: ab.attrs['xml:lang'] ?? ctx.fallbackLang ?? 'en', text: t });
  }
  for (const kw of descendantsOf(meta, 'kwd')) {
    const t = text(kw);
    if (t && !record.keywords.includes(t)) record.keywords.push(t);
  }

  // Relations stated in the metadata (<std-xref type="replaces">).
  for (const x of children(meta, 'std-xref')) {
    const raw = (x.attrs.type ?? '').trim();
    const type = RELATION_ALIASES[raw.toLowerCase()] ?? (isKnown('relation_type', raw) ? raw : undefined);
    const targetText = text(children(x, 'std-ref')[0]) || fromStdIdent(x, undefined);
    if (!targetText) continue;
    if (!type) {
      ctx.diagnostics.push({
        id: 'sts.unknown_relation',
        severity: 'minor',
        category: 'vocabulary',
        message: `std-xref type "${raw}" is not a known relation; "${targetText}" not linked`,
        location: { file: ctx.file, line: x.line, col: x.col },
      });
      continue;
    }
    const target = parseIdentifier(cleanRef(targetText))?.canonical ?? targetText;
    const rel: Relation = { type, target };
    if (type === 'adoptedFrom' || type === 'adoptedAs') {
      const d = adoptionDegree(meta);
      if (d) rel.degree = d;
    }
    if (!record.relations.some((r) => r.type === rel.type && r.target === rel.target)) record.relations.push(rel);
  }

  // Kept for honesty and display: page count, work item, project, copyright.
  const pages = Number.parseInt(children(meta, 'page-count')[0]?.attrs.count ?? '', 10);
  if (Number.isFinite(pages) && pages > 0) extra.pageCount = pages;
  const wi = field(meta, 'wi-number');
  if (wi) extra.workItem = wi;
  const proj = field(meta, 'proj-id') || children(meta, 'doc-ident').map((d) => field(d, 'proj-id')).find(Boolean);
  if (proj) extra.projectId = proj;
  const perms = children(meta, 'permissions').map((pm) => ({
    statement: text(children(pm, 'copyright-statement')[0]) || undefined,
    year: text(children(pm, 'copyright-year')[0]) || undefined,
    holders: children(pm, 'copyright-holder').map(text).filter(Boolean),
  }));
  if (perms.length) extra.copyright = perms;
  record.extra = extra;

  const langs = children(meta, 'content-language').map(text).filter((l) => /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/i.test(l));
  const lang = langs[0] ?? meta.attrs['xml:lang'] ?? ctx.fallbackLang ?? record.titles[0]?.lang ?? 'en';
  return { record, lang, meta };
}
