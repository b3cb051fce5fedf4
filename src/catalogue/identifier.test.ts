import { describe, expect, it } from 'vitest';
import {
  looksLikeIdentifier,
  MAX_IDENTIFIER_LENGTH,
  normaliseIdentifierText,
  parseIdentifier,
  type ParsedIdentifier,
  slugToIdentifierCandidates,
} from './identifier.js';

/**
 * Every field is asserted (toStrictEqual: optional fields must be absent, not undefined). The tables double as
 * the specification of canonical form, familyKey and slug for each family.
 */
type Case = [input: string, expected: ParsedIdentifier];

const CHINESE: Case[] = [
  ['GB/T 29772-2024', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '29772', year: 2024, supplements: [], canonical: 'GB/T 29772-2024', familyKey: 'GB/T 29772', slug: 'GB-T-29772-2024' }],
  ['GB 12955-2024', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '12955', year: 2024, supplements: [], canonical: 'GB 12955-2024', familyKey: 'GB 12955', slug: 'GB-12955-2024' }],
  ['GB/T29772', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '29772', supplements: [], canonical: 'GB/T 29772', familyKey: 'GB/T 29772', slug: 'GB-T-29772' }],
  ['gbt 29772', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '29772', supplements: [], canonical: 'GB/T 29772', familyKey: 'GB/T 29772', slug: 'GB-T-29772' }],
  ['GB T 29772-2024', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '29772', year: 2024, supplements: [], canonical: 'GB/T 29772-2024', familyKey: 'GB/T 29772', slug: 'GB-T-29772-2024' }],
  ['ＧＢ／Ｔ　２９７７２—２０２４', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '29772', year: 2024, supplements: [], canonical: 'GB/T 29772-2024', familyKey: 'GB/T 29772', slug: 'GB-T-29772-2024' }],
  ['GB 12955—2024', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '12955', year: 2024, supplements: [], canonical: 'GB 12955-2024', familyKey: 'GB 12955', slug: 'GB-12955-2024' }],
  ['GB 12955–2024', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '12955', year: 2024, supplements: [], canonical: 'GB 12955-2024', familyKey: 'GB 12955', slug: 'GB-12955-2024' }],
  ['GB 12955－2024', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '12955', year: 2024, supplements: [], canonical: 'GB 12955-2024', familyKey: 'GB 12955', slug: 'GB-12955-2024' }],
  ['GB/Z 41275-2022', { prefix: 'GB/Z', body: 'GB', nature: 'guidance', number: '41275', year: 2022, supplements: [], canonical: 'GB/Z 41275-2022', familyKey: 'GB/Z 41275', slug: 'GB-Z-41275-2022' }],
  ['gbz 41275', { prefix: 'GB/Z', body: 'GB', nature: 'guidance', number: '41275', supplements: [], canonical: 'GB/Z 41275', familyKey: 'GB/Z 41275', slug: 'GB-Z-41275' }],
  ['GB/T 1.1-2020', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '1.1', year: 2020, supplements: [], canonical: 'GB/T 1.1-2020', familyKey: 'GB/T 1.1', slug: 'GB-T-1.1-2020' }],
  ['JB/T 13368-2018', { prefix: 'JB/T', body: 'JB', nature: 'recommended', number: '13368', year: 2018, supplements: [], canonical: 'JB/T 13368-2018', familyKey: 'JB/T 13368', slug: 'JB-T-13368-2018' }],
  ['HG/T 2000-2010', { prefix: 'HG/T', body: 'HG', nature: 'recommended', number: '2000', year: 2010, supplements: [], canonical: 'HG/T 2000-2010', familyKey: 'HG/T 2000', slug: 'HG-T-2000-2010' }],
  ['YY 0001-2020', { prefix: 'YY', body: 'YY', nature: 'mandatory', number: '0001', year: 2020, supplements: [], canonical: 'YY 0001-2020', familyKey: 'YY 0001', slug: 'YY-0001-2020' }],
  ['DB31/T 1234-2020', { prefix: 'DB31/T', body: 'DB31', nature: 'recommended', number: '1234', year: 2020, supplements: [], canonical: 'DB31/T 1234-2020', familyKey: 'DB31/T 1234', slug: 'DB31-T-1234-2020' }],
  ['DB11/T 123-2019', { prefix: 'DB11/T', body: 'DB11', nature: 'recommended', number: '123', year: 2019, supplements: [], canonical: 'DB11/T 123-2019', familyKey: 'DB11/T 123', slug: 'DB11-T-123-2019' }],
  ['DB11/ 854-2012', { prefix: 'DB11', body: 'DB11', nature: 'mandatory', number: '854', year: 2012, supplements: [], canonical: 'DB11 854-2012', familyKey: 'DB11 854', slug: 'DB11-854-2012' }],
  ['DB3301/T 0001-2020', { prefix: 'DB3301/T', body: 'DB3301', nature: 'recommended', number: '0001', year: 2020, supplements: [], canonical: 'DB3301/T 0001-2020', familyKey: 'DB3301/T 0001', slug: 'DB3301-T-0001-2020' }],
  ['T/CAS 123-2025', { prefix: 'T/CAS', body: 'CAS', number: '123', year: 2025, supplements: [], canonical: 'T/CAS 123-2025', familyKey: 'T/CAS 123', slug: 'T-CAS-123-2025' }],
  ['Q/ABC 001-2020', { prefix: 'Q/ABC', body: 'ABC', number: '001', year: 2020, supplements: [], canonical: 'Q/ABC 001-2020', familyKey: 'Q/ABC 001', slug: 'Q-ABC-001-2020' }],
  ['Q/SH 0001S-2019', { prefix: 'Q/SH', body: 'SH', number: '0001S', year: 2019, supplements: [], canonical: 'Q/SH 0001S-2019', familyKey: 'Q/SH 0001S', slug: 'Q-SH-0001S-2019' }],
  ['GB 1234-88', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '1234', year: 1988, supplements: [], canonical: 'GB 1234-1988', familyKey: 'GB 1234', slug: 'GB-1234-1988' }],
  ['NB/SH/T 0847-2010', { prefix: 'NB/SH/T', body: 'NB/SH', nature: 'recommended', number: '0847', year: 2010, supplements: [], canonical: 'NB/SH/T 0847-2010', familyKey: 'NB/SH/T 0847', slug: 'NB-SH-T-0847-2010' }],
  ['GBZ/T 229.1-2010', { prefix: 'GBZ/T', body: 'GBZ', nature: 'recommended', number: '229.1', year: 2010, supplements: [], canonical: 'GBZ/T 229.1-2010', familyKey: 'GBZ/T 229.1', slug: 'GBZ-T-229.1-2010' }],
  ['JGJ/T 3-2010', { prefix: 'JGJ/T', body: 'JGJ', nature: 'recommended', number: '3', year: 2010, supplements: [], canonical: 'JGJ/T 3-2010', familyKey: 'JGJ/T 3', slug: 'JGJ-T-3-2010' }],
  ['GB 2763-2021/XG1-2022', { prefix: 'GB', body: 'GB', nature: 'mandatory', number: '2763', year: 2021, supplements: [{ type: 'XG', number: '1', year: 2022 }], canonical: 'GB 2763-2021/XG1-2022', familyKey: 'GB 2763/XG1', slug: 'GB-2763-2021-XG1-2022' }],
  ['GB/T 19001-2016/ISO 9001:2015', { prefix: 'GB/T', body: 'GB', nature: 'recommended', number: '19001', year: 2016, supplements: [], adopts: 'ISO 9001:2015', canonical: 'GB/T 19001-2016', familyKey: 'GB/T 19001', slug: 'GB-T-19001-2016' }],
];

