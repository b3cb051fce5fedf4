/**
 * Validation of what an editor submits (web form or API JSON) into a catalogue record. Write strictly (DESIGN.md:
 * import leniently, write strictly): identifiers through the one parser, codes from vocabularies.json, dates real
 * 'YYYY-MM-DD' and consistent, ICS/CCS codes that exist in the classification store, bounded text. Every problem is
 * reported per field with a stable code, so the form can re-render with the input kept and a message per field.
 */
import { parseIdentifier, type ParsedIdentifier } from '../catalogue/identifier.js';
import type { Identifier, Relation, StandardRecord, TypedDate } from '../catalogue/model.js';
import { isKnown } from '../catalogue/vocabularies.js';
import type { ClassificationStore } from '../classification/ports.js';

export const LIMITS = {
  identifier: 200,
  title: 500,
  abstract: 5000,
  committee: 100,
  edition: 50,
  codes: 20,
  relations: 50,
  keywords: 30,
  keyword: 100,
} as const;

/** What an editor edits: the fields of a record the back office covers (everything else of a record is kept). */
export interface DraftInput {
  identifier: string;
  body: string;
  docType: string;
  status: string;
  nature?: string;
  edition?: string;
  committee?: string;
  titles: { zh?: string; en?: string };
  abstracts?: { zh?: string; en?: string };
  /** Date type → 'YYYY-MM-DD' (empty values are dropped). */
  dates: Record<string, string>;
  ics: string[];
  ccs: string[];
  relations: { type: string; target: string; degree?: string }[];
  keywords?: string[];
}

