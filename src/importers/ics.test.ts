import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandardRecord } from '../catalogue/model.js';
import { sharedData } from '../testing/shared-data.js';
import './ics.js';
import { runImport } from './runner.js';
import { classificationEvents, testStores, type TestStores } from '../testing/stores.js';


/** A minimal catalogue record classified under the given ICS codes. */
function standard(id: string, number: string, ics: string[]): StandardRecord {
  return {
    id,
    identifiers: [{ type: 'ISO', value: number, primary: true }],
    body: 'ISO',
    docType: 'standard',
    titles: [{ lang: 'en', type: 'main', text: `Test standard ${number}` }],
    dates: [],
    status: 'current',
    classifications: ics.map((code) => ({ scheme: 'ics', code })),
    contributors: [],
    abstracts: [],
    relations: [],
    links: [],
    keywords: [],
    source: { importer: 'test', ref: id },
  };
}

describe('ics importer on a damaged file', () => {
  let s: TestStores;
  let dir: string;
  beforeAll(async () => {
    s = await testStores();
    dir = mkdtempSync(join(tmpdir(), 'stdhub-ics-'));
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports bad lines with file:line and imports the rest', async () => {
    const lines = [
      JSON.stringify({ code: '13', description: 'Environment. Health protection. Safety', fieldcode: '13' }), // 1
      '{"code": "13.220", "description": ', // 2: broken JSON
      JSON.stringify({ code: '13.2200', description: 'Not a code' }), // 3
      '', // 4: blank lines are not records
      JSON.stringify({ code: '13.220.10', description: 'Fire-fighting', notes: [{ 'ics-code': '13.340.10', text: 'Protective clothing, see {ics-code}' }] }), // 5
      JSON.stringify({ code: '13', description: 'Again' }), // 6: duplicate
      JSON.stringify({ code: '13.340' }), // 7: no description
    ];
    writeFileSync(join(dir, 'ics-test.jsonl'), lines.join('\n'));
    const report = await runImport(s, 'ics', join(dir, 'ics-test.jsonl'));
    expect(report.counts).toMatchObject({ seen: 6, created: 3, failed: 3 });
    const at = (id: string) => report.diagnostics.filter((d) => d.id === id).map((d) => [d.location.file, d.location.line]);
    expect(at('ics.bad_json')).toEqual([['ics-test.jsonl', 2]]);
    expect(at('ics.bad_code')).toEqual([['ics-test.jsonl', 3]]);
    expect(at('ics.duplicate')).toEqual([['ics-test.jsonl', 6]]);
    expect(at('ics.parent_missing')).toEqual([['ics-test.jsonl', 5]]);
    expect(at('ics.no_title')).toEqual([['ics-test.jsonl', 7]]);
    const fire = await s.classifications.get('ics', '13.220.10');
    expect(fire).toMatchObject({ parent: '13.220', level: 3, titleEn: 'Fire-fighting', notes: ['Protective clothing, see 13.340.10'] });
  });
});

const ICS7 = sharedData('codes/ics/ics-ed7.jsonl');
const ICS_DIR = sharedData('codes/ics');

describe.skipIf(!ICS7 || !ICS_DIR)('ics importer on the real ICS 7th edition', () => {
  let s: TestStores;
  let first: Awaited<ReturnType<typeof runImport>>;
  beforeAll(async () => {
    s = await testStores();
    first = await runImport(s, 'ics', ICS7!);
  });
  afterAll(async () => s?.close());

  it('imports all 1,381 codes as a tree without a problem', async () => {
    expect(first.counts).toMatchObject({ seen: 1381, created: 1381, failed: 0 });
    expect(first.diagnostics).toEqual([]);
    expect(await s.classifications.count('ics')).toBe(1381);
    const levels = await s.db
      .selectFrom('classification_code')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('scheme', '=', 'ics')
      .groupBy('level')
      .orderBy('level')
      .execute();
    // Fields, groups and sub-groups: every line either has a groupcode or is a field, and so on.
    expect(levels.map((l) => [l.level, Number(l.n)])).toEqual([
      [1, 40],
      [2, 401],
      [3, 940],
    ]);
  });

  it('keeps a known code with its title, parent and resolved cross-reference', async () => {
    const c = await s.classifications.get('ics', '13.220.10');
    expect(c).toMatchObject({
      scheme: 'ics',
      code: '13.220.10',
      parent: '13.220',
      level: 3,
      titleEn: 'Fire-fighting',
      titleZh: null,
      notes: ['Including equipment and vehicles', 'Protective clothing, see 13.340.10'],
    });
    expect((await s.classifications.ancestors('ics', '13.220.10')).map((a) => [a.code, a.titleEn])).toEqual([
      ['13', 'Environment. Health protection. Safety'],
      ['13.220', 'Protection against fire'],
      ['13.220.10', 'Fire-fighting'],
    ]);
    const top = await s.classifications.children('ics', null);
    expect(top).toHaveLength(40);
    expect(top[0].code).toBe('01');
    expect(top.every((n) => n.hasChildren)).toBe(true);
  });

  it('is idempotent, also when the folder is given (the 7th edition is chosen over the 6th)', async () => {
    const before = await classificationEvents(s);
    expect(before).toBe(1381);
    const again = await runImport(s, 'ics', ICS_DIR!);
    expect(again.counts).toMatchObject({ seen: 1381, created: 0, updated: 0, unchanged: 1381, failed: 0 });
    expect(again.diagnostics.map((d) => [d.id, d.location.file])).toEqual([['ics.edition_chosen', 'ics-ed7.jsonl']]);
    expect(await classificationEvents(s)).toBe(before);
  });

  it('counts the standards classified under each node of the tree', async () => {
    const actor = 'test';
    await s.catalogue.upsert(standard('ISO-7240-1-2014', 'ISO 7240-1:2014', ['13.220.20']), { actor });
    await s.catalogue.upsert(standard('ISO-7203-1-2019', 'ISO 7203-1:2019', ['13.220.10', '13.220.20']), { actor });
    await s.catalogue.upsert(standard('ISO-6469-1-2019', 'ISO 6469-1:2019', ['43.120']), { actor });

    const count = (nodes: { code: string; count: number }[], code: string) => nodes.find((n) => n.code === code)?.count;
    const top = await s.classifications.children('ics', null);
    expect(count(top, '13')).toBe(2);
    expect(count(top, '43')).toBe(1);
    expect(count(top, '01')).toBe(0);
    expect(top.reduce((n, x) => n + x.count, 0)).toBe(3);
    const in13 = await s.classifications.children('ics', '13');
    expect(count(in13, '13.220')).toBe(2);
    const in220 = await s.classifications.children('ics', '13.220');
    expect(in220.map((n) => [n.code, n.count, n.hasChildren])).toEqual([
      ['13.220.01', 0, false],
      ['13.220.10', 1, false],
      ['13.220.20', 2, false],
      ['13.220.40', 0, false],
      ['13.220.50', 0, false],
      ['13.220.99', 0, false],
    ]);
  });
});