const ISO_IEC: Case[] = [
  ['ISO/IEC 27001:2022', { prefix: 'ISO/IEC', body: 'ISO/IEC', number: '27001', year: 2022, supplements: [], canonical: 'ISO/IEC 27001:2022', familyKey: 'ISO/IEC 27001', slug: 'ISO-IEC-27001-2022' }],
  ['ISO 9001:2015/Amd 1:2024', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [{ type: 'Amd', number: '1', year: 2024 }], canonical: 'ISO 9001:2015/Amd 1:2024', familyKey: 'ISO 9001/Amd 1', slug: 'ISO-9001-2015-Amd-1-2024' }],
  ['ISO 9001:2015/Cor 1:2016', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [{ type: 'Cor', number: '1', year: 2016 }], canonical: 'ISO 9001:2015/Cor 1:2016', familyKey: 'ISO 9001/Cor 1', slug: 'ISO-9001-2015-Cor-1-2016' }],
  ['ISO 9001:2015/Cor.1:2016', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [{ type: 'Cor', number: '1', year: 2016 }], canonical: 'ISO 9001:2015/Cor 1:2016', familyKey: 'ISO 9001/Cor 1', slug: 'ISO-9001-2015-Cor-1-2016' }],
  ['ISO 9001:2015/AMD1:2024', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [{ type: 'Amd', number: '1', year: 2024 }], canonical: 'ISO 9001:2015/Amd 1:2024', familyKey: 'ISO 9001/Amd 1', slug: 'ISO-9001-2015-Amd-1-2024' }],
  ['ISO 9001', { prefix: 'ISO', body: 'ISO', number: '9001', supplements: [], canonical: 'ISO 9001', familyKey: 'ISO 9001', slug: 'ISO-9001' }],
  ['iso9001:2015', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [], canonical: 'ISO 9001:2015', familyKey: 'ISO 9001', slug: 'ISO-9001-2015' }],
  ['ISO/TS 24929-2:2025', { prefix: 'ISO/TS', body: 'ISO', number: '24929-2', year: 2025, supplements: [], canonical: 'ISO/TS 24929-2:2025', familyKey: 'ISO/TS 24929-2', slug: 'ISO-TS-24929-2-2025' }],
  ['ISO/IEC TR 24028:2020', { prefix: 'ISO/IEC TR', body: 'ISO/IEC', number: '24028', year: 2020, supplements: [], canonical: 'ISO/IEC TR 24028:2020', familyKey: 'ISO/IEC TR 24028', slug: 'ISO-IEC-TR-24028-2020' }],
  ['ISO 13849-1:2008', { prefix: 'ISO', body: 'ISO', number: '13849-1', year: 2008, supplements: [], canonical: 'ISO 13849-1:2008', familyKey: 'ISO 13849-1', slug: 'ISO-13849-1-2008' }],
  ['IEC 60335-1:2020', { prefix: 'IEC', body: 'IEC', number: '60335-1', year: 2020, supplements: [], canonical: 'IEC 60335-1:2020', familyKey: 'IEC 60335-1', slug: 'IEC-60335-1-2020' }],
  ['ISO/IEC DIS 42001', { prefix: 'ISO/IEC', body: 'ISO/IEC', number: '42001', stage: 'DIS', supplements: [], canonical: 'ISO/IEC DIS 42001', familyKey: 'ISO/IEC 42001', slug: 'ISO-IEC-DIS-42001' }],
  ['ISO/CD 1234', { prefix: 'ISO', body: 'ISO', number: '1234', stage: 'CD', supplements: [], canonical: 'ISO/CD 1234', familyKey: 'ISO 1234', slug: 'ISO-CD-1234' }],
  ['ISO 1234:1990/DAmd 1', { prefix: 'ISO', body: 'ISO', number: '1234', year: 1990, supplements: [{ type: 'Amd', number: '1', stage: 'DIS' }], canonical: 'ISO 1234:1990/DAmd 1', familyKey: 'ISO 1234/Amd 1', slug: 'ISO-1234-1990-DAmd-1' }],
  ['ISO/DTS 1234', { prefix: 'ISO/TS', body: 'ISO', number: '1234', stage: 'DTS', supplements: [], canonical: 'ISO/DTS 1234', familyKey: 'ISO/TS 1234', slug: 'ISO-DTS-1234' }],
  ['ISO/CD TS 1234', { prefix: 'ISO/TS', body: 'ISO', number: '1234', stage: 'CD', supplements: [], canonical: 'ISO/CD TS 1234', familyKey: 'ISO/TS 1234', slug: 'ISO-CD-TS-1234' }],
  ['ISO Guide 73:2009', { prefix: 'ISO Guide', body: 'ISO', number: '73', year: 2009, supplements: [], canonical: 'ISO Guide 73:2009', familyKey: 'ISO Guide 73', slug: 'ISO-Guide-73-2009' }],
  ['ISO 9001-2015', { prefix: 'ISO', body: 'ISO', number: '9001', year: 2015, supplements: [], canonical: 'ISO 9001:2015', familyKey: 'ISO 9001', slug: 'ISO-9001-2015' }],
  ['ISO/IEC 27001:2013/Cor 1:2014', { prefix: 'ISO/IEC', body: 'ISO/IEC', number: '27001', year: 2013, supplements: [{ type: 'Cor', number: '1', year: 2014 }], canonical: 'ISO/IEC 27001:2013/Cor 1:2014', familyKey: 'ISO/IEC 27001/Cor 1', slug: 'ISO-IEC-27001-2013-Cor-1-2014' }],
  ['ISO 17301-1:2016/CD Amd 1', { prefix: 'ISO', body: 'ISO', number: '17301-1', year: 2016, supplements: [{ type: 'Amd', number: '1', stage: 'CD' }], canonical: 'ISO 17301-1:2016/CD Amd 1', familyKey: 'ISO 17301-1/Amd 1', slug: 'ISO-17301-1-2016-CD-Amd-1' }],
  ['ISO 1234:2000/FDAmd 2', { prefix: 'ISO', body: 'ISO', number: '1234', year: 2000, supplements: [{ type: 'Amd', number: '2', stage: 'FDIS' }], canonical: 'ISO 1234:2000/FDAmd 2', familyKey: 'ISO 1234/Amd 2', slug: 'ISO-1234-2000-FDAmd-2' }],
  ['ISO 1234:2000/PDAM 1', { prefix: 'ISO', body: 'ISO', number: '1234', year: 2000, supplements: [{ type: 'Amd', number: '1', stage: 'CD' }], canonical: 'ISO 1234:2000/CD Amd 1', familyKey: 'ISO 1234/Amd 1', slug: 'ISO-1234-2000-CD-Amd-1' }],
  ['IEC 60335-1:2010/AMD1:2013', { prefix: 'IEC', body: 'IEC', number: '60335-1', year: 2010, supplements: [{ type: 'AMD', number: '1', year: 2013 }], canonical: 'IEC 60335-1:2010/AMD1:2013', familyKey: 'IEC 60335-1/AMD1', slug: 'IEC-60335-1-2010-AMD1-2013' }],
  ['IEC 60335-1:2010/Amd 2:2016', { prefix: 'IEC', body: 'IEC', number: '60335-1', year: 2010, supplements: [{ type: 'AMD', number: '2', year: 2016 }], canonical: 'IEC 60335-1:2010/AMD2:2016', familyKey: 'IEC 60335-1/AMD2', slug: 'IEC-60335-1-2010-AMD2-2016' }],
  ['IEC/TS 62443-1-1:2009', { prefix: 'IEC TS', body: 'IEC', number: '62443-1-1', year: 2009, supplements: [], canonical: 'IEC TS 62443-1-1:2009', familyKey: 'IEC TS 62443-1-1', slug: 'IEC-TS-62443-1-1-2009' }],
  ['ISO/IEC/IEEE 8802-3:2021', { prefix: 'ISO/IEC/IEEE', body: 'ISO/IEC/IEEE', number: '8802-3', year: 2021, supplements: [], canonical: 'ISO/IEC/IEEE 8802-3:2021', familyKey: 'ISO/IEC/IEEE 8802-3', slug: 'ISO-IEC-IEEE-8802-3-2021' }],
];

