import type { Services } from '../app/container.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { ClassificationCode } from '../classification/ports.js';

/**
 * Realistic records for the web tests (in-process and browser): facts from the seed document and the RFC index,
 * plus one hostile record whose titles carry markup, to prove that every page escapes record data.
 */
const base = { contributors: [], abstracts: [], relations: [], links: [], keywords: [], classifications: [], dates: [] };

export const XSS_TITLE = '<script>window.__xss=1</script>';
export const XSS_TITLE_ZH = '<img src=x onerror="window.__xss=2">防火门 <b>注入</b>';

export const WEB_SEED: StandardRecord[] = [
  {
    ...base,
    id: 'GB-12955-2024',
    identifiers: [{ type: 'GB', value: 'GB 12955-2024', primary: true }],
    body: 'SAC',
    docType: 'standard',
    nature: 'mandatory',
    titles: [
      { lang: 'zh', type: 'main', text: '防火门' },
      { lang: 'en', type: 'main', text: 'Fire-resistant doorsets' },
    ],
    dates: [
      { type: 'issued', value: '2024-10-28' },
      { type: 'implemented', value: '2026-05-01' },
    ],
    status: 'to-be-implemented',
    year: 2024,
    classifications: [{ scheme: 'ics', code: '13.220.50' }],
    committee: 'SAC/TC 113',
    contributors: [
      { role: 'publisher', name: '国家市场监督管理总局', abbreviation: 'SAMR', lang: 'zh' },
      { role: 'publisher', name: '国家标准化管理委员会', abbreviation: 'SAC', lang: 'zh' },
    ],
    relations: [{ type: 'replaces', target: 'GB 12955-2008' }],
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'GB-12955-2008',
    identifiers: [{ type: 'GB', value: 'GB 12955-2008', primary: true }],
    body: 'SAC',
    docType: 'standard',
    nature: 'mandatory',
    titles: [
      { lang: 'zh', type: 'main', text: '防火门' },
      { lang: 'en', type: 'main', text: 'Fire-resistant doorsets' },
    ],
    dates: [{ type: 'issued', value: '2008' }],
    status: 'replaced',
    year: 2008,
    classifications: [{ scheme: 'ics', code: '13.220.50' }],
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'GB-T-29772-2024',
    identifiers: [{ type: 'GB', value: 'GB/T 29772-2024', primary: true }],
    body: 'SAC',
    docType: 'standard',
    nature: 'recommended',
    titles: [
      { lang: 'zh', type: 'main', text: '电动汽车换电站通用技术要求' },
      { lang: 'en', type: 'main', text: 'General requirements of electric vehicle battery swap station' },
    ],
    dates: [{ type: 'implemented', value: '2025-07-01' }],
    status: 'current',
    year: 2024,
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'RFC-9110',
    identifiers: [
      { type: 'IETF', value: 'RFC 9110', primary: true },
      { type: 'DOI', value: '10.17487/RFC9110' },
    ],
    body: 'IETF',
    docType: 'rfc',
    titles: [{ lang: 'en', type: 'main', text: 'HTTP Semantics' }],
    dates: [{ type: 'published', value: '2022-06' }],
    status: 'current',
    statusSource: 'INTERNET STANDARD',
    year: 2022,
    contributors: [
      { role: 'author', name: 'R. Fielding' },
      { role: 'author', name: 'M. Nottingham' },
      { role: 'author', name: 'J. Reschke' },
    ],
    relations: [
      { type: 'replaces', target: 'RFC 7231' },
      { type: 'replaces', target: 'RFC 2818' },
      { type: 'updates', target: 'RFC 3864' },
    ],
    links: [
      { type: 'doi', url: 'https://doi.org/10.17487/RFC9110' },
      { type: 'src', url: 'javascript:alert(3)' },
    ],
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'RFC-7231',
    identifiers: [{ type: 'IETF', value: 'RFC 7231', primary: true }],
    body: 'IETF',
    docType: 'rfc',
    titles: [{ lang: 'en', type: 'main', text: 'Hypertext Transfer Protocol (HTTP/1.1): Semantics and Content' }],
    dates: [{ type: 'published', value: '2014-06' }],
    status: 'obsoleted',
    statusSource: 'PROPOSED STANDARD',
    year: 2014,
    relations: [{ type: 'replaces', target: 'RFC 2616' }],
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'ISO-9001-2015',
    identifiers: [{ type: 'ISO', value: 'ISO 9001:2015', primary: true }],
    body: 'ISO',
    docType: 'international-standard',
    titles: [
      { lang: 'en', type: 'main', text: 'Quality management systems — Requirements' },
      { lang: 'fr', type: 'main', text: 'Systèmes de management de la qualité — Exigences' },
    ],
    dates: [{ type: 'published', value: '2015-09' }],
    status: 'current',
    stage: '60.60',
    edition: '5',
    year: 2015,
    classifications: [{ scheme: 'ics', code: '03.120.10' }],
    committee: 'ISO/TC 176/SC 2',
    relations: [{ type: 'replaces', target: 'ISO 9001:2008' }],
    source: { importer: 'web-test', ref: 'seed' },
  },
  {
    ...base,
    id: 'T-STDHUB-666-2025',
    identifiers: [{ type: 'association', value: 'T/STDHUB 666-2025', primary: true }],
    body: 'STDHUB',
    docType: 'standard',
    titles: [
      { lang: 'en', type: 'main', text: XSS_TITLE },
      { lang: 'zh', type: 'main', text: XSS_TITLE_ZH },
    ],
    abstracts: [{ lang: 'en', text: '"><script>window.__xss=3</script>' }],
    dates: [{ type: 'issued', value: '2025-03-01' }],
    status: 'current',
    year: 2025,
    source: { importer: 'web-test', ref: 'seed' },
  },
];

/** ICS codes the records use, with the 7th edition's titles (ICS is MIT-licensed and redistributable). */
export const ICS_SEED: ClassificationCode[] = [
  { scheme: 'ics', code: '03', parent: null, level: 1, titleEn: 'Services. Company organization, management and quality. Administration. Transport. Sociology', titleZh: null, notes: [], sort: 3 },
  { scheme: 'ics', code: '03.120', parent: '03', level: 2, titleEn: 'Quality', titleZh: null, notes: [], sort: 120 },
  { scheme: 'ics', code: '03.120.10', parent: '03.120', level: 3, titleEn: 'Quality management and quality assurance', titleZh: null, notes: [], sort: 10 },
  { scheme: 'ics', code: '13', parent: null, level: 1, titleEn: 'Environment. Health protection. Safety', titleZh: null, notes: [], sort: 13 },
  { scheme: 'ics', code: '13.220', parent: '13', level: 2, titleEn: 'Protection against fire', titleZh: null, notes: [], sort: 220 },
  { scheme: 'ics', code: '13.220.50', parent: '13.220', level: 3, titleEn: 'Fire-resistance of building materials and elements', titleZh: null, notes: [], sort: 50 },
];

/** Writes the seed through the ordinary ports (so events and the search index are written as in production). */
export async function seedWeb(services: Services): Promise<void> {
  for (const c of ICS_SEED) await services.classifications.upsert(c, { actor: 'web-test' });
  for (const r of WEB_SEED) await services.catalogue.upsert(r, { actor: 'web-test' });
}
