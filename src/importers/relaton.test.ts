import { mkdtempSync, openSync, readSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DiagnosticLog, type ImportReport } from '../kernel/diagnostics.js';
import { sharedData } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import { bibToRecord, primaryKeyOf } from './relaton-map.js';
import { importRelaton, quickScan } from './relaton.js';
import { runImport } from './runner.js';
import { decodeText, readSource } from './sources.js';
import type { ImportContext } from './types.js';

type Services = Awaited<ReturnType<typeof testServices>>;

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'relaton');
const SAMPLE = sharedData('relaton-iso/sample');
const GB = sharedData('gb');
const TAR = sharedData('relaton-iso/relaton-data-iso.tar.xz');

function contextOf(s: Services, log = new DiagnosticLog()): ImportContext {
  return { catalogue: s.catalogue, classifications: s.classifications, log, actor: 'test', progress: () => undefined };
}

const ids = (report: ImportReport, id: string) => report.diagnostics.filter((d) => d.id === id);

describe('relaton mapping of hostile values', () => {
  it('does not take inherited object keys for vocabulary entries', () => {
    const { record, issues } = bibToRecord(
      {
        docid: { id: 'ISO 99996:2030', type: 'ISO', primary: true },
        title: { content: 'Synthetic', language: 'en' },
        docstatus: { stage: 'constructor' },
        doctype: 'toString',
        date: { type: 'constructor', value: '2030' },
        contributor: { role: 'hasOwnProperty', organization: { name: 'X' } },
        relation: { type: 'constructor', bibitem: { formattedref: 'ISO 1:2000' } },
      },
      'inline',
    );
    expect(record).toMatchObject({ status: 'unknown', docType: 'other', dates: [], contributors: [], relations: [] });
    expect(issues.map((i) => i.id).sort()).toEqual([
      'relaton.unknown_date_type',
      'relaton.unknown_doctype',
      'relaton.unknown_relation',
      'relaton.unknown_role',
      'relaton.unknown_status',
    ]);
  });
});

