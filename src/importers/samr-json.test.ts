import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../kernel/diagnostics.js';
import { testServices } from '../testing/services.js';
import { runImport } from './runner.js';
import { jsonErrorOffset, readRows, samrDate, samrRowToRecord, stripHighlight } from './samr-json.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'samr-sample.json');

describe('samr-json helpers', () => {
  it('strips the platform highlight tags', () => {
    expect(stripHighlight('电动汽车<sacinfo>换电站</sacinfo>通用技术要求')).toBe('电动汽车换电站通用技术要求');
    expect(stripHighlight('<em>a</em> &amp; b')).toBe('a & b');
  });

  it('reads the platform date forms; epoch milliseconds are Beijing midnight', () => {
    expect(samrDate('2024-10-28')).toBe('2024-10-28');
    expect(samrDate('2024-10-28 00:00:00')).toBe('2024-10-28');
    expect(samrDate('2030/6/1')).toBe('2030-06-01');
    expect(samrDate(1893427200000)).toBe('2030-01-01');
    expect(samrDate('1893427200000')).toBe('2030-01-01');
    expect(samrDate('2025')).toBe('2025');
    expect(samrDate('2030-13-45')).toBeUndefined();
    expect(samrDate('2023-02-29')).toBeUndefined();
  });

  it('reads JSON lines and reports the broken line', () => {
    const r = readRows('{"C_STD_CODE":"GB/T 1-2020"}\n{broken\n{"C_STD_CODE":"GB/T 2-2020"}\n');
    expect('rows' in r && r.rows.map((x) => x.line)).toEqual([1, 2, 3]);
  });

  it('gives line and column of a JSON syntax error', () => {
    const r = readRows('[\n  {"C_STD_CODE": "GB/T 1-2020"},\n  {"C_STD_CODE": }\n]');
    expect('error' in r && [r.line, r.col]).toEqual([3, 18]);
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a": [1, 2]}')).toBeUndefined();
  });

  it('does not take inherited object keys for STATE or STD_NATURE', () => {
    const { record, issues } = samrRowToRecord({ C_STD_CODE: 'GB/T 99903-2030', C_C_NAME: '测试', STATE: 'constructor', STD_NATURE: 'toString' }, 'x');
    expect(record).toMatchObject({ status: 'unknown', nature: 'recommended' });
    expect(issues.map((i) => i.id).sort()).toEqual(['samr.unknown_nature', 'samr.unknown_state']);
  });

  it('keeps the source nature and says so when it disagrees with the number', () => {
    const { record, issues } = samrRowToRecord({ C_STD_CODE: 'GB/T 99903-2030', C_C_NAME: '测试', STD_NATURE: '强制性' }, 'x');
    expect(record?.nature).toBe('mandatory');
    expect(issues.map((i) => i.id)).toContain('samr.nature_conflict');
  });
});