const IETF: Case[] = [
  ['RFC 9110', { prefix: 'RFC', body: 'IETF', number: '9110', supplements: [], canonical: 'RFC 9110', familyKey: 'RFC 9110', slug: 'RFC-9110' }],
  ['rfc9110', { prefix: 'RFC', body: 'IETF', number: '9110', supplements: [], canonical: 'RFC 9110', familyKey: 'RFC 9110', slug: 'RFC-9110' }],
  ['RFC10', { prefix: 'RFC', body: 'IETF', number: '10', supplements: [], canonical: 'RFC 10', familyKey: 'RFC 10', slug: 'RFC-10' }],
  ['RFC 0010', { prefix: 'RFC', body: 'IETF', number: '10', supplements: [], canonical: 'RFC 10', familyKey: 'RFC 10', slug: 'RFC-10' }],
  ['BCP 14', { prefix: 'BCP', body: 'IETF', number: '14', supplements: [], canonical: 'BCP 14', familyKey: 'BCP 14', slug: 'BCP-14' }],
  ['STD 7', { prefix: 'STD', body: 'IETF', number: '7', supplements: [], canonical: 'STD 7', familyKey: 'STD 7', slug: 'STD-7' }],
  ['FYI 36', { prefix: 'FYI', body: 'IETF', number: '36', supplements: [], canonical: 'FYI 36', familyKey: 'FYI 36', slug: 'FYI-36' }],
];

