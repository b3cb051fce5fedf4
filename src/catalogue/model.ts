/**
 * The catalogue record, aligned with Relaton's bibliographic model: many typed identifiers with one primary,
 * typed multilingual titles, typed dates, status, edition, ICS/CCS, editorial group, contributors and typed
 * relations. Value sets (status, relation types, date types, …) are data: see vocabularies.json.
 */

/** A BCP 47-ish language tag: 'zh', 'en', 'fr', 'de', 'ru', … */
export type Lang = string;

export interface Identifier {
  /** Identifier type: 'GB', 'ISO', 'IEC', 'IETF', 'IEEE', 'DOI', 'URN', 'ISBN', 'sector', 'local', 'association', … */
  type: string;
  /** As printed, canonical where the parser knows the form: 'GB/T 29772-2024', 'RFC 9110', '10.17487/RFC9110'. */
  value: string;
  primary?: boolean;
}

export interface Title {
  lang: Lang;
  /** 'main' (the full title as printed), or Relaton's 'title-intro' | 'title-main' | 'title-part' | 'abbreviation'. */
  type: string;
  text: string;
}

/** A typed date; value may be partial: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (dates of legal effect carry no time). */
export interface TypedDate {
  /** vocabularies.json date_type: issued | implemented | abolished | confirmed | published | updated | obsoleted | announced | circulated | withdrawn | … */
  type: string;
  value: string;
}

export interface Classification {
  scheme: 'ics' | 'ccs';
  code: string;
}

export interface Contributor {
  /** vocabularies.json contributor_role: publisher | author | editor | drafting-organisation | drafter | responsible-body | competent-department | proponent | … */
  role: string;
  name: string;
  /** Short form: 'SAMR', 'SAC', 'ISO', 'IETF'. */
  abbreviation?: string;
  lang?: Lang;
}

export interface Relation {
  /** vocabularies.json relation_type: replaces | replacedBy | amends | amendedBy | corrects | correctedBy | adoptedFrom | adoptedAs | partOf | hasPart | hasTranslation | translatedFrom | cites | updates | updatedBy | … */
  type: string;
  /** The other document's identifier as text ('GB 12955-2008', 'RFC 2616', 'BCP 14'). */
  target: string;
  /** Degree of an adoption: IDT / MOD / NEQ (adoptedFrom / adoptedAs only). */
  degree?: 'IDT' | 'MOD' | 'NEQ';
  /** Free-text qualifier kept from the source. */
  note?: string;
}

export interface Abstract {
  lang: Lang;
  text: string;
}

export interface Link {
  /** 'src' | 'obp' | 'rss' | 'pdf' | 'doi' | 'txt' | 'html' */
  type: string;
  url: string;
}

export interface StandardRecord {
  /** Stable URL id: slug of the primary identifier ('GB-T-29772-2024', 'RFC-9110'). */
  id: string;
  identifiers: Identifier[];
  /** Publishing body code: 'SAC', 'ISO', 'IEC', 'IETF', 'IEEE', 'MIIT', 'CAS', … (see bodies in vocabularies.json). */
  body: string;
  /** vocabularies.json doc_type: standard | technical-specification | technical-report | guide | amendment | corrigendum | rfc | bcp | directives | … */
  docType: string;
  /** Chinese nature; undefined where the concept does not apply. */
  nature?: 'mandatory' | 'recommended' | 'guidance';
  titles: Title[];
  dates: TypedDate[];
  /** vocabularies.json status: current | to-be-implemented | abolished | withdrawn | replaced | draft | under-development | cancelled | historic | obsoleted | not-issued | unknown */
  status: string;
  /** The status as the source printed it ('60.60', 'PROPOSED STANDARD', '现行'); kept for honesty. */
  statusSource?: string;
  /** ISO harmonized stage code when known ('60.60'). */
  stage?: string;
  edition?: string;
  /** Publication year of the primary identifier's edition. */
  year?: number;
  classifications: Classification[];
  /** Editorial group / responsible committee: 'ISO/TC 176/SC 2', 'SAC/TC 611'. */
  committee?: string;
  contributors: Contributor[];
  abstracts: Abstract[];
  relations: Relation[];
  links: Link[];
  keywords: string[];
  /** Which importer wrote it and from where (file path relative to the import root, or a record key). */
  source: { importer: string; ref: string };
  /** Source-specific extras kept verbatim (RFC stream, page count, formats, …). JSON-serialisable. */
  extra?: Record<string, unknown>;
}

/** The primary identifier (the one marked primary, else the first). */
export function primaryIdentifier(r: StandardRecord): Identifier {
  return r.identifiers.find((i) => i.primary) ?? r.identifiers[0];
}

/** Best title in a language with fallback order: requested → en → zh → any. Prefers type 'main'. */
export function titleIn(r: Pick<StandardRecord, 'titles'>, lang: Lang): string | undefined {
  const pick = (l: Lang) =>
    r.titles.find((t) => t.lang === l && t.type === 'main')?.text ??
    r.titles.find((t) => t.lang === l && t.type === 'title-main')?.text ??
    r.titles.find((t) => t.lang === l)?.text;
  return pick(lang) ?? pick('en') ?? pick('zh') ?? r.titles[0]?.text;
}

/** Date of a type, if present. */
export function dateOf(r: Pick<StandardRecord, 'dates'>, type: string): string | undefined {
  return r.dates.find((d) => d.type === type)?.value;
}

const PARTIAL_DATE = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/;

/** True for 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' with a real calendar day. */
export function isPartialDate(v: string): boolean {
  const m = PARTIAL_DATE.exec(v);
  if (!m) return false;
  if (m[3]) {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }
  return true;
}
