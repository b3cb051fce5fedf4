/**
 * The one parser/normaliser for standard identifiers ("standard numbers") as people type them and as importers
 * find them: GB/T 29772-2024, ＧＢ／Ｔ　２９７７２—２０２４, gbt29772, DB31/T 1234-2020, T/CAS 123-2025,
 * ISO/IEC 27001:2022, ISO 9001:2015/Amd 1:2024, ISO/IEC DIS 42001, IEC 60335-1:2020/AMD1:2023, RFC 9110,
 * IEEE Std 802.3-2022, DIN EN ISO 13849-1:2016 …
 *
 * Everything that compares, stores or links identifiers goes through here, so user input and imported data
 * meet in one canonical form (`canonical`), one edition-independent key (`familyKey`) and one URL form (`slug`).
 *
 * Safety: input is bounded (MAX_IDENTIFIER_LENGTH) before any matching and every pattern is sticky and free of
 * nested ambiguous quantifiers, so hostile or huge input costs linear time.
 *
 * Decisions worth knowing (also in the report that introduced this file):
 * - familyKey drops every year and every draft stage but keeps supplements: 'ISO 9001:2015/Amd 1:2024' →
 *   'ISO 9001/Amd 1'. So all editions of a base document share a key that no amendment shares; amendments of
 *   a family are found by the prefix `${familyKey}/`. Amd 1 to two different base editions share a key, the
 *   same way two editions of a base document do.
 * - Draft stages live in `stage` ('DIS', 'CD', 'FDIS', 'DTS', …), never in `prefix`, so a draft and its
 *   published edition share prefix and familyKey. Supplement drafts use the same stage codes on the supplement:
 *   DAmd → { type: 'Amd', stage: 'DIS' }, FDAmd → 'FDIS', CD Amd / PDAmd → 'CD'.
 * - Supplement types are rendered in the publisher's house style whatever was typed: ISO (and ISO/IEC)
 *   'Amd 1' / 'Cor 1'; IEC-led 'AMD1' / 'COR1' / 'ISH1'; EN 'A11' / 'AC'; Chinese 修改单 'XG1'; IEEE 'Cor 1'.
 * - 'GBZ' without a slash is read as GB/Z (guidance), as users type 'gbz' for GB/Z; only the explicit 'GBZ/T'
 *   is the occupational-health family (GBZ/T 229.1). GBZ 2.1 (occupational health, mandatory) is therefore
 *   misread as GB/Z 2.1 — documents of that family should be stored as 'GBZ/T' or looked up via search.
 * - Two-digit years (old Chinese numbering, 'GB 1234-88') expand to 19yy for 50–99 and to 20yy for 00–49
 *   (no Chinese standard has a two-digit year after 1999, so 00–49 can only be shorthand).
 * - A Chinese adoption double number 'GB/T 19001-2016/ISO 9001:2015' parses as the GB/T document; the adopted
 *   document's canonical form is kept in `adopts`.
 * - ISO-family years use ':'; a hyphen followed by a 4-digit year 1950–2099 as the last part ('ISO 9001-2015')
 *   is read as the year, because that is how people type it (no real part number in that range is known).
 * - IEC consolidated versions ('…:2010+AMD1:2013 CSV') and date-stamped DIN editions ('…:2005-03') do not parse.
 */

/** One amendment, corrigendum, addendum, interpretation sheet or Chinese 修改单 attached to a base document. */
export interface IdentifierSupplement {
  /** House-style type: 'Amd' | 'Cor' | 'Add' (ISO), 'AMD' | 'COR' | 'ISH' (IEC), 'A' | 'AC' (EN), 'XG' (修改单). */
  type: string;
  /** Supplement number as printed ('1'); '' for an unnumbered EN 'AC'. */
  number: string;
  year?: number;
  /** Draft stage of the supplement, using the document stage codes: DAmd → 'DIS', FDAmd → 'FDIS', CD Amd → 'CD'. */
  stage?: string;
}

/** A parsed standard identifier. Optional fields are absent (not `undefined`) when they do not apply. */
export interface ParsedIdentifier {
  /**
   * Body/prefix family, canonical and without draft stage: 'GB', 'GB/T', 'GB/Z', 'JB/T', 'DB31/T', 'DB31', 'T/CAS',
   * 'Q/ABC', 'ISO', 'ISO/IEC', 'ISO/TS', 'ISO/IEC TR', 'ISO Guide', 'IEC', 'IEC TS', 'RFC', 'BCP', 'STD', 'FYI',
   * 'IEEE', 'EN', 'DIN EN ISO', 'AS/NZS', …
   */
  prefix: string;
  /**
   * Publishing body code: GB* → 'GB', JB/T → 'JB', DB31/T → 'DB31', T/CAS → 'CAS', Q/ABC → 'ABC', ISO/TS → 'ISO',
   * ISO/IEC TR → 'ISO/IEC', RFC/BCP/STD/FYI → 'IETF', IEEE → 'IEEE', DIN EN ISO → 'DIN' (the national publisher).
   */
  body: string;
  /** Chinese nature: 'mandatory' (GB, JB, DB31 …), 'recommended' (…/T), 'guidance' (…/Z). Absent for T/, Q/ and non-Chinese. */
  nature?: 'mandatory' | 'recommended' | 'guidance';
  /** Main number with parts, as printed: '29772', '1.1', '27001', '802.3', '13849-1', '9110' (RFC zeros stripped). */
  number: string;
  /** Year of the base edition, if given (two-digit years expanded). */
  year?: number;
  /** Draft stage: ISO/IEC 'DIS', 'CD', 'FDIS', 'DTS', …; IEEE project draft 'D3'. */
  stage?: string;
  /** Supplements in order: 'ISO 9001:2015/Amd 1:2024' → [{ type: 'Amd', number: '1', year: 2024 }]. */
  supplements: IdentifierSupplement[];
  /** For a Chinese adoption double number ('GB/T 19001-2016/ISO 9001:2015'): canonical form of the adopted document. */
  adopts?: string;
  /** Canonical display form: 'GB/T 29772-2024', 'ISO/IEC 27001:2022', 'ISO 9001:2015/Amd 1:2024', 'RFC 9110', 'IEEE Std 802.3-2022'. */
  canonical: string;
  /** Canonical form without years or stages (edition-independent): 'GB/T 29772', 'ISO/IEC 27001', 'ISO 9001/Amd 1'. */
  familyKey: string;
  /** URL slug of `canonical`, only [A-Za-z0-9.-]: 'GB-T-29772-2024', 'ISO-9001-2015-Amd-1-2024', 'IEEE-Std-802.3-2022'. */
  slug: string;
}