describe('samr-json import of the sample fixture', () => {
  let s: Awaited<ReturnType<typeof testServices>>;
  let first: ImportReport;

  beforeAll(async () => {
    s = await testServices();
    first = await runImport(s, 'samr-json', FIXTURE);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('imports the good rows and counts the bad ones', () => {
    // 11 rows: one without a number fails, one repeats GB/T 99901-2030 and is skipped.
    expect(first.counts).toMatchObject({ seen: 11, created: 9, failed: 1, skipped: 1 });
  });

  it('maps GB 12955-2024: mandatory, dates, status as the source says, replaces 2008', async () => {
    const r = await s.catalogue.get('GB-12955-2024');
    expect(r).not.toBeNull();
    expect(r!.body).toBe('SAC');
    expect(r!.nature).toBe('mandatory');
    expect(r!.dates).toEqual([
      { type: 'issued', value: '2024-10-28' },
      { type: 'implemented', value: '2026-05-01' },
    ]);
    expect(r!.status).toBe('to-be-implemented');
    expect(r!.statusSource).toBe('即将实施');
    expect(r!.relations).toEqual([{ type: 'replaces', target: 'GB 12955-2008' }]);
    expect(r!.contributors.map((c) => c.name)).toEqual(['国家市场监督管理总局', '国家标准化管理委员会']);
    expect(r!.titles).toContainEqual({ lang: 'zh', type: 'main', text: '防火门' });
  });

  it('shows the replacement from both sides', async () => {
    const old = await s.catalogue.get('GB-12955-2008');
    expect(old!.relations).toEqual([{ type: 'replacedBy', target: 'GB 12955-2024' }]);
    expect(old!.status).toBe('unknown'); // no STATE in the row: not guessed from dates
    const rels = await s.catalogue.relations('GB-12955-2024');
    expect(rels.find((x) => x.type === 'replaces')?.targetId).toBe('GB-12955-2008');
  });

  it('strips highlight tags and keeps the recommended nature', async () => {
    const r = await s.catalogue.get('GB-T-29772-2024');
    expect(r!.titles.find((t) => t.lang === 'zh')?.text).toBe('电动汽车换电站通用技术要求');
    expect(r!.nature).toBe('recommended');
    expect(r!.status).toBe('current');
    expect(r!.dates).toEqual([{ type: 'implemented', value: '2025-07-01' }]);
  });

  it('keeps a year-only issue date', async () => {
    const r = await s.catalogue.get('GB-T-46277-2025');
    expect(r!.dates).toEqual([{ type: 'issued', value: '2025' }]);
    expect(r!.titles.map((t) => t.lang).sort()).toEqual(['en', 'zh']);
  });

  it('splits list fields: ICS, replaced numbers, adoptions with degree, drafting units', async () => {
    const r = await s.catalogue.get('GB-T-99903-2030');
    expect(r!.classifications).toEqual([
      { scheme: 'ccs', code: 'A00' },
      { scheme: 'ics', code: '01.020' },
      { scheme: 'ics', code: '03.120.10' },
    ]);
    expect(r!.relations.filter((x) => x.type === 'replaces').map((x) => x.target)).toEqual([
      'GB/T 99801-2020',
      'GB/T 99802-2021',
      'GB/T 99803-2022',
    ]);
    expect(r!.relations.filter((x) => x.type === 'adoptedFrom')).toEqual([
      { type: 'adoptedFrom', target: 'ISO 99001:2029', degree: 'MOD' },
      { type: 'adoptedFrom', target: 'ISO 99002:2028', degree: 'IDT' },
    ]);
    expect(r!.status).toBe('abolished');
    expect(r!.dates).toContainEqual({ type: 'abolished', value: '2030-06-01' });
    expect(r!.dates).toContainEqual({ type: 'issued', value: '2030-01-01' });
    expect(r!.contributors.filter((c) => c.role === 'drafting-organisation').map((c) => c.name)).toEqual(['测试单位甲', '测试单位乙']);
    expect(r!.committee).toBe('测试标准化技术委员会');
  });

  it('diagnoses bad rows with the row index as location', () => {
    const by = (id: string) => first.diagnostics.filter((d) => d.id === id);
    expect(by('samr.no_code')).toHaveLength(1);
    expect(by('samr.no_code')[0].location).toMatchObject({ file: 'samr-sample.json', record: 'row 8' });
    expect(by('samr.bad_date')[0].location.record).toBe('row 7');
    expect(by('samr.bad_date')[0].message).toContain('2030-13-45');
    expect(by('samr.unknown_state')[0].location.record).toBe('row 9');
    expect(by('samr.duplicate')[0].location.record).toBe('row 11');
  });

  it('imports a row with a bad date without that date', async () => {
    const r = await s.catalogue.get('GB-T-99901-2030');
    expect(r!.dates).toEqual([{ type: 'implemented', value: '2030-01-01' }]);
    const unknown = await s.catalogue.get('GB-T-99902-2030');
    expect(unknown!.status).toBe('unknown');
    expect(unknown!.statusSource).toBe('暂停');
  });

  it('is idempotent: a second run changes nothing', async () => {
    const again = await runImport(s, 'samr-json', FIXTURE);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 9 });
  });
});