const IEEE: Case[] = [
  ['IEEE Std 802.3-2022', { prefix: 'IEEE', body: 'IEEE', number: '802.3', year: 2022, supplements: [], canonical: 'IEEE Std 802.3-2022', familyKey: 'IEEE Std 802.3', slug: 'IEEE-Std-802.3-2022' }],
  ['IEEE 802.3-2022', { prefix: 'IEEE', body: 'IEEE', number: '802.3', year: 2022, supplements: [], canonical: 'IEEE Std 802.3-2022', familyKey: 'IEEE Std 802.3', slug: 'IEEE-Std-802.3-2022' }],
  ['IEEE P3419', { prefix: 'IEEE', body: 'IEEE', number: 'P3419', supplements: [], canonical: 'IEEE P3419', familyKey: 'IEEE P3419', slug: 'IEEE-P3419' }],
  ['IEEE P802.3dj/D2.1', { prefix: 'IEEE', body: 'IEEE', number: 'P802.3dj', stage: 'D2.1', supplements: [], canonical: 'IEEE P802.3dj/D2.1', familyKey: 'IEEE P802.3dj', slug: 'IEEE-P802.3dj-D2.1' }],
  ['ieee 802.11ax-2021', { prefix: 'IEEE', body: 'IEEE', number: '802.11ax', year: 2021, supplements: [], canonical: 'IEEE Std 802.11ax-2021', familyKey: 'IEEE Std 802.11ax', slug: 'IEEE-Std-802.11ax-2021' }],
  ['IEEE Std 1547a-2020', { prefix: 'IEEE', body: 'IEEE', number: '1547a', year: 2020, supplements: [], canonical: 'IEEE Std 1547a-2020', familyKey: 'IEEE Std 1547a', slug: 'IEEE-Std-1547a-2020' }],
];