describe('relaton import of hand-written fixtures (edge cases)', () => {
  let s: Services;
  let report: ImportReport;

  beforeAll(async () => {
    s = await testServices();
    report = await runImport(s, 'relaton', FIXTURES);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('imports the good items and fails the two broken files', () => {
    // malformed.yaml and xxe.xml fail; the collection holds two items.
    expect(report.counts).toMatchObject({ seen: 7, created: 5, failed: 2, skipped: 0 });
  });

  it('reports malformed YAML with file:line:col and still imports the rest', () => {
    const [d] = ids(report, 'relaton.yaml_parse');
    expect(d.severity).toBe('serious');
    expect(d.location).toEqual({ file: 'malformed.yaml', line: 10, col: 1 });
  });

  it('never expands an external entity', async () => {
    const [d] = ids(report, 'relaton.xml_parse');
    expect(d.location).toMatchObject({ file: 'xxe.xml', line: 7 });
    expect(d.message).toMatch(/undefined entity/);
    expect(await s.catalogue.get('ISO-99997-2030')).toBeNull();
  });

  it('drops a bad date with a diagnostic and keeps the record', async () => {
    const r = await s.catalogue.get('ISO-99999-2030');
    expect(r).not.toBeNull();
    expect(r!.dates).toEqual([{ type: 'circulated', value: '2029-11' }]);
    const bad = ids(report, 'relaton.bad_date');
    expect(bad).toHaveLength(1);
    expect(bad[0].location).toEqual({ file: 'synthetic-edge.yaml', record: 'ISO 99999:2030' });
    expect(bad[0].message).toContain('2030-02-30');
  });

  it('drops an unknown relation type with a minor diagnostic; known relations are normalised', async () => {
    const [d] = ids(report, 'relaton.unknown_relation');
    expect(d.severity).toBe('minor');
    expect(d.message).toContain('complements');
    const r = await s.catalogue.get('ISO-99999-2030');
    expect(r!.relations).toEqual([
      { type: 'replaces', target: 'ISO 99999:2020' },
      // 'updates' a later edition: the years say it is the successor, so the direction is flipped.
      { type: 'replacedBy', target: 'ISO 99999:2035' },
      // 'updates' its own amendment: the precise type.
      { type: 'amendedBy', target: 'ISO 99999:2030/Amd 1:2031' },
    ]);
    expect(ids(report, 'relaton.relation_flipped')[0].severity).toBe('info');
  });

  it('maps stage 60.60, unknown doctype, ICS given as a YAML number, and refuses non-web links', async () => {
    const r = await s.catalogue.get('ISO-99999-2030');
    expect(r).toMatchObject({ status: 'current', statusSource: '60.60', stage: '60.60', docType: 'other', edition: '2', committee: 'ISO/TC 999' });
    expect(r!.classifications).toEqual([{ scheme: 'ics', code: '01.020' }]);
    expect(r!.links).toEqual([{ type: 'src', url: 'https://example.org/synthetic/99999' }]);
    expect(r!.titles).toContainEqual({ lang: 'en', type: 'main', text: 'Synthetic systems - Edge cases' });
    for (const id of ['relaton.unknown_doctype', 'relaton.bad_ics', 'relaton.bad_link', 'relaton.unknown_date_type']) {
      expect(ids(report, id), id).toHaveLength(1);
    }
  });

  it('keeps an unparseable identifier as printed, with a fallback id and a diagnostic', async () => {
    const r = await s.catalogue.get('Internal-Spec-No.-7');
    expect(r!.identifiers).toEqual([{ type: 'XYZ', value: 'Internal Spec No. 7', primary: true }]);
    expect(r!.status).toBe('current');
    expect(r!.dates).toEqual([{ type: 'published', value: '2021' }]);
    expect(ids(report, 'relaton.unparsed_identifier')[0].location.file).toBe('synthetic-unparsed.yaml');
    expect(ids(report, 'relaton.unknown_body')[0].message).toContain('XYZ');
  });

  it('reads an XML collection: Chinese status names, adoption degree, committee, CCS', async () => {
    const gb = await s.catalogue.get('GB-T-99905.1-2030');
    expect(gb).toMatchObject({ body: 'SAC', nature: 'recommended', status: 'to-be-implemented', statusSource: 'published', committee: 'SAC/TC 999' });
    expect(gb!.relations).toEqual([
      { type: 'adoptedFrom', target: 'ISO 99905-1:2029', degree: 'IDT' },
      { type: 'replaces', target: 'GB/T 99905.1-2010' },
    ]);
    expect(gb!.classifications).toEqual([{ scheme: 'ccs', code: 'A01' }]);
    expect(gb!.source.ref).toBe('synthetic-collection.xml#0');
    const group = await s.catalogue.get('T-CAS-99906-2030');
    expect(group).toMatchObject({ body: 'CAS', status: 'current' });
  });

  it('reads the newer schema layout (docidentifier/content, date at, status content, source, subdivision)', async () => {
    const r = await s.catalogue.get('IEC-99999-2-2030');
    expect(r).toMatchObject({ body: 'IEC', status: 'current', statusSource: 'PUBLISHED', committee: 'TC 999', year: 2030 });
    expect(r!.dates).toEqual([{ type: 'published', value: '2030-04-01' }]);
    expect(r!.links).toEqual([{ type: 'src', url: 'https://example.org/synthetic/iec-99999-2' }]);
    expect(r!.abstracts).toEqual([{ lang: 'en', text: 'First paragraph.\nSecond paragraph.' }]);
    expect(r!.classifications).toEqual([{ scheme: 'ics', code: '33.100.10' }]);
  });

  it('sets log.failed when a file could not be read', async () => {
    const log = new DiagnosticLog();
    await importRelaton(FIXTURES, contextOf(s, log));
    expect(log.failed).toBe(true);
    expect(log.counts).toMatchObject({ unchanged: 5, failed: 2 });
  });
});

describe.skipIf(!SAMPLE)('relaton import of the 32 ISO sample files', () => {
  let s: Services;
  let report: ImportReport;

  beforeAll(async () => {
    s = await testServices();
    report = await runImport(s, 'relaton', SAMPLE!);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('imports every file without serious diagnostics', () => {
    expect(report.counts).toMatchObject({ seen: 32, created: 32, failed: 0, skipped: 0 });
    expect(report.diagnostics.filter((d) => d.severity === 'serious' || d.severity === 'abort')).toEqual([]);
  });

  it('maps ISO 9001:2015: current (90.92), replaces 2008, amended by Amd 1:2024', async () => {
    const r = await s.catalogue.get('ISO-9001-2015');
    expect(r).toMatchObject({
      body: 'ISO',
      docType: 'international-standard',
      status: 'current',
      statusSource: '90.92',
      stage: '90.92',
      edition: '5',
      year: 2015,
      committee: 'ISO/TC 176/SC 2',
    });
    expect(r!.identifiers[0]).toEqual({ type: 'ISO', value: 'ISO 9001:2015', primary: true });
    expect(r!.titles).toContainEqual({ lang: 'fr', type: 'main', text: 'Systèmes de management de la qualité - Exigences' });
    expect(r!.classifications).toEqual([
      { scheme: 'ics', code: '03.100.70' },
      { scheme: 'ics', code: '03.120.10' },
    ]);
    expect(r!.relations).toContainEqual({ type: 'replaces', target: 'ISO 9001:2008' });
    expect(r!.relations).toContainEqual({ type: 'amendedBy', target: 'ISO 9001:2015/Amd 1:2024' });
    expect(r!.dates).toContainEqual({ type: 'published', value: '2015-09' });
  });

  it('maps ISO 9001:2008 as withdrawn and replaced, its misnamed "updates" flipped by the years', async () => {
    const r = await s.catalogue.get('ISO-9001-2008');
    expect(r).toMatchObject({ status: 'withdrawn', statusSource: '95.99' });
    expect(r!.relations).toEqual([
      { type: 'replaces', target: 'ISO 9001:2000' },
      { type: 'replacedBy', target: 'ISO 9001:2015' },
      { type: 'correctedBy', target: 'ISO 9001:2008/Cor 1:2009' },
    ]);
    const flip = ids(report, 'relaton.relation_flipped').find((d) => d.location.file === 'iso-9001-2008.yaml');
    expect(flip?.message).toContain('updates ISO 9001:2015 (2015 vs 2008)');
    const rels = await s.catalogue.relations('ISO-9001-2008');
    const replacedBy = rels.filter((x) => x.type === 'replacedBy');
    expect(replacedBy.map((x) => [x.direction, x.targetId])).toEqual([['out', 'ISO-9001-2015']]);
    expect(rels.find((x) => x.type === 'correctedBy')?.targetId).toBe('ISO-9001-2008-Cor-1-2009');
  });

  it('types amendments and corrigenda from their identifiers', async () => {
    expect((await s.catalogue.get('ISO-9001-2015-Amd-1-2024'))!).toMatchObject({ docType: 'amendment', year: 2024, status: 'current' });
    expect((await s.catalogue.get('ISO-9001-2008-Cor-1-2009'))!).toMatchObject({ docType: 'corrigendum', year: 2009, status: 'withdrawn' });
  });

  it('maps CD and DIS drafts to under-development with their stage', async () => {
    const cd = await s.catalogue.get('ISO-CD-10012');
    expect(cd).toMatchObject({ status: 'under-development', stage: '30.60' });
    const dam = await s.catalogue.get('ISO-8601-2-2019-DAmd-1');
    expect(dam).toMatchObject({ status: 'under-development', stage: '40.99', docType: 'amendment' });
    const underPublication = await s.catalogue.get('ISO-8601-2-2019-Amd-1');
    expect(underPublication).toMatchObject({ status: 'under-development', stage: '60.00' });
  });

  it('resolves a number without a year to the edition in force', async () => {
    expect((await s.catalogue.resolve('ISO 9001'))?.id).toBe('ISO-9001-2015');
  });

  it('is idempotent: a re-run leaves everything unchanged', async () => {
    const again = await runImport(s, 'relaton', SAMPLE!);
    expect(again.counts).toMatchObject({ seen: 32, created: 0, updated: 0, unchanged: 32 });
  });
});

describe.skipIf(!GB)('relaton import of the relaton-gb fixtures (XML and YAML)', () => {
  let s: Services;
  let report: ImportReport;

  beforeAll(async () => {
    s = await testServices();
    report = await runImport(s, 'relaton', GB!);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('imports the three records', () => {
    expect(report.counts).toMatchObject({ seen: 3, created: 3, failed: 0 });
  });

  it('maps GB/T 20223-2006 (obsoleted → abolished, recommended, ICS and CCS)', async () => {
    const r = await s.catalogue.get('GB-T-20223-2006');
    expect(r).toMatchObject({ body: 'SAC', nature: 'recommended', status: 'abolished', statusSource: 'obsoleted', year: 2006 });
    expect(r!.identifiers).toEqual([{ type: 'GB', value: 'GB/T 20223-2006', primary: true }]);
    expect(r!.titles).toContainEqual({ lang: 'zh', type: 'main', text: '棉短绒' });
    expect(r!.titles).toContainEqual({ lang: 'en', type: 'main', text: 'Cotton linter' });
    expect(r!.classifications).toEqual([
      { scheme: 'ics', code: '59.060.10' },
      { scheme: 'ccs', code: 'B32' },
    ]);
    expect(r!.dates).toEqual([{ type: 'published', value: '2006-03-10' }]);
  });

  it('maps JB/T 13368-2018 as a current MIIT sector standard with CCS and ICS', async () => {
    const r = await s.catalogue.get('JB-T-13368-2018');
    expect(r).toMatchObject({ body: 'MIIT', nature: 'recommended', status: 'current', statusSource: 'activated', committee: '国家发改委' });
    expect(r!.identifiers[0]).toEqual({ type: 'sector', value: 'JB/T 13368-2018', primary: true });
    expect(r!.classifications).toEqual([
      { scheme: 'ics', code: '53.060' },
      { scheme: 'ccs', code: 'J83' },
    ]);
    expect(r!.contributors).toContainEqual({ role: 'publisher', name: '国家发改委', lang: 'zh' });
  });

  it('joins the YAML form\'s split identifier (type JB, id T13368)', async () => {
    const r = await s.catalogue.get('JB-T-13368');
    expect(r!.identifiers[0]).toEqual({ type: 'sector', value: 'JB/T 13368', primary: true });
    expect(r!.dates).toEqual([{ type: 'published', value: '2009-01-01' }]);
  });
});

/** ISO 1000–1999: ~2,300 files of the real archive, with several hundred stale duplicates among them. */
const SUBSET = /^data\/iso-1\d{3}[-:]/;

describe.skipIf(!TAR)('relaton import of a slice of the ISO archive', () => {
  let s: Services;
  const log = new DiagnosticLog();
  /** Independent oracle: the `yaml` package and the raw primary docid text. */
  const groups = new Map<string, { name: string; schema: string }[]>();
  let files = 0;
  const quickDisagreements: string[] = [];

  beforeAll(async () => {
    for await (const f of readSource(TAR!, (n) => SUBSET.test(n))) {
      files++;
      const text = decodeText(f.data).text;
      const doc = parse(text) as { docid: { id: string; primary?: boolean }[]; 'schema-version'?: string };
      const primary = doc.docid.find((d) => d.primary) ?? doc.docid[0];
      const list = groups.get(primary.id) ?? [];
      list.push({ name: f.name, schema: doc['schema-version'] ?? '' });
      groups.set(primary.id, list);
      const q = quickScan(text);
      if (q && primaryKeyOf(q.bib) !== primaryKeyOf(doc)) quickDisagreements.push(f.name);
    }
    s = await testServices();
    await importRelaton(TAR!, contextOf(s, log), { filter: (n) => SUBSET.test(n) });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps one record per primary identifier', () => {
    expect(files).toBeGreaterThan(2000);
    const duplicates = files - groups.size;
    expect(duplicates).toBeGreaterThan(300);
    expect(log.counts).toMatchObject({ seen: files, created: groups.size, skipped: duplicates, failed: 0 });
  });

  it('keeps the file written by the newest schema', () => {
    const kept = new Map<string, string>();
    for (const d of log.items.filter((x) => x.id === 'relaton.duplicate')) {
      kept.set(d.location.file!, /stale duplicate of (\S+)/.exec(d.message)![1]);
    }
    let checked = 0;
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const newest = list.reduce((a, b) => (b.schema.localeCompare(a.schema, 'en', { numeric: true }) > 0 ? b : a));
      for (const f of list) {
        if (f.name === newest.name || f.schema === newest.schema) continue;
        expect(kept.get(f.name), f.name).toBe(newest.name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('has no crash, abort or serious diagnostics', () => {
    expect(log.items.filter((d) => d.severity === 'abort' || d.severity === 'serious')).toEqual([]);
    expect(log.failed).toBe(false);
  });

  it('agrees with a full parse when pass 1 reads identifiers without parsing', () => {
    expect(quickDisagreements).toEqual([]);
  });

  it('stores records that point at each other', async () => {
    expect(await s.catalogue.count()).toBe(groups.size);
    const withdrawn = (await s.catalogue.stats()).byStatus.find((x) => x.status === 'withdrawn');
    expect(withdrawn?.count).toBeGreaterThan(0);
  });
});

describe.skipIf(!TAR)('relaton import of a truncated archive', () => {
  let s: Services;
  let dir: string;
  let report: ImportReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stdhub-relaton-'));
    // The first 300 KB of the real archive: xz stops with "unexpected end of input" part-way through the tar.
    const buf = Buffer.alloc(300 * 1024);
    const fd = openSync(TAR!, 'r');
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    writeFileSync(join(dir, 'cut.tar.xz'), buf.subarray(0, n));
    s = await testServices();
    report = await runImport(s, 'relaton', join(dir, 'cut.tar.xz'));
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('aborts with a source diagnostic and keeps the records read before the cut', async () => {
    const abort = report.diagnostics.filter((d) => d.severity === 'abort');
    expect(abort.map((d) => d.id)).toEqual(['source.unreadable']);
    expect(report.counts.created).toBeGreaterThan(100);
    expect(await s.catalogue.count()).toBe(report.counts.created);
  });
});
