import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandardRecord } from '../catalogue/model.js';
import { sharedData } from '../testing/shared-data.js';
import { ccsLevelOf, inCcsRange, parseCsv } from './ccs.js';
import { runImport } from './runner.js';
import { classificationEvents, testStores, type TestStores } from '../testing/stores.js';


/** A minimal Chinese national standard record classified under the given CCS codes. */
function standard(number: string, ccs: string[]): StandardRecord {
  const id = number.replace(/[/ ]+/g, '-');
  return {
    id,
    identifiers: [{ type: 'GB', value: number, primary: true }],
    body: 'SAC',
    docType: 'standard',
    nature: 'recommended',
    titles: [{ lang: 'zh', type: 'main', text: `测试标准 ${number}` }],
    dates: [],
    status: 'current',
    classifications: ccs.map((code) => ({ scheme: 'ccs', code })),
    contributors: [],
    abstracts: [],
    relations: [],
    links: [],
    keywords: [],
    source: { importer: 'test', ref: id },
  };
}

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks, with the line each record starts on', () => {
    const text = 'code,name\r\nA,"General, all"\r\nB,"say ""hi"""\r\nC,"two\r\nlines",x\r\n\r\nD,last';
    const { rows, problems } = parseCsv(text);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 1, fields: ['code', 'name'] },
      { line: 2, fields: ['A', 'General, all'] },
      { line: 3, fields: ['B', 'say "hi"'] },
      { line: 4, fields: ['C', 'two\r\nlines', 'x'] },
      { line: 7, fields: ['D', 'last'] },
    ]);
  });

  it('accepts LF and CR line ends, empty fields and a final line break', () => {
    expect(parseCsv('a,,c\nd,e,\rf\n').rows).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['d', 'e', ''] },
      { line: 3, fields: ['f'] },
    ]);
    expect(parseCsv('"",x').rows).toEqual([{ line: 1, fields: ['', 'x'] }]);
  });

  it('keeps stray quotes as text with a minor problem, and marks an unterminated quote as damage', () => {
    const stray = parseCsv('a,b"c,"d"e\nf,g');
    expect(stray.rows).toEqual([
      { line: 1, fields: ['a', 'b"c', 'de'] },
      { line: 2, fields: ['f', 'g'] },
    ]);
    expect(stray.problems.map((p) => [p.line, p.col, p.severity])).toEqual([
      [1, 4, 'minor'],
      [1, 10, 'minor'],
    ]);
    const open = parseCsv('a,b\nc,"never closed\nd,e\n');
    expect(open.rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'never closed\nd,e\n'], damaged: true },
    ]);
    expect(open.problems).toEqual([{ line: 2, col: 3, message: expect.stringContaining('never closed'), severity: 'serious' }]);
  });

  it('knows CCS code forms and ranges', () => {
    expect([ccsLevelOf('A'), ccsLevelOf('A00/09'), ccsLevelOf('A01'), ccsLevelOf('FF2')]).toEqual([1, 2, 3, null]);
    expect(inCcsRange('A01', 'A00/09')).toBe(true);
    expect(inCcsRange('A10', 'A00/09')).toBe(false);
    expect(inCcsRange('B01', 'A00/09')).toBe(false);
  });
});

describe('ccs importer on a damaged file', () => {
  let s: TestStores;
  beforeAll(async () => {
    s = await testStores();
  });
  afterAll(async () => s.close());

  it('reports bad rows with file:line and imports the rest', async () => {
    const csv = [
      '\uFEFF代码 / Code,名称 / Name,Name,代码 / Code,备注 / Notes,Notes', // 1: header (with BOM)
      'A,综合,General', // 2
      'A00/09,标准化管理与一般规定,Standardized management and general regulations,A,,', // 3
      'A01,技术管理,Technical management,A00/09,"技术文件管理，能源管理等。","Technical document management,', // 4
      'energy management, etc."', // 5 (inside the quoted note)
      ',没有代码,No code,A00/09,,', // 6
      'A02,,,A00/09,,', // 7: no title at all
      'A01,重复,Duplicate,A00/09,,', // 8
      'A15,范围外,Out of range,A00/09,,', // 9: outside its parent range
      'X9,奇怪,Odd,Z00/09,,', // 10: odd form, parent unknown
    ].join('\r\n');
    const path = join(s.dir, 'ccs-test.csv');
    writeFileSync(path, csv);
    const report = await runImport(s, 'ccs', path);
    expect(report.counts).toMatchObject({ seen: 8, created: 5, failed: 3 });
    const at = (id: string) => report.diagnostics.filter((d) => d.id === id).map((d) => [d.location.file, d.location.line]);
    expect(at('ccs.bad_code')).toEqual([['ccs-test.csv', 6]]);
    expect(at('ccs.no_title')).toEqual([['ccs-test.csv', 7]]);
    expect(at('ccs.duplicate')).toEqual([['ccs-test.csv', 8]]);
    expect(at('ccs.parent_mismatch')).toEqual([['ccs-test.csv', 9]]);
    expect(at('ccs.unknown_parent')).toEqual([['ccs-test.csv', 10]]);
    expect(at('ccs.odd_code')).toEqual([['ccs-test.csv', 10]]);
    // Imported as written, one level below what its parent's form says.
    expect(await s.classifications.get('ccs', 'X9')).toMatchObject({ parent: 'Z00/09', level: 3 });
    expect(await s.classifications.get('ccs', 'A01')).toEqual({
      scheme: 'ccs',
      code: 'A01',
      parent: 'A00/09',
      level: 3,
      titleZh: '技术管理',
      titleEn: 'Technical management',
      notes: ['技术文件管理，能源管理等。', 'Technical document management,\r\nenergy management, etc.'],
      sort: 3,
    });
  });
});