const NATIONAL: Case[] = [
  ['EN ISO 9001:2015', { prefix: 'EN ISO', body: 'EN', number: '9001', year: 2015, supplements: [], canonical: 'EN ISO 9001:2015', familyKey: 'EN ISO 9001', slug: 'EN-ISO-9001-2015' }],
  ['DIN EN ISO 13849-1:2016', { prefix: 'DIN EN ISO', body: 'DIN', number: '13849-1', year: 2016, supplements: [], canonical: 'DIN EN ISO 13849-1:2016', familyKey: 'DIN EN ISO 13849-1', slug: 'DIN-EN-ISO-13849-1-2016' }],
  ['BS EN 60335-1:2012/A11:2014', { prefix: 'BS EN', body: 'BS', number: '60335-1', year: 2012, supplements: [{ type: 'A', number: '11', year: 2014 }], canonical: 'BS EN 60335-1:2012/A11:2014', familyKey: 'BS EN 60335-1/A11', slug: 'BS-EN-60335-1-2012-A11-2014' }],
  ['AS/NZS 3000:2018', { prefix: 'AS/NZS', body: 'AS/NZS', number: '3000', year: 2018, supplements: [], canonical: 'AS/NZS 3000:2018', familyKey: 'AS/NZS 3000', slug: 'AS-NZS-3000-2018' }],
  ['JIS X 0208:1997', { prefix: 'JIS', body: 'JIS', number: 'X 0208', year: 1997, supplements: [], canonical: 'JIS X 0208:1997', familyKey: 'JIS X 0208', slug: 'JIS-X-0208-1997' }],
  ['ANSI Z535.1-2017', { prefix: 'ANSI', body: 'ANSI', number: 'Z535.1', year: 2017, supplements: [], canonical: 'ANSI Z535.1-2017', familyKey: 'ANSI Z535.1', slug: 'ANSI-Z535.1-2017' }],
  ['CEN/TS 16931-1:2017', { prefix: 'CEN/TS', body: 'CEN', number: '16931-1', year: 2017, supplements: [], canonical: 'CEN/TS 16931-1:2017', familyKey: 'CEN/TS 16931-1', slug: 'CEN-TS-16931-1-2017' }],
];

const ALL: Case[] = [...CHINESE, ...ISO_IEC, ...IETF, ...IEEE, ...NATIONAL];

describe('parseIdentifier: every field', () => {
  it.each(CHINESE)('Chinese %s', (input, expected) => expect(parseIdentifier(input)).toStrictEqual(expected));
  it.each(ISO_IEC)('ISO/IEC %s', (input, expected) => expect(parseIdentifier(input)).toStrictEqual(expected));
  it.each(IETF)('IETF %s', (input, expected) => expect(parseIdentifier(input)).toStrictEqual(expected));
  it.each(IEEE)('IEEE %s', (input, expected) => expect(parseIdentifier(input)).toStrictEqual(expected));
  it.each(NATIONAL)('national %s', (input, expected) => expect(parseIdentifier(input)).toStrictEqual(expected));
});

describe('parseIdentifier: invariants over every table case', () => {
  const withoutAdopts = (p: ParsedIdentifier | null): Omit<ParsedIdentifier, 'adopts'> | null => {
    if (!p) return p;
    const { adopts: _adopts, ...rest } = p;
    return rest;
  };
  it.each(ALL)('canonical form of %s is a fixed point', (_input, expected) => {
    // The canonical form parses back to the same record (the adoption double number is not part of it).
    expect(withoutAdopts(parseIdentifier(expected.canonical))).toStrictEqual(withoutAdopts(expected));
    expect(parseIdentifier(expected.familyKey)?.familyKey).toBe(expected.familyKey);
  });
  it.each(ALL)('slug of %s is URL-safe and reverses to the canonical form', (_input, expected) => {
    expect(expected.slug).toMatch(/^[A-Za-z0-9.-]+$/);
    expect(slugToIdentifierCandidates(expected.slug)).toEqual([expected.canonical]);
  });
  it.each(ALL)('%s looks like an identifier and normalises idempotently', (input) => {
    expect(looksLikeIdentifier(input)).toBe(true);
    const once = normaliseIdentifierText(input);
    expect(normaliseIdentifierText(once)).toBe(once);
  });
});