/** No identifier is longer than this; longer input is rejected before any pattern runs. */
export const MAX_IDENTIFIER_LENGTH = 200;
/** Raw input beyond this is not even normalised (NFKC of megabytes is wasted work on a hot path). */
const MAX_RAW_LENGTH = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

/** Chinese sector (行业) standard codes. A whitelist, so that arbitrary two-letter words do not become standards. */
const CN_SECTOR_CODES: readonly string[] = [
  'AQ', 'BB', 'CB', 'CH', 'CJ', 'CY', 'DA', 'DB', 'DL', 'DZ', 'EJ', 'FZ', 'GA', 'GH', 'GM', 'GY', 'HB', 'HG', 'HJ',
  'HS', 'HY', 'JB', 'JC', 'JG', 'JR', 'JT', 'JY', 'LB', 'LD', 'LS', 'LY', 'MH', 'MT', 'MZ', 'NB', 'NY', 'QB', 'QC',
  'QJ', 'QX', 'RB', 'SB', 'SC', 'SF', 'SH', 'SJ', 'SL', 'SN', 'SW', 'SY', 'TB', 'TD', 'TY', 'WB', 'WH', 'WJ', 'WM',
  'WS', 'WW', 'XB', 'XF', 'YB', 'YC', 'YD', 'YJ', 'YS', 'YY', 'YZ', 'ZY',
];
/** National code plus a few three-letter engineering-construction codes and the joint NB/SH code. */
const CN_CODES: readonly string[] = ['GB', 'GBJ', 'JGJ', 'CJJ', 'NB/SH', ...CN_SECTOR_CODES];
const CN_CODE_SET = new Set(CN_CODES);

/** International publishers that can lead an ISO-style identifier, and co-publishers that may follow them. */
const INTL_FIRST = new Set(['ISO', 'IEC']);
const INTL_CO = new Set(['ISO', 'IEC', 'IEEE', 'ASTM', 'SAE', 'CIE', 'IDF', 'HL7']);
/** National/regional publishers (adoptions like 'DIN EN ISO' are sequences of these plus an ISO part). */
const NATIONAL = new Set([
  'EN', 'CEN', 'CLC', 'DIN', 'VDE', 'VDI', 'BS', 'NF', 'UNE', 'UNI', 'NEN', 'JIS', 'KS', 'AS', 'NZS', 'CSA', 'ANSI',
  'UL', 'NFPA', 'CNS', 'GOST',
]);
/** Deliverable types; 'SPEC' is DIN SPEC. */
const TYPES: Record<string, string> = { TS: 'TS', TR: 'TR', PAS: 'PAS', GUIDE: 'Guide', SPEC: 'SPEC' };
/** Draft stage codes (ISO and IEC). Stages named after a type imply that type. */
const STAGES = new Set(['PWI', 'NP', 'NWIP', 'AWI', 'WD', 'CD', 'CDV', 'DIS', 'FDIS', 'PRF', 'DTS', 'DTR', 'DPAS', 'PDTS', 'PDTR']);
const STAGE_IMPLIES_TYPE: Record<string, string> = { DTS: 'TS', DTR: 'TR', DPAS: 'PAS', PDTS: 'TS', PDTR: 'TR' };
const IETF_SERIES = new Set(['RFC', 'BCP', 'STD', 'FYI']);

// ---------------------------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------------------------

const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
const SLASHES = /[\\\u2044\u2215\uFF0F]/g;
/**
 * '一' (CJK "one") and 'ー' (katakana long mark) between digits are IME/OCR stand-ins for a dash
 * ('GB 12955一2024'); elsewhere they are text and stay.
 */
const CJK_DASH_BETWEEN_DIGITS = /(\d)\s*[\u4E00\u30FC]\s*(?=\d)/g;

/**
 * Normalises typed identifier text without restructuring it: NFKC (full-width ＧＢ／Ｔ２９７７２ → GB/T29772,
 * ideographic space → space, '：' → ':'), every dash variant (—–－ …) → '-', slash variants and '\' → '/',
 * whitespace trimmed and collapsed, and a leading run of known prefix words uppercased ('gb/t' → 'GB/T',
 * 'rfc9110' → 'RFC9110', 'ieee std' → 'IEEE Std'). The run is only uppercased when it ends at a digit or at the
 * end of the text, so ordinary words ('as soon as', '防火门') come back unchanged apart from whitespace.
 */