const CCS_DIR = sharedData('codes/ccs');
const CCS_L1 = sharedData('codes/ccs/cat-level1.csv');

describe.skipIf(!CCS_DIR || !CCS_L1)('ccs importer on the real CCS files', () => {
  let s: TestStores;
  let first: Awaited<ReturnType<typeof runImport>>;
  beforeAll(async () => {
    s = await testStores();
    first = await runImport(s, 'ccs', CCS_DIR!);
  });
  afterAll(async () => s?.close());

  it('imports 24 / 225 / 1,608 codes of the three levels', async () => {
    expect(first.counts).toMatchObject({ seen: 24 + 225 + 1608, created: 24 + 225 + 1608, failed: 0 });
    const levels = await s.db
      .selectFrom('classification_code')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('scheme', '=', 'ccs')
      .groupBy('level')
      .orderBy('level')
      .execute();
    expect(levels.map((l) => [l.level, Number(l.n)])).toEqual([
      [1, 24],
      [2, 225],
      [3, 1608],
    ]);
    expect(first.diagnostics.filter((d) => d.severity === 'serious' || d.severity === 'abort')).toEqual([]);
  });

  it('reports the transcription slips of the source instead of hiding them', () => {
    const slips = first.diagnostics.filter((d) => d.id === 'ccs.parent_mismatch' || d.id === 'ccs.odd_code');
    // Every slip points at a cat-level3.csv line; the two known ones are D47 (under D50/59) and FF2 (under K20/29).
    expect(slips.every((d) => d.location.file === 'cat-level3.csv' && (d.location.line ?? 0) > 1)).toBe(true);
    expect([...new Set(slips.map((d) => d.location.record))].sort()).toEqual(['CCS D47', 'CCS FF2']);
  });

  it('keeps a known code bilingual with its parent and notes', async () => {
    const c = await s.classifications.get('ccs', 'A01');
    expect(c).toMatchObject({
      code: 'A01',
      parent: 'A00/09',
      level: 3,
      titleZh: '技术管理',
      titleEn: 'Technical management',
      notes: ['技术文件管理，能源管理，设备、工具管理等。', 'Technical document management, energy management, equipment, tool management, etc.'],
    });
    expect((await s.classifications.ancestors('ccs', 'A01')).map((a) => [a.code, a.titleZh])).toEqual([
      ['A', '综合'],
      ['A00/09', '标准化管理与一般规定'],
      ['A01', '技术管理'],
    ]);
    const top = await s.classifications.children('ccs', null);
    expect(top).toHaveLength(24);
    expect(top[0]).toMatchObject({ code: 'A', titleZh: '综合', titleEn: 'General', hasChildren: true, count: 0 });
  });

  it('is idempotent for the folder and for a single file', async () => {
    const before = await classificationEvents(s);
    expect(before).toBe(24 + 225 + 1608);
    const again = await runImport(s, 'ccs', CCS_DIR!);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 24 + 225 + 1608, failed: 0 });
    const one = await runImport(s, 'ccs', CCS_L1!);
    expect(one.counts).toMatchObject({ seen: 24, unchanged: 24 });
    expect(await classificationEvents(s)).toBe(before);
  });

  it('counts the standards classified under each node through the parent links', async () => {
    const actor = 'test';
    await s.catalogue.upsert(standard('GB/T 1.1-2020', ['A00']), { actor });
    await s.catalogue.upsert(standard('GB/T 19001-2016', ['A00', 'A01']), { actor });
    await s.catalogue.upsert(standard('GB/T 29772-2024', ['K81']), { actor });
    const count = (nodes: { code: string; count: number }[], code: string) => nodes.find((n) => n.code === code)?.count;
    const top = await s.classifications.children('ccs', null);
    expect(count(top, 'A')).toBe(2);
    expect(count(top, 'K')).toBe(1);
    expect(top.reduce((n, x) => n + x.count, 0)).toBe(3);
    const inA = await s.classifications.children('ccs', 'A');
    expect(count(inA, 'A00/09')).toBe(2);
    expect(count(inA, 'A10/19')).toBe(0);
    const inA00 = await s.classifications.children('ccs', 'A00/09');
    expect(count(inA00, 'A00')).toBe(2);
    expect(count(inA00, 'A01')).toBe(1);
    expect(inA00.every((n) => !n.hasChildren)).toBe(true);
  });
});