/** One field's problem: a stable code (message key editorial.err.<code>) and parameters for the message. */
export interface FieldError {
  code: string;
  params?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written 'YYYY-MM-DD'. */
export function isCalendarDay(v: string): boolean {
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Splits a list typed as text ('13.220.20, 91.060' or one per line) into trimmed, non-empty items. */
export function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;，；、]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const clean = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The inverse of buildRecord for the fields the form covers (pre-fills the form from a stored record). */
export function inputOf(r: StandardRecord): DraftInput {
  const primary = r.identifiers.find((i) => i.primary) ?? r.identifiers[0];
  const title = (lang: string) => r.titles.find((t) => t.lang === lang && t.type === 'main')?.text ?? r.titles.find((t) => t.lang === lang)?.text;
  const abstract = (lang: string) => r.abstracts.find((a) => a.lang === lang)?.text;
  return {
    identifier: primary?.value ?? '',
    body: r.body,
    docType: r.docType,
    status: r.status,
    nature: r.nature,
    edition: r.edition,
    committee: r.committee,
    titles: { zh: title('zh'), en: title('en') },
    abstracts: { zh: abstract('zh'), en: abstract('en') },
    dates: Object.fromEntries(r.dates.map((d) => [d.type, d.value])),
    ics: r.classifications.filter((c) => c.scheme === 'ics').map((c) => c.code),
    ccs: r.classifications.filter((c) => c.scheme === 'ccs').map((c) => c.code),
    relations: r.relations.map((x) => ({ type: x.type, target: x.target, ...(x.degree ? { degree: x.degree } : {}) })),
    keywords: r.keywords,
  };
}

export interface BuildResult {
  record: StandardRecord | null;
  parsed: ParsedIdentifier | null;
  errors: FieldErrors;
}

/**
 * Validates the input and builds the record. `base` is the published record a revision starts from (fields the
 * form does not cover are kept from it, and the identifier may not change the record id); `source` is written
 * into record.source. Returns the record only when there are no errors.
 */
export async function buildRecord(
  input: DraftInput,
  opts: { base?: StandardRecord | null; classifications: Pick<ClassificationStore, 'get'>; source: StandardRecord['source'] },
): Promise<BuildResult> {
  const errors: FieldErrors = {};
  const err = (field: string, code: string, params?: FieldError['params']) => {
    if (!errors[field]) errors[field] = params ? { code, params } : { code };
  };
  const base = opts.base ?? null;

  // Identifier: the one parser decides; the record id is its slug and may not change in a revision.
  const idText = clean(input.identifier);
  let parsed: ParsedIdentifier | null = null;
  if (!idText) err('identifier', 'required');
  else if (idText.length > LIMITS.identifier) err('identifier', 'too_long', { max: LIMITS.identifier });
  else {
    parsed = parseIdentifier(idText);
    if (!parsed) err('identifier', 'unparseable');
    else if (parsed.stage) err('identifier', 'draft_stage');
    else if (base && parsed.slug !== base.id) err('identifier', 'id_changed', { id: base.id });
  }

  const body = clean(input.body);
  if (!body) err('body', 'required');
  else if (!isKnown('body', body)) err('body', 'unknown_code', { code: body });
  const docType = clean(input.docType);
  if (!docType) err('docType', 'required');
  else if (!isKnown('doc_type', docType)) err('docType', 'unknown_code', { code: docType });
  const status = clean(input.status);
  if (!status) err('status', 'required');
  else if (!isKnown('status', status)) err('status', 'unknown_code', { code: status });
  const nature = clean(input.nature) || undefined;
  if (nature && !isKnown('nature', nature)) err('nature', 'unknown_code', { code: nature });
  const edition = clean(input.edition) || undefined;
  if (edition && edition.length > LIMITS.edition) err('edition', 'too_long', { max: LIMITS.edition });
  const committee = clean(input.committee) || undefined;
  if (committee && committee.length > LIMITS.committee) err('committee', 'too_long', { max: LIMITS.committee });

  // Titles: at least one, each bounded.
  const titles: StandardRecord['titles'] = [];
  for (const lang of ['zh', 'en'] as const) {
    const text = clean(input.titles?.[lang]);
    if (!text) continue;
    if (text.length > LIMITS.title) err(`titles.${lang}`, 'too_long', { max: LIMITS.title });
    else titles.push({ lang, type: 'main', text });
  }
  if (!clean(input.titles?.zh) && !clean(input.titles?.en)) err('titles', 'title_required');
  const abstracts: StandardRecord['abstracts'] = [];
  for (const lang of ['zh', 'en'] as const) {
    const text = (input.abstracts?.[lang] ?? '').trim();
    if (!text) continue;
    if (text.length > LIMITS.abstract) err(`abstracts.${lang}`, 'too_long', { max: LIMITS.abstract });
    else abstracts.push({ lang, text });
  }

  // Dates: vocabulary types, real days, and consistent (implemented ≥ issued; abolished/withdrawn ≥ issued).
  const dates: TypedDate[] = [];
  for (const [type, rawValue] of Object.entries(input.dates ?? {})) {
    const value = clean(rawValue);
    if (!value) continue;
    if (!isKnown('date_type', type)) err(`dates.${type}`, 'unknown_code', { code: type });
    else if (!isCalendarDay(value)) err(`dates.${type}`, 'bad_date', { value });
    else dates.push({ type, value });
  }
  const day = (t: string) => dates.find((d) => d.type === t)?.value;
  const issued = day('issued');
  for (const later of ['implemented', 'abolished', 'withdrawn'] as const) {
    const v = day(later);
    if (v && issued && v < issued) err(`dates.${later}`, 'before_issued', { issued });
  }
  const implemented = day('implemented');
  const abolished = day('abolished');
  if (implemented && abolished && abolished < implemented) err('dates.abolished', 'before_implemented', { implemented });

  // Classification codes must exist in the classification store.
  const classifications: StandardRecord['classifications'] = [];
  for (const scheme of ['ics', 'ccs'] as const) {
    const codes = [...new Set((input[scheme] ?? []).map((c) => clean(c)).filter(Boolean))];
    if (codes.length > LIMITS.codes) {
      err(scheme, 'too_many', { max: LIMITS.codes });
      continue;
    }
    const unknown: string[] = [];
    // A code the published record already carries is kept as it is (importers accept codes leniently; an editor
    // revising other fields must not be blocked by them).
    const kept = new Set((base?.classifications ?? []).filter((c) => c.scheme === scheme).map((c) => c.code));
    for (const code of codes) {
      if (kept.has(code)) classifications.push({ scheme, code });
      else if (code.length > 30 || !(await opts.classifications.get(scheme, code))) unknown.push(code.slice(0, 30));
      else classifications.push({ scheme, code });
    }
    if (unknown.length) err(scheme, 'unknown_class', { codes: unknown.join(', ') });
  }

  // Relations: vocabulary types, targets the parser reads, degrees only on adoptions.
  const relations: Relation[] = [];
  if ((input.relations ?? []).length > LIMITS.relations) err('relations', 'too_many', { max: LIMITS.relations });
  else
    for (const rel of input.relations ?? []) {
      const type = clean(rel.type);
      const target = clean(rel.target);
      const degree = clean(rel.degree) || undefined;
      if (!type && !target) continue;
      if (!isKnown('relation_type', type)) {
        err('relations', 'unknown_relation', { code: type.slice(0, 40) });
        continue;
      }
      const t = target.length <= LIMITS.identifier ? parseIdentifier(target) : null;
      const existing = base?.relations.find((r) => r.type === type && r.target === target && (r.degree ?? undefined) === degree);
      if (!t && existing) {
        relations.push(existing); // as imported: the same leniency as for codes above
        continue;
      }
      if (!t) {
        err('relations', 'unparseable_target', { target: target.slice(0, 60) });
        continue;
      }
      if (degree && (!['adoptedFrom', 'adoptedAs'].includes(type) || !isKnown('adoption_degree', degree))) {
        err('relations', 'bad_degree', { code: degree.slice(0, 10) });
        continue;
      }
      relations.push({ type, target: t.canonical, ...(degree ? { degree: degree as Relation['degree'] } : {}) });
    }

  const keywords = [...new Set((input.keywords ?? []).map(clean).filter(Boolean))];
  if (keywords.length > LIMITS.keywords) err('keywords', 'too_many', { max: LIMITS.keywords });
  else if (keywords.some((k) => k.length > LIMITS.keyword)) err('keywords', 'too_long', { max: LIMITS.keyword });

  if (Object.keys(errors).length || !parsed) return { record: null, parsed, errors };

  // Keep what the form does not cover (other identifiers, contributors, links, extras) from the base record.
  const otherIds: Identifier[] = (base?.identifiers ?? []).filter((i) => !i.primary && i.value !== parsed!.canonical);
  const basePrimary = base?.identifiers.find((i) => i.primary) ?? base?.identifiers[0];
  const record: StandardRecord = {
    ...(base ?? {}),
    id: parsed.slug,
    identifiers: [{ type: basePrimary?.type ?? parsed.body, value: parsed.canonical, primary: true }, ...otherIds],
    body,
    docType,
    ...(nature ?? parsed.nature ? { nature: (nature ?? parsed.nature) as StandardRecord['nature'] } : {}),
    titles: [...titles, ...(base?.titles ?? []).filter((t) => t.type !== 'main' && !titles.some((x) => x.lang === t.lang && x.type === t.type))],
    dates,
    status,
    ...(edition ? { edition } : {}),
    ...(parsed.year ? { year: parsed.year } : {}),
    classifications,
    ...(committee ? { committee } : {}),
    contributors: base?.contributors ?? [],
    abstracts,
    relations,
    links: base?.links ?? [],
    keywords,
    source: opts.source,
  };
  if (!nature && !parsed.nature) delete record.nature;
  if (!edition) delete record.edition;
  if (!committee) delete record.committee;
  // A status the form set replaces the one the source printed (which described the old status).
  if (base && base.status !== status) delete record.statusSource;
  return { record, parsed, errors };
}