export function normaliseIdentifierText(input: string): string {
  const s = input
    .normalize('NFKC')
    .replace(DASHES, '-')
    .replace(SLASHES, '/')
    .replace(CJK_DASH_BETWEEN_DIGITS, '$1-')
    .replace(/\s+/g, ' ')
    .trim();
  return uppercaseLeadingPrefix(s);
}

const LEAD_WORD = /[A-Za-z]+/y;
const LEAD_DB = /(db)(\d{2}(?:\d{2}){0,2})([tz]?)(?![A-Za-z])/iy;
const LEAD_CODE = /[A-Za-z][A-Za-z0-9]*/y;

/** Uppercases the leading prefix words if every one of them is known vocabulary (see normaliseIdentifierText). */
function uppercaseLeadingPrefix(s: string): string {
  let out = '';
  let pos = 0;
  let prev = '';
  for (let count = 0; count < 8; count++) {
    let word: string;
    let end: number;
    const codeAfterSlash = (prev === 'T' || prev === 'Q') && s[pos - 1] === '/';
    LEAD_DB.lastIndex = pos;
    const db = LEAD_DB.exec(s);
    if (codeAfterSlash) {
      LEAD_CODE.lastIndex = pos;
      const m = LEAD_CODE.exec(s);
      if (!m) return s;
      word = m[0].toUpperCase();
      end = pos + m[0].length;
    } else if (db) {
      word = `DB${db[2]}${db[3].toUpperCase()}`;
      end = pos + db[0].length;
    } else {
      LEAD_WORD.lastIndex = pos;
      const m = LEAD_WORD.exec(s);
      if (!m) return s;
      const upper = m[0].toUpperCase();
      const next = s[pos + m[0].length];
      if (upper === 'STD' && prev === 'IEEE') word = 'Std';
      else if (upper === 'GUIDE') word = 'Guide';
      else if (upper === 'P' && (prev === 'IEEE' || prev === 'Std') && next !== undefined && isDigit(next)) word = 'P';
      else if (isLeadVocabulary(upper)) word = upper;
      else return s;
      end = pos + m[0].length;
    }
    out += word;
    prev = word;
    pos = end;
    if (pos >= s.length || isDigit(s[pos])) return out + s.slice(pos);
    const sep = s[pos];
    const after = s[pos + 1];
    if ((sep === ' ' || sep === '/') && after !== undefined && isLetter(after)) {
      out += sep;
      pos += 1;
      continue;
    }
    if ((sep === ' ' || sep === '/' || sep === '-') && after !== undefined && isDigit(after)) return out + s.slice(pos);
    if (sep === '/' && pos + 1 >= s.length) return out + s.slice(pos); // 'gb/' while typing
    return s;
  }
  return s;
}

