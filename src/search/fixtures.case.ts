import { parseIdentifier } from '../catalogue/identifier.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { CatalogueStore } from '../catalogue/ports.js';

/**
 * A handful of real bilingual catalogue records used by the search tests (facts from the project's seed documents
 * and the RFC index; ICS codes from the MIT-licensed ICS list; no CCS codes, which may not be copied).
 */

interface Spec {
  number: string;
  type: string;
  body: string;
  docType: string;
  nature?: StandardRecord['nature'];
  status: string;
  zh?: string;
  en?: string;
  dates?: [string, string][];
  ics?: string[];
  relations?: [string, string][];
  committee?: string;
  abstract?: string;
  others?: string[];
}

function record(s: Spec): StandardRecord {
  const p = parseIdentifier(s.number);
  if (!p) throw new Error(`fixture number does not parse: ${s.number}`);
  const titles = [
    ...(s.zh ? [{ lang: 'zh', type: 'main', text: s.zh }] : []),
    ...(s.en ? [{ lang: 'en', type: 'main', text: s.en }] : []),
  ];
  return {
    id: p.slug,
    identifiers: [{ type: s.type, value: p.canonical, primary: true }, ...(s.others ?? []).map((v) => ({ type: s.type, value: v }))],
    body: s.body,
    docType: s.docType,
    ...(s.nature ? { nature: s.nature } : {}),
    titles,
    dates: (s.dates ?? []).map(([type, value]) => ({ type, value })),
    status: s.status,
    ...(p.year ? { year: p.year } : {}),
    classifications: (s.ics ?? []).map((code) => ({ scheme: 'ics' as const, code })),
    ...(s.committee ? { committee: s.committee } : {}),
    contributors: [],
    abstracts: s.abstract ? [{ lang: 'en', text: s.abstract }] : [],
    relations: (s.relations ?? []).map(([type, target]) => ({ type, target })),
    links: [],
    keywords: [],
    source: { importer: 'test', ref: p.slug },
  };
}

export const FIXTURES: StandardRecord[] = [
  record({
    number: 'GB 12955-2024', type: 'GB', body: 'SAC', docType: 'standard', nature: 'mandatory', status: 'current',
    zh: '防火门', en: 'Fire-resistant doorsets', ics: ['13.220.50'],
    dates: [['issued', '2024-10-28'], ['implemented', '2026-05-01']], relations: [['replaces', 'GB 12955-2008']],
  }),
  record({
    number: 'GB 12955-2008', type: 'GB', body: 'SAC', docType: 'standard', nature: 'mandatory', status: 'replaced',
    zh: '防火门', en: 'Fire-resistant doorsets', ics: ['13.220.50'], dates: [['issued', '2008-06-26']],
  }),
  record({
    number: 'GB/T 29772-2024', type: 'GB', body: 'SAC', docType: 'standard', nature: 'recommended', status: 'current',
    zh: '电动汽车换电站通用要求', en: 'General requirements of electric vehicle battery swap station', ics: ['43.120'],
    dates: [['issued', '2024-12-31'], ['implemented', '2025-07-01']],
  }),
  record({
    number: 'GB/T 24067-2024', type: 'GB', body: 'SAC', docType: 'standard', nature: 'recommended', status: 'current',
    zh: '温室气体 产品碳足迹 量化要求和指南',
    en: 'Greenhouse gases—Carbon footprint of products—Requirements and guidelines for quantification',
    ics: ['13.020.40'], dates: [['issued', '2024-08-23']], others: [],
  }),
  record({
    number: 'GB/T 46277-2025', type: 'GB', body: 'SAC', docType: 'standard', nature: 'recommended', status: 'current',
    zh: '经营主体信用承诺实施指南', en: 'Implementation guidelines for credit commitment of business entities',
    committee: 'SAC/TC 611', dates: [['issued', '2025-08-29']],
  }),
  record({
    number: 'JB/T 13368-2018', type: 'sector', body: 'MIIT', docType: 'standard', nature: 'recommended', status: 'current',
    zh: '叉车属具 软包夹', en: 'Industrial truck attachments—Soft bale clamps', dates: [['issued', '2018-04-30']],
  }),
  record({
    number: 'ISO 9001:2015', type: 'ISO', body: 'ISO', docType: 'international-standard', status: 'current',
    en: 'Quality management systems — Requirements', ics: ['03.120.10'], committee: 'ISO/TC 176/SC 2',
    dates: [['published', '2015-09-15']],
    abstract: 'Specifies requirements for a quality management system when an organization needs to demonstrate its ability to consistently provide products and services.',
  }),
  record({
    number: 'ISO 9001:2008', type: 'ISO', body: 'ISO', docType: 'international-standard', status: 'withdrawn',
    en: 'Quality management systems — Requirements', ics: ['03.120.10'], committee: 'ISO/TC 176/SC 2',
    dates: [['published', '2008-11-13']], relations: [['replacedBy', 'ISO 9001:2015']],
  }),
  record({
    number: 'ISO 3008-1:2017', type: 'ISO', body: 'ISO', docType: 'international-standard', status: 'current',
    en: 'Fire resistance tests — Part 1: Door and shutter assemblies', ics: ['13.220.50'], committee: 'ISO/TC 92/SC 2',
    dates: [['published', '2017-05-04']],
  }),
  record({
    number: 'RFC 9110', type: 'IETF', body: 'IETF', docType: 'rfc', status: 'current', en: 'HTTP Semantics',
    dates: [['published', '2022-06']], relations: [['replaces', 'RFC 2818'], ['replaces', 'RFC 7231']],
  }),
  record({
    number: 'RFC 7231', type: 'IETF', body: 'IETF', docType: 'rfc', status: 'obsoleted',
    en: 'Hypertext Transfer Protocol (HTTP/1.1): Semantics and Content', dates: [['published', '2014-06']],
    relations: [['replaces', 'RFC 2616'], ['replacedBy', 'RFC 9110']],
  }),
  record({
    number: 'RFC 2616', type: 'IETF', body: 'IETF', docType: 'rfc', status: 'obsoleted',
    en: 'Hypertext Transfer Protocol -- HTTP/1.1', dates: [['published', '1999-06']],
    relations: [['replacedBy', 'RFC 7230'], ['replacedBy', 'RFC 7231']],
  }),
];

/** Writes the fixtures through the catalogue store (so the indexer runs inside the upsert transaction). */
export async function loadFixtures(catalogue: CatalogueStore): Promise<void> {
  for (const r of FIXTURES) await catalogue.upsert(r, { actor: 'test' });
}