describe('parseIdentifier: spelling variants reach one canonical form', () => {
  const variants: [input: string, canonical: string][] = [
    ['GB／T29772－2024', 'GB/T 29772-2024'],
    ['gb/t 29772 - 2024', 'GB/T 29772-2024'],
    ['GB\\T 29772-2024', 'GB/T 29772-2024'],
    ['  GB/T   29772-2024  ', 'GB/T 29772-2024'],
    ['GBT29772-2024', 'GB/T 29772-2024'],
    ['GB T29772', 'GB/T 29772'],
    ['GB 12955一2024', 'GB 12955-2024'],
    ['GB 12955―2024', 'GB 12955-2024'],
    ['GB/T 29772-24', 'GB/T 29772-2024'],
    ['GB 50222-95', 'GB 50222-1995'],
    ['GBZ 41275-2022', 'GB/Z 41275-2022'],
    ['GB Z 41275', 'GB/Z 41275'],
    ['jbt13368-2018', 'JB/T 13368-2018'],
    ['JB T 13368-2018', 'JB/T 13368-2018'],
    ['yy0001-2020', 'YY 0001-2020'],
    ['DB 31/T 1234-2020', 'DB31/T 1234-2020'],
    ['db31t 1234-2020', 'DB31/T 1234-2020'],
    ['DB31 T 1234-2020', 'DB31/T 1234-2020'],
    ['DB11 854-2012', 'DB11 854-2012'],
    ['t/cas123-2025', 'T/CAS 123-2025'],
    ['T / CAS 123—2025', 'T/CAS 123-2025'],
    ['GB 2763-2021 XG1-2022', 'GB 2763-2021/XG1-2022'],
    ['gb 2763-2021/xg 1', 'GB 2763-2021/XG1'],
    ['ＩＳＯ　９００１：２０１５', 'ISO 9001:2015'],
    ['iso 9001 : 2015', 'ISO 9001:2015'],
    ['ISO IEC 27001:2022', 'ISO/IEC 27001:2022'],
    ['iso/iec 27001:2022', 'ISO/IEC 27001:2022'],
    ['ISO/IEC/TR 24028:2020', 'ISO/IEC TR 24028:2020'],
    ['ISO TS 24929-2:2025', 'ISO/TS 24929-2:2025'],
    ['ISO 9001:2015/COR1:2016', 'ISO 9001:2015/Cor 1:2016'],
    ['ISO 9001:2015/Cor. 1:2016', 'ISO 9001:2015/Cor 1:2016'],
    ['iso 9001:2015 / amd 1 : 2024', 'ISO 9001:2015/Amd 1:2024'],
    ['ISO 9001:2015/Amd1-2024', 'ISO 9001:2015/Amd 1:2024'],
    ['ISO 1234:1990/DAM 1', 'ISO 1234:1990/DAmd 1'],
    ['ISO 1234:1990/DIS Amd 1', 'ISO 1234:1990/DAmd 1'],
    ['ISO 9001:2015(E)', 'ISO 9001:2015'],
    ['ISO 13849-1-2008', 'ISO 13849-1:2008'],
    ['IEC 60335-1:2010/COR1:2011', 'IEC 60335-1:2010/COR1:2011'],
    ['IEC 60335-1:2010/ISH1:2011', 'IEC 60335-1:2010/ISH1:2011'],
    ['IEC TR 61000-5-8:2009', 'IEC TR 61000-5-8:2009'],
    ['iec60335-1', 'IEC 60335-1'],
    ['rfc-9110', 'RFC 9110'],
    ['RFC_9110', 'RFC 9110'],
    ['ＲＦＣ９１１０', 'RFC 9110'],
    ['IEEE802.3-2022', 'IEEE Std 802.3-2022'],
    ['IEEE STD 802.3-2022', 'IEEE Std 802.3-2022'],
    ['IEEE Std. 802.3-2022', 'IEEE Std 802.3-2022'],
    ['ieee std 802.1Q-2022', 'IEEE Std 802.1Q-2022'],
    ['IEEE C37.118.1-2011', 'IEEE Std C37.118.1-2011'],
    ['IEEE 11073-10101-2019', 'IEEE Std 11073-10101-2019'],
    ['IEEE 11073-10101', 'IEEE Std 11073-10101'],
    ['IEEE Std 802.3-2018/Cor 1-2018', 'IEEE Std 802.3-2018/Cor 1-2018'],
    ['ieee p3419', 'IEEE P3419'],
    ['NF C15-100', 'NF C15-100'],
  ];
  it.each(variants)('%s → %s', (input, canonical) => expect(parseIdentifier(input)?.canonical).toBe(canonical));

  it('normalises supplement house style per publisher', () => {
    expect(parseIdentifier('ISO 9001:2015/AMD1:2024')?.supplements).toStrictEqual([{ type: 'Amd', number: '1', year: 2024 }]);
    expect(parseIdentifier('IEC 60335-1:2010/Amd 1:2013')?.supplements).toStrictEqual([{ type: 'AMD', number: '1', year: 2013 }]);
  });

  it('reads chained supplements in order', () => {
    const p = parseIdentifier('ISO 1234:2000/Amd 1:2005/Cor 1:2006');
    expect(p?.supplements).toStrictEqual([
      { type: 'Amd', number: '1', year: 2005 },
      { type: 'Cor', number: '1', year: 2006 },
    ]);
    expect(p?.familyKey).toBe('ISO 1234/Amd 1/Cor 1');
    expect(p?.slug).toBe('ISO-1234-2000-Amd-1-2005-Cor-1-2006');
  });

  it('gives drafts and the published edition one familyKey', () => {
    const keys = ['ISO/IEC DIS 42001', 'ISO/IEC FDIS 42001', 'ISO/IEC 42001:2023'].map((s) => parseIdentifier(s)?.familyKey);
    expect(keys).toEqual(['ISO/IEC 42001', 'ISO/IEC 42001', 'ISO/IEC 42001']);
    const amd = ['ISO 1234:1990/DAmd 1', 'ISO 1234:1990/Amd 1:1995'].map((s) => parseIdentifier(s)?.familyKey);
    expect(amd).toEqual(['ISO 1234/Amd 1', 'ISO 1234/Amd 1']);
  });
});