function isLeadVocabulary(w: string): boolean {
  if (CN_CODE_SET.has(w) || w === 'T' || w === 'Z' || w === 'Q' || w === 'GBZ') return true;
  if ((w.endsWith('T') || w.endsWith('Z')) && CN_CODE_SET.has(w.slice(0, -1))) return true; // 'gbt', 'jbt'
  if (w === 'GBZT') return true;
  return (
    INTL_FIRST.has(w) ||
    INTL_CO.has(w) ||
    NATIONAL.has(w) ||
    Object.hasOwn(TYPES, w) ||
    STAGES.has(w) ||
    IETF_SERIES.has(w) ||
    w === 'IEEE'
  );
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isLetter(c: string): boolean {
  return /[A-Za-z]/.test(c);
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parses a standard identifier as typed or as found in data; returns null when the text is not one (words,
 * bare numbers, over-long input). Accepts Chinese national/sector/local/group/enterprise numbers, ISO/IEC
 * and co-published or nationally adopted ISO-style numbers with stages and supplements, IETF RFC/BCP/STD/FYI,
 * IEEE standards and projects. Case, full-width forms, dash and spacing variants do not matter.
 */
export function parseIdentifier(input: string): ParsedIdentifier | null {
  if (input.length > MAX_RAW_LENGTH) return null;
  const s = normaliseIdentifierText(input);
  if (s.length === 0 || s.length > MAX_IDENTIFIER_LENGTH) return null;
  return parseIetf(s) ?? parseIeee(s) ?? parseChinese(s) ?? parseIsoStyle(s);
}

/** Any identifier that is not Chinese (used for the adopted part of a Chinese double number). */
function parseForeign(s: string): ParsedIdentifier | null {
  return parseIetf(s) ?? parseIeee(s) ?? parseIsoStyle(s);
}

// --- shared pieces ---------------------------------------------------------------------------------------------

/** Four-digit years must be plausible; two-digit years expand (see file comment). Returns null if implausible. */
function toYear(digits: string): number | null {
  const n = Number(digits);
  if (digits.length === 2) return n >= 50 ? 1900 + n : 2000 + n;
  if (digits.length === 4 && n >= 1900 && n <= 2099) return n;
  return null;
}

type SuppStyle = 'iso' | 'iec' | 'ieee' | 'cn';

/**
 * One supplement: '/Amd 1:2024', '/Cor.1:2016', '/AMD1', '/DAmd 1', '/CD Amd 1', '/A11:2014', '/AC:2014', '/ISH1'.
 * Draft-typed names (DAmd, FDCor, PDAM …) are split into type + stage.
 */
const SUPPLEMENT_RE =
  /\s*\/\s*(?:(PWI|NP|AWI|WD|CD|CDV|DIS|FDIS|PRF)\s+)?(FDAMD|FDAM|FDCOR|PDAMD|PDAM|DAMD|DAM|DCOR|AMD|COR|ADD|ISH|AC|A)(?:\s*\.\s*|\s*)(\d+)?(?:\s*[:-]\s*(\d{4})(?!\d))?/iy;
const DRAFT_SUPPLEMENT: Record<string, [stage: string, base: string]> = {
  FDAMD: ['FDIS', 'AMD'], FDAM: ['FDIS', 'AMD'], FDCOR: ['FDIS', 'COR'],
  PDAMD: ['CD', 'AMD'], PDAM: ['CD', 'AMD'], DAMD: ['DIS', 'AMD'], DAM: ['DIS', 'AMD'], DCOR: ['DIS', 'COR'],
};
const ISO_TYPE_NAMES: Record<string, string> = { AMD: 'Amd', COR: 'Cor', ADD: 'Add', ISH: 'ISH', A: 'A', AC: 'AC' };

/** Reads supplements from `pos`; returns the list and the end position, or null on a malformed supplement. */
function readSupplements(s: string, pos: number, style: SuppStyle): { supplements: IdentifierSupplement[]; pos: number } | null {
  const supplements: IdentifierSupplement[] = [];
  for (let i = 0; i < 8; i++) {
    SUPPLEMENT_RE.lastIndex = pos;
    const m = SUPPLEMENT_RE.exec(s);
    if (!m) break;
    const raw = m[2].toUpperCase();
    const draft = DRAFT_SUPPLEMENT[raw];
    if (draft && m[1]) return null; // 'CD DAmd' names two stages
    const base = draft ? draft[1] : raw;
    const stage = draft ? draft[0] : m[1]?.toUpperCase();
    const num = m[3] ?? '';
    if (num === '' && base !== 'AC') return null;
    if ((base === 'A' || base === 'AC') && stage) return null;
    let year: number | undefined;
    if (m[4] !== undefined) {
      const y = toYear(m[4]);
      if (y === null) return null;
      year = y;
    }
    const type = style === 'iec' && (base === 'AMD' || base === 'COR' || base === 'ISH') ? base : ISO_TYPE_NAMES[base];
    supplements.push(withOptional({ type, number: num }, { year, stage }));
    pos = m.index + m[0].length;
  }
  return { supplements, pos };
}

function renderSupplement(sup: IdentifierSupplement, style: SuppStyle, withEditionDetail: boolean): string {
  const stage = withEditionDetail ? sup.stage : undefined;
  const yearSep = style === 'iso' || style === 'iec' ? ':' : '-';
  const year = withEditionDetail && sup.year !== undefined ? `${yearSep}${sup.year}` : '';
  if (sup.type === 'XG' || sup.type === 'A' || sup.type === 'AC' || sup.type === 'ISH' || style === 'iec') {
    const stagePart = stage ? `${stage} ` : '';
    return `/${stagePart}${sup.type}${sup.number}${year}`;
  }
  let name = sup.type;
  if (stage === 'DIS') name = `D${sup.type}`;
  else if (stage === 'FDIS') name = `FD${sup.type}`;
  else if (stage) name = `${stage} ${sup.type}`;
  return `/${name} ${sup.number}${year}`;
}

function slugify(canonical: string): string {
  return canonical.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Copies only the defined optional fields, so results never carry `key: undefined`. */
function withOptional<T extends object, O extends object>(base: T, optional: O): T & Partial<O> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out as T & Partial<O>;
}

interface Parts {
  prefix: string;
  /** Prefix as displayed in the canonical form (with stage), when it differs from `prefix`. */
  displayPrefix?: string;
  body: string;
  nature?: ParsedIdentifier['nature'];
  number: string;
  year?: number;
  /** Separator before the year in canonical form: '-' (Chinese, IEEE) or ':' (ISO style). */
  yearSep: string;
  stage?: string;
  /** Suffix after the year in canonical form only (IEEE draft '/D3'). */
  draftSuffix?: string;
  supplements: IdentifierSupplement[];
  style: SuppStyle;
  adopts?: string;
  /** Word between prefix and number in canonical form only ('Std' for IEEE standards). */
  numberLead?: string;
}

function build(p: Parts): ParsedIdentifier {
  const lead = p.numberLead ? `${p.numberLead} ` : '';
  const base = `${p.displayPrefix ?? p.prefix} ${lead}${p.number}`;
  const year = p.year !== undefined ? `${p.yearSep}${p.year}` : '';
  const canonical =
    base + year + (p.draftSuffix ?? '') + p.supplements.map((x) => renderSupplement(x, p.style, true)).join('');
  const familyKey =
    `${p.prefix} ${lead}${p.number}` + p.supplements.map((x) => renderSupplement(x, p.style, false)).join('');
  return finish(p, canonical, familyKey);
}

function finish(core: Parts, canonical: string, familyKey: string): ParsedIdentifier {
  // Field order: the interface's order, so JSON output reads naturally.
  const out: ParsedIdentifier = {
    prefix: core.prefix,
    body: core.body,
    ...(core.nature !== undefined ? { nature: core.nature } : {}),
    number: core.number,
    ...(core.year !== undefined ? { year: core.year } : {}),
    ...(core.stage !== undefined ? { stage: core.stage } : {}),
    supplements: core.supplements,
    ...(core.adopts !== undefined ? { adopts: core.adopts } : {}),
    canonical,
    familyKey,
    slug: slugify(canonical),
  };
  return out;
}

// --- IETF ------------------------------------------------------------------------------------------------------

const IETF_RE = /(RFC|BCP|STD|FYI)[\s_-]*0*(\d{1,5})$/iy;

/** RFC 9110, rfc9110, RFC-0010, BCP 14, STD 7, FYI 36. Leading zeros are dropped: 'RFC 0010' is RFC 10. */
function parseIetf(s: string): ParsedIdentifier | null {
  IETF_RE.lastIndex = 0;
  const m = IETF_RE.exec(s);
  if (!m) return null;
  const number = String(Number(m[2]));
  if (number === '0') return null;
  const prefix = m[1].toUpperCase();
  return build({ prefix, body: 'IETF', number, yearSep: '', supplements: [], style: 'ieee' });
}

// --- IEEE ------------------------------------------------------------------------------------------------------

const IEEE_HEAD_RE = /IEEE(?:[\s/]*STD\b\.?)?\s*(?:(P)\s*)?/iy;
/** 802.3, 802.11ax, 802.1Q, 1547a, C37.118.1, 11073-10101 (hyphen parts; a trailing 4-digit part is the year). */
const IEEE_NUMBER_RE = /[A-Z]?\d+[A-Z]*(?:\.\d+[A-Z]*)*(?:-\d+[A-Z]*(?:\.\d+[A-Z]*)*)*/iy;
const IEEE_DRAFT_RE = /\s*\/\s*(D\d+(?:\.\d+)*)/iy;

/** IEEE Std 802.3-2022, IEEE 802.3-2022, IEEE P3419 (project), IEEE P802.3dj/D2.1 (project draft). */
function parseIeee(s: string): ParsedIdentifier | null {
  IEEE_HEAD_RE.lastIndex = 0;
  const head = IEEE_HEAD_RE.exec(s);
  if (!head) return null;
  let pos = head[0].length;
  const project = head[1] !== undefined;
  IEEE_NUMBER_RE.lastIndex = pos;
  const nm = IEEE_NUMBER_RE.exec(s);
  if (!nm) return null;
  pos += nm[0].length;
  let number = nm[0];
  let year: number | undefined;
  const lastDash = number.lastIndexOf('-');
  if (lastDash > 0 && /^\d{4}$/.test(number.slice(lastDash + 1))) {
    const y = toYear(number.slice(lastDash + 1));
    if (y === null) return null;
    year = y;
    number = number.slice(0, lastDash);
  }
  if (/^[a-z]/.test(number)) number = number[0].toUpperCase() + number.slice(1); // 'c37.118' → 'C37.118'
  let stage: string | undefined;
  IEEE_DRAFT_RE.lastIndex = pos;
  const dm = project ? IEEE_DRAFT_RE.exec(s) : null;
  if (dm) {
    stage = dm[1].toUpperCase();
    pos += dm[0].length;
  }
  const sup = readSupplements(s, pos, 'ieee');
  if (!sup || sup.pos !== s.length) return null;
  if (sup.supplements.some((x) => x.type !== 'Cor' && x.type !== 'Amd')) return null;
  return build({
    prefix: 'IEEE',
    body: 'IEEE',
    number: project ? `P${number}` : number,
    numberLead: project ? undefined : 'Std',
    year,
    yearSep: '-',
    stage,
    draftSuffix: stage ? `/${stage}` : undefined,
    supplements: sup.supplements,
    style: 'ieee',
  });
}

// --- Chinese ---------------------------------------------------------------------------------------------------

const T_OR_Z = String.raw`(?:\s*/\s*([TZ])|\s+([TZ])(?=\s*\d)|([TZ])(?=\s*\d))`;
/** Local standards: DB + 2/4/6-digit administrative code; '/T', '/Z', 'T', or a bare '/' (mandatory 'DB11/ 854'). */
const CN_LOCAL_RE = new RegExp(String.raw`DB\s?(\d{2}|\d{4}|\d{6})(?:${T_OR_Z}|\s*/|(?=\s+\d))\s*(?=\d)`, 'iy');
/** Group (团体) T/<code> and enterprise (企业) Q/<code> standards. */
const CN_GROUP_RE = /([TQ])\s*\/\s*(?:([A-Z][A-Z0-9]{0,15})\s+|([A-Z]{1,16}))(?=\d)/iy;
/** GBZ/T is occupational health (recommended); plain 'GBZ' falls through to GB/Z (see file comment). */
const CN_GBZT_RE = /GBZ(?:\s*\/\s*|\s+)?T\s*(?=\d)/iy;
const CN_CODE_ALT = [...CN_CODES]
  .sort((a, b) => b.length - a.length)
  .map((c) => c.replace('/', String.raw`\s*/\s*`))
  .join('|');
const CN_NATIONAL_RE = new RegExp(String.raw`(${CN_CODE_ALT})${T_OR_Z}?\s*(?=\d)`, 'iy');
const CN_NUMBER_RE = /\d+(?:\.\d+)*/y;
const CN_ENTERPRISE_NUMBER_RE = /\d+(?:\.\d+)*[A-Z]?/iy;
const CN_YEAR_RE = /\s*-\s*(\d{4}|\d{2})(?!\d)/y;
const CN_XG_RE = /\s*(?:\/\s*)?XG\s*(\d+)(?:\s*-\s*(\d{4}|\d{2})(?!\d))?/iy;
const CN_ADOPTION_RE = /\s*\/\s*/y;

function natureOf(suffix: string | undefined): ParsedIdentifier['nature'] {
  return suffix === 'T' ? 'recommended' : suffix === 'Z' ? 'guidance' : 'mandatory';
}

/**
 * GB/T 29772-2024, GB 12955—2024, gbt29772, GB T 29772, GB/Z 41275-2022, GB/T 1.1-2020, JB/T 13368-2018,
 * NB/SH/T 0847-2010, DB31/T 1234-2020, DB11/ 854-2012, T/CAS 123-2025, Q/ABC 001-2020, GB 1234-88,
 * GB 2763-2021/XG1-2022 (修改单), GB/T 19001-2016/ISO 9001:2015 (adoption double number).
 */
function parseChinese(s: string): ParsedIdentifier | null {
  let prefix: string;
  let body: string;
  let nature: ParsedIdentifier['nature'];
  let numberRe = CN_NUMBER_RE;
  let gluedShort = false;
  let pos: number;
  let m: RegExpExecArray | null;
  if ((CN_LOCAL_RE.lastIndex = 0, (m = CN_LOCAL_RE.exec(s)))) {
    const suffix = (m[2] ?? m[3] ?? m[4])?.toUpperCase();
    body = `DB${m[1]}`;
    prefix = suffix ? `${body}/${suffix}` : body;
    nature = natureOf(suffix);
    pos = m[0].length;
  } else if ((CN_GROUP_RE.lastIndex = 0, (m = CN_GROUP_RE.exec(s)))) {
    const kind = m[1].toUpperCase();
    body = (m[2] ?? m[3]).toUpperCase();
    prefix = `${kind}/${body}`;
    nature = undefined; // group and enterprise standards are neither mandatory nor national-recommended
    if (kind === 'Q') numberRe = CN_ENTERPRISE_NUMBER_RE;
    pos = m[0].length;
  } else if ((CN_GBZT_RE.lastIndex = 0, (m = CN_GBZT_RE.exec(s)))) {
    body = 'GBZ';
    prefix = 'GBZ/T';
    nature = 'recommended';
    pos = m[0].length;
  } else if ((CN_NATIONAL_RE.lastIndex = 0, (m = CN_NATIONAL_RE.exec(s)))) {
    const suffix = (m[2] ?? m[3] ?? m[4])?.toUpperCase();
    body = m[1].toUpperCase().replace(/\s+/g, '');
    if (body === 'DB' && !suffix) return null; // bare 'DB…' is a malformed local standard, not the seismic sector
    prefix = suffix ? `${body}/${suffix}` : body;
    nature = natureOf(suffix);
    pos = m[0].length;
    // A sector code glued to a short number is more likely a formula or term than a standard: CH4, LD50.
    gluedShort = body !== 'GB' && !suffix && m[0] === m[1];
  } else {
    return null;
  }
  numberRe.lastIndex = pos;
  const nm = numberRe.exec(s);
  if (!nm) return null;
  const number = nm[0].toUpperCase();
  pos += nm[0].length;
  let year: number | undefined;
  CN_YEAR_RE.lastIndex = pos;
  const ym = CN_YEAR_RE.exec(s);
  if (ym) {
    const y = toYear(ym[1]);
    if (y === null) return null;
    year = y;
    pos += ym[0].length;
  }
  if (gluedShort && year === undefined && number.length < 3) return null;
  const supplements: IdentifierSupplement[] = [];
  for (let i = 0; i < 8; i++) {
    CN_XG_RE.lastIndex = pos;
    const xm = CN_XG_RE.exec(s);
    if (!xm) break;
    let xy: number | undefined;
    if (xm[2] !== undefined) {
      const y = toYear(xm[2]);
      if (y === null) return null;
      xy = y;
    }
    supplements.push(withOptional({ type: 'XG', number: xm[1] }, { year: xy }));
    pos += xm[0].length;
  }
  let adopts: string | undefined;
  if (pos < s.length) {
    CN_ADOPTION_RE.lastIndex = pos;
    const am = CN_ADOPTION_RE.exec(s);
    if (!am) return null;
    const adopted = parseForeign(s.slice(pos + am[0].length));
    if (!adopted) return null;
    adopts = adopted.canonical;
    pos = s.length;
  }
  return build({ prefix, body, nature, number, year, yearSep: '-', supplements, style: 'cn', adopts });
}

// --- ISO style (ISO, IEC, co-published, national adoptions) ----------------------------------------------------

const PREFIX_WORD_RE = /[A-Z]+/iy;
const PREFIX_SEP_RE = /\s*\/\s*|\s+/y;
/** ISO/IEC numbers: 27001, 13849-1, 62443-2-1, 8802-1Q (co-published with IEEE). */
const ISO_NUMBER_RE = /\d+(?:-\d+[A-Z]{0,3})*/iy;
/** National numbers may carry dots and a division letter: 'JIS X 0208', 'NF C15-100', 'ANSI Z535.1'. */
const NATIONAL_NUMBER_RE = /\d+(?:[.-]\d+)*/y;
const COLON_YEAR_RE = /\s*:\s*(\d{4})(?!\d)/y;
const LANGUAGE_RE = /\s*\((?:E|F|R|EN|FR|RU)\)/iy;

/**
 * ISO 9001:2015, iso9001:2015, ISO/IEC 27001:2022, ISO/TS 24929-2:2025, ISO/IEC TR 24028:2020, ISO/IEC DIS 42001,
 * ISO/CD 1234, ISO/DTS 1234, ISO Guide 73:2009, IEC 60335-1:2020/AMD1:2023, ISO/IEC/IEEE 8802-3:2021,
 * EN ISO 9001:2015, DIN EN ISO 13849-1:2016, BS EN 60335-1:2012/A11:2014, AS/NZS 3000:2018, JIS X 0208:1997.
 */
function parseIsoStyle(s: string): ParsedIdentifier | null {
  const nat: string[] = [];
  const orgs: string[] = [];
  let stage: string | undefined;
  let type: string | undefined;
  let letterLead: string | undefined;
  let pos = 0;
  for (let count = 0; ; count++) {
    if (count >= 8) return null;
    PREFIX_WORD_RE.lastIndex = pos;
    const m = PREFIX_WORD_RE.exec(s);
    if (!m) return null;
    const w = m[0].toUpperCase();
    const end = pos + m[0].length;
    const intlStarted = orgs.length > 0;
    const nothingAfterOrgs = stage === undefined && type === undefined;
    if (!intlStarted && nothingAfterOrgs && NATIONAL.has(w)) {
      nat.push(w);
    } else if (!intlStarted && nothingAfterOrgs && INTL_FIRST.has(w)) {
      orgs.push(w);
    } else if (intlStarted && nothingAfterOrgs && INTL_CO.has(w) && !orgs.includes(w)) {
      orgs.push(w);
    } else if ((intlStarted || nat.length > 0) && STAGES.has(w) && stage === undefined) {
      stage = w;
      const implied = STAGE_IMPLIES_TYPE[w];
      if (implied) {
        if (type !== undefined && type !== implied) return null;
        type = implied;
      }
    } else if ((intlStarted || nat.length > 0) && Object.hasOwn(TYPES, w) && type === undefined) {
      type = TYPES[w];
    } else if (
      !intlStarted && nat.length > 0 && nothingAfterOrgs && w.length === 1 && /^\s?\d/.test(s.slice(end, end + 2))
    ) {
      // JIS X 0208, NF C15-100, ANSI Z535.1: a division letter that belongs to the number, spacing kept.
      letterLead = s[end] === ' ' ? `${w} ` : w;
      pos = s[end] === ' ' ? end + 1 : end;
      break;
    } else {
      return null;
    }
    pos = end;
    if (isDigit(s[pos])) break;
    PREFIX_SEP_RE.lastIndex = pos;
    const sep = PREFIX_SEP_RE.exec(s);
    if (!sep) return null;
    pos += sep[0].length;
    if (isDigit(s[pos])) break;
  }
  if (nat.length === 0 && orgs.length === 0) return null;

  const numberRe = orgs.length > 0 ? ISO_NUMBER_RE : NATIONAL_NUMBER_RE;
  numberRe.lastIndex = pos;
  const nm = numberRe.exec(s);
  if (!nm) return null;
  pos += nm[0].length;
  let number = nm[0].toUpperCase();
  let year: number | undefined;
  COLON_YEAR_RE.lastIndex = pos;
  const ym = COLON_YEAR_RE.exec(s);
  if (ym) {
    const y = toYear(ym[1]);
    if (y === null) return null;
    year = y;
    pos += ym[0].length;
  } else {
    // 'ISO 9001-2015': a trailing hyphen part that is a plausible year is the year (see file comment).
    const lastDash = number.lastIndexOf('-');
    const tail = number.slice(lastDash + 1);
    if (lastDash > 0 && /^\d{4}$/.test(tail) && Number(tail) >= 1950 && Number(tail) <= 2099) {
      year = Number(tail);
      number = number.slice(0, lastDash);
    }
  }
  if (letterLead) number = letterLead + number;

  const style: SuppStyle = orgs[0] === 'IEC' ? 'iec' : 'iso';
  const sup = readSupplements(s, pos, style);
  if (!sup) return null;
  pos = sup.pos;
  LANGUAGE_RE.lastIndex = pos;
  const lm = LANGUAGE_RE.exec(s);
  if (lm) pos += lm[0].length;
  if (pos !== s.length) return null;
  // EN-style A/AC supplements only exist on European/national documents.
  if (nat.length === 0 && sup.supplements.some((x) => x.type === 'A' || x.type === 'AC')) return null;

  const body = nat.length > 0 ? (nat[0] === 'AS' && nat[1] === 'NZS' ? 'AS/NZS' : nat[0]) : orgs.join('/');
  return build({
    prefix: renderIsoPrefix(nat, orgs, type, undefined),
    displayPrefix: stage ? renderIsoPrefix(nat, orgs, type, stage) : undefined,
    body,
    number,
    year,
    // ANSI's house style is 'ANSI Z535.1-2017'; everything else ISO-style uses ':'.
    yearSep: orgs.length === 0 && nat[0] === 'ANSI' ? '-' : ':',
    stage,
    supplements: sup.supplements,
    style,
  });
}

/**
 * House style of the prefix: a lone ISO (or CEN/CLC) glues its first stage/type word with '/' ('ISO/TS',
 * 'ISO/DIS', 'CEN/TS'); co-published and IEC prefixes use a space ('ISO/IEC TR', 'IEC TS'); 'Guide' always
 * takes a space; a stage named after a type replaces the type word ('ISO/DTS').
 */
function renderIsoPrefix(nat: string[], orgs: string[], type: string | undefined, stage: string | undefined): string {
  const natParts: string[] = [];
  for (const n of nat) {
    if (n === 'NZS' && natParts[natParts.length - 1] === 'AS') natParts[natParts.length - 1] = 'AS/NZS';
    else natParts.push(n);
  }
  const words = stage ? (STAGE_IMPLIES_TYPE[stage] ? [stage] : [stage, type]) : [type];
  const tail = words.filter((w): w is string => w !== undefined);
  const attach = (head: string, slashFirst: boolean): string =>
    tail.reduce((acc, w, i) => acc + (i === 0 && slashFirst && w !== 'Guide' ? '/' : ' ') + w, head);
  if (orgs.length > 0) {
    const intl = attach(orgs.join('/'), orgs.length === 1 && orgs[0] === 'ISO');
    return natParts.length > 0 ? `${natParts.join(' ')} ${intl}` : intl;
  }
  const last = natParts[natParts.length - 1];
  return attach(natParts.join(' '), natParts.length === 1 && (last === 'CEN' || last === 'CLC'));
}

// ---------------------------------------------------------------------------------------------------------------
// Query classification and slugs
// ---------------------------------------------------------------------------------------------------------------

/** A bare number someone would type for a standard: ≥3 leading digits, optional parts and year (29772, 9001:2015, 802.3). */
const BARE_NUMBER_RE = /^\d{3,}(?:[.-]\d+)*(?:\s?:\s?\d{2,4})?$/;

/**
 * True when a search query is an identifier (or a bare standard number) rather than words, so search can go
 * to identifier lookup: 'gb 12955', 'GB/T29772', 'rfc9110', '29772', '9001:2015'. False for '防火门',
 * 'battery swap', '12'.
 */
export function looksLikeIdentifier(query: string): boolean {
  if (query.length > MAX_RAW_LENGTH) return false;
  const s = normaliseIdentifierText(query);
  if (s.length === 0 || s.length > MAX_IDENTIFIER_LENGTH) return false;
  return BARE_NUMBER_RE.test(s) || parseIdentifier(s) !== null;
}

const SLUG_RE = /^[A-Za-z0-9.-]+$/;
const MAX_SLUG_TOKENS = 14;
const MAX_FREE_BOUNDARIES = 6;

/**
 * Reverses `slug` for URL routes: 'GB-T-29772-2024' → ['GB/T 29772-2024'], 'ISO-13849-1-2008' →
 * ['ISO 13849-1:2008']. Returns canonical forms, best first: those whose slug is exactly the input, else those
 * whose slug matches ignoring case, else any parse of a plausible reading (a non-canonical slug such as
 * 'IEEE-802.3-2022' → ['IEEE Std 802.3-2022'], so a route can redirect). Text that already parses as an
 * identifier ('GB/T 29772-2024', 'rfc9110') is accepted too. Returns [] when nothing fits.
 */
export function slugToIdentifierCandidates(slug: string): string[] {
  const input = slug.trim();
  if (input.length === 0 || input.length > MAX_IDENTIFIER_LENGTH) return [];
  const tokens = input.split('-').filter((t) => t.length > 0);
  if (!SLUG_RE.test(input) || tokens.length < 2 || tokens.length > MAX_SLUG_TOKENS) {
    const direct = parseIdentifier(input);
    return direct ? [direct.canonical] : [];
  }
  const exact: string[] = [];
  const caseless: string[] = [];
  const other: string[] = [];
  const add = (list: string[], c: string): void => {
    if (!list.includes(c)) list.push(c);
  };
  const consider = (text: string): void => {
    const p = parseIdentifier(text);
    if (!p) return;
    if (p.slug === input) add(exact, p.canonical);
    else if (p.slug.toLowerCase() === input.toLowerCase()) add(caseless, p.canonical);
    else add(other, p.canonical);
  };
  // The prefix ends at or before the first token that starts with a digit; try each split up to there.
  const firstDigit = tokens.findIndex((t) => isDigit(t[0]));
  const lastSplit = firstDigit === -1 ? tokens.length - 1 : firstDigit;
  for (let k = lastSplit; k >= 1; k--) {
    const head = tokens.slice(0, k);
    const rest = tokens.slice(k);
    for (const joiner of ['/', ' ']) {
      for (const tail of restVariants(rest)) consider(`${head.join(joiner)} ${tail}`);
    }
  }
  return exact.length > 0 ? exact : caseless.length > 0 ? caseless : other;
}

/**
 * Rebuilds the number/year/supplement part of a slug: after a pure word comes ' ', before a word '/', and each
 * boundary between digit groups is tried as both '-' and ':' (bounded to 2^MAX_FREE_BOUNDARIES variants).
 */
function restVariants(rest: string[]): string[] {
  const fixed: (string | null)[] = [];
  for (let i = 0; i + 1 < rest.length; i++) {
    const next = rest[i + 1];
    if (/^[A-Za-z]+$/.test(rest[i])) fixed.push(' '); // 'Amd 1', 'CD Amd'
    else if (!isDigit(next[0])) fixed.push('/'); // '2015/Amd', 'P802.3dj/D2.1'
    else fixed.push(null);
  }
  const free = fixed.filter((f) => f === null).length;
  const choices = free <= MAX_FREE_BOUNDARIES ? 1 << free : 2;
  const out: string[] = [];
  for (let c = 0; c < choices; c++) {
    let bit = 0;
    let text = rest[0];
    for (let i = 0; i < fixed.length; i++) {
      let sep = fixed[i];
      if (sep === null) {
        const colon = free <= MAX_FREE_BOUNDARIES ? (c >> bit) & 1 : c;
        sep = colon ? ':' : '-';
        bit++;
      }
      text += sep + rest[i + 1];
    }
    out.push(text);
  }
  return out;
}