describe('parseIdentifier: rejects what is not an identifier', () => {
  const nulls: string[] = [
    '',
    '   ',
    '防火门',
    '电动汽车换电安全要求',
    'battery swap station',
    'hello world',
    '12',
    '29772',
    '9001:2015',
    'GB',
    'GB/T',
    'GB/T ',
    'GB/T 29772-',
    'GB/T 29772-202',
    'GB/T 29772-3024',
    'GB/T 29772 电动汽车换电安全要求',
    'GB/X 123',
    'DB311234-2020',
    'DB 123',
    'CH4',
    'LD50',
    'T/CAS',
    'GB/T 1234-2020/ABC',
    'ISO',
    'ISO/IEC',
    'ISO 9001:15',
    'ISO 9001:2015/Amd',
    'ISO 9001:2015/XG1',
    'ISO 9001:2015+AMD1:2016',
    'ISO 1234:1990/CD DAmd 1',
    'ISO 9001/A1:2019',
    'TS 1234',
    'CD 1234',
    'Guide 73',
    'RFC',
    'RFC 0',
    'RFC 123456',
    'RFC 9110:2022',
    'IEEE',
    'IEEE Std',
    'AB 1234',
    'as soon as',
    'x'.repeat(10_000),
    'GB/T 29772-2024'.repeat(1000),
    `GB/T ${'1'.repeat(MAX_IDENTIFIER_LENGTH)}`,
  ];
  it.each(nulls.map((s) => [s.length > 40 ? `${s.slice(0, 40)}… (${s.length} chars)` : s, s]))('%s', (_label, input) =>
    expect(parseIdentifier(input)).toBeNull(),
  );
});

describe('parseIdentifier: linear time on hostile input', () => {
  const hostile: string[] = [
    'x'.repeat(10_000),
    ' '.repeat(999),
    `GB/T ${'1.'.repeat(99)}x`,
    `ISO ${'1-'.repeat(99)}x`,
    `IEEE ${'1.a'.repeat(66)}!`,
    `IEEE 1${'a'.repeat(195)}!`,
    `RFC ${'0'.repeat(195)}x`,
    `ISO 9001${'/Amd 1'.repeat(30)}`,
    `${'ISO/'.repeat(50)}1`,
    `${'1'.repeat(199)}x`,
    `${'1-'.repeat(99)}x`,
    `T/${'A'.repeat(197)}`,
    `GB 1${'/XG1'.repeat(49)}`,
    `DB${'1'.repeat(198)}`,
  ];
  // Backtracking-prone input is bounded by MAX_IDENTIFIER_LENGTH; tests assert results, never timings (the
  // regexes have no nested repeats, see identifier.ts).
  it('returns a definite answer for each hostile input without throwing', () => {
    for (const h of hostile) {
      expect(() => parseIdentifier(h)).not.toThrow();
      expect(typeof looksLikeIdentifier(h)).toBe('boolean');
      expect(normaliseIdentifierText(h.slice(0, 1000)).length).toBeLessThanOrEqual(1000);
      expect(Array.isArray(slugToIdentifierCandidates(h))).toBe(true);
    }
  });
});

describe('normaliseIdentifierText', () => {
  const cases: [input: string, expected: string][] = [
    ['ＧＢ／Ｔ　２９７７２—２０２４', 'GB/T 29772-2024'],
    ['  gb/t   29772  ', 'GB/T 29772'],
    ['gbt29772', 'GBT29772'],
    ['rfc9110', 'RFC9110'],
    ['iso/iec dis 42001', 'ISO/IEC DIS 42001'],
    ['iso guide 73', 'ISO Guide 73'],
    ['ieee std 802.11ax', 'IEEE Std 802.11ax'],
    ['ieee p3419', 'IEEE P3419'],
    ['t/cas 123', 'T/CAS 123'],
    ['q/abc 001', 'Q/ABC 001'],
    ['db31/t 1234', 'DB31/T 1234'],
    ['din en iso 13849-1', 'DIN EN ISO 13849-1'],
    ['gb/t', 'GB/T'],
    ['GB 12955一2024', 'GB 12955-2024'],
    ['GB\\T 1', 'GB/T 1'],
    ['ISO 9001：2015', 'ISO 9001:2015'],
    ['防火门', '防火门'],
    ['  防火门　  标准 ', '防火门 标准'],
    ['battery swap', 'battery swap'],
    ['as soon as', 'as soon as'],
    ['iso 9001 quality management', 'ISO 9001 quality management'],
    ['jis x 0208', 'jis x 0208'],
    ['一二三', '一二三'],
    ['コーヒー', 'コーヒー'],
    ['GB 12955ー2024', 'GB 12955-2024'],
    ['', ''],
  ];
  it.each(cases)('%s → %s', (input, expected) => expect(normaliseIdentifierText(input)).toBe(expected));
});

describe('looksLikeIdentifier', () => {
  const yes = ['gb 12955', '29772', '9001:2015', 'rfc9110', 'GB/T29772', 'gbt 29772', '12955-2024', '802.3', '２９７７２', 'ISO 9001', 'iso9001:2015', 'T/CAS 123'];
  const no = ['', '防火门', 'battery swap', '12', '5G', 'hello world', 'GB/T', 'ISO', '1.1', 'ISO 9001 quality', '2024年', 'x'.repeat(10_000)];
  it.each(yes)('%s → true', (q) => expect(looksLikeIdentifier(q)).toBe(true));
  it.each(no.map((q) => [q.slice(0, 20), q]))('%s → false', (_label, q) => expect(looksLikeIdentifier(q)).toBe(false));
});

describe('slugToIdentifierCandidates', () => {
  const cases: [slug: string, expected: string[]][] = [
    ['GB-T-29772-2024', ['GB/T 29772-2024']],
    ['gb-t-29772-2024', ['GB/T 29772-2024']],
    ['GB-T-1.1-2020', ['GB/T 1.1-2020']],
    ['DB31-T-1234-2020', ['DB31/T 1234-2020']],
    ['T-CAS-123-2025', ['T/CAS 123-2025']],
    ['ISO-IEC-27001-2022', ['ISO/IEC 27001:2022']],
    ['ISO-13849-1-2008', ['ISO 13849-1:2008']],
    ['ISO-13849-1', ['ISO 13849-1']],
    ['ISO-9001-2015-Amd-1-2024', ['ISO 9001:2015/Amd 1:2024']],
    ['iso-9001-2015-amd-1-2024', ['ISO 9001:2015/Amd 1:2024']],
    ['ISO-IEC-DIS-42001', ['ISO/IEC DIS 42001']],
    ['IEC-60335-1-2010-AMD1-2013', ['IEC 60335-1:2010/AMD1:2013']],
    ['RFC-9110', ['RFC 9110']],
    ['IEEE-Std-802.3-2022', ['IEEE Std 802.3-2022']],
    ['IEEE-802.3-2022', ['IEEE Std 802.3-2022']],
    ['IEEE-P802.3dj-D2.1', ['IEEE P802.3dj/D2.1']],
    ['ISO-1234-2000-CD-Amd-1', ['ISO 1234:2000/CD Amd 1']],
    ['JIS-X-0208-1997', ['JIS X 0208:1997']],
    ['GB-2763-2021-XG1-2022', ['GB 2763-2021/XG1-2022']],
    // Non-canonical slugs still resolve, so a route can redirect to the canonical slug.
    ['ISO-9001-2015-AMD1-2024', ['ISO 9001:2015/Amd 1:2024']],
    ['GBT-29772-2024', ['GB/T 29772-2024']],
    ['GB/T 29772-2024', ['GB/T 29772-2024']],
    ['rfc9110', ['RFC 9110']],
    ['hello-world', []],
    ['29772', []],
    ['', []],
    ['a-'.repeat(150), []],
  ];
  it.each(cases.map(([s, e]) => [s.slice(0, 40), s, e] as const))('%s', (_label, slug, expected) =>
    expect(slugToIdentifierCandidates(slug)).toEqual(expected),
  );
});
