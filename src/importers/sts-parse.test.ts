import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksText, inlineText, walkSections, type Block, type ContentDocument, type Inline, type Section } from '../content/model.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { sharedData } from '../testing/shared-data.js';
import { parseXml } from '../xml/safe-sax.js';
import { convertText, type ConvertedText } from './sts-content.js';
import { parseSts } from './sts-parse.js';

const FULL = sharedData('sts/full/ISO_13849-1_2008-12_en_TBX.xml');
const SAMPLES = sharedData('sts/iso-sts-samples');

/** Every block of a list of sections (recursively, including blocks nested in lists, notes, tables, terms). */
function allBlocks(sections: Section[]): Block[] {
  const out: Block[] = [];
  const visit = (bs: Block[]) => {
    for (const b of bs) {
      out.push(b);
      if (b.t === 'list') b.items.forEach((i) => visit(i.c));
      else if (b.t === 'note' || b.t === 'example' || b.t === 'quote') visit(b.c);
      else if (b.t === 'figure') visit(b.c ?? []);
      else if (b.t === 'term') visit([...b.definition, ...b.notes, ...b.examples]);
      else if (b.t === 'table') {
        for (const row of [...b.head, ...b.body, ...(b.foot ?? [])]) for (const cell of row) visit(cell.c);
        visit(b.notes ?? []);
      }
    }
  };
  const walk = (ss: Section[]) => ss.forEach((s) => (visit(s.blocks), walk(s.children)));
  walk(sections);
  return out;
}
function allInlines(blocks: Block[], sections: Section[] = []): Inline[] {
  const out: Inline[] = [];
  const visit = (c: Inline[]) => {
    for (const i of c) {
      out.push(i);
      if (typeof i === 'string' || i.t === 'br' || i.t === 'math') continue;
      if (i.t === 'fn') allInlines(i.c).forEach((x) => out.push(x));
      else visit(i.c);
    }
  };
  for (const s of sections) visit(s.title);
  for (const b of blocks) {
    if (b.t === 'p' || b.t === 'ref') visit(b.c);
    else if (b.t === 'table' || b.t === 'figure') visit(b.caption ?? []);
    else if (b.t === 'term') visit(b.source ?? []);
  }
  return out;
}
function sectionsOf(doc: ContentDocument | ConvertedText): Section[] {
  const out: Section[] = [];
  const walk = (ss: Section[]) => ss.forEach((s) => (out.push(s), walk(s.children)));
  walk([...doc.front, ...doc.body, ...doc.back]);
  return out;
}
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe.skipIf(!FULL)('parseSts: ISO 13849-1 (complete NISO STS 1.2 standard)', () => {
  const bytes = readFileSync(FULL ?? '/dev/null');
  const source = bytes.toString('utf8');
  const r = parseSts(bytes, { file: 'ISO_13849-1_2008-12_en_TBX.xml' });
  const doc = r.docs[0];
  const sections = doc ? sectionsOf(doc) : [];
  const blocks = doc ? allBlocks([...doc.front, ...doc.body, ...doc.back]) : [];
  const byId = new Map(sections.map((s) => [s.id, s]));

  it('parses without serious problems into one record and one text', () => {
    expect(r.failed).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === 'serious' || d.severity === 'abort')).toEqual([]);
    expect(r.records.map((x) => x.id)).toEqual(['ISO-13849-1-2006']);
    expect(r.docs).toHaveLength(1);
    expect(doc.stdId).toBe('ISO-13849-1-2006');
    expect(doc.lang).toBe('en');
    expect(doc.source).toMatchObject({ format: 'niso-sts', ref: 'ISO_13849-1_2008-12_en_TBX.xml', mediaType: 'application/xml' });
    expect(doc.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records the metadata in the three languages of the document', () => {
    const rec = r.records[0];
    expect(rec.identifiers[0]).toEqual({ type: 'ISO', value: 'ISO 13849-1:2006', primary: true });
    expect(rec.body).toBe('ISO');
    expect(rec.docType).toBe('international-standard');
    expect(rec.dates).toContainEqual({ type: 'issued', value: '2006-11' });
    expect(new Set(rec.titles.map((t) => t.lang))).toEqual(new Set(['de', 'en', 'fr']));
    expect(rec.titles.find((t) => t.lang === 'en' && t.type === 'title-main')?.text).toBe('Safety-related parts of control systems');
    expect(rec.titles.find((t) => t.lang === 'de' && t.type === 'title-intro')?.text).toBe('Sicherheit von Maschinen');
    expect(doc.title).toBe('Safety of machinery — Safety-related parts of control systems — Part 1: General principles for design');
  });

  it('builds one section per <sec> and <app>, with anchors from the labels', () => {
    expect(sections).toHaveLength(count(source, /<(sec|app)[\s>]/g));
    expect(inlineText(byId.get('4')!.title)).toBe('Design considerations');
    expect(byId.get('4')!.num).toBe('4');
    expect(byId.get('4')!.children.map((s) => s.id)).toContain('4.5');
    expect(byId.get('4.5')!.children.map((s) => s.id)).toEqual(['4.5.1', '4.5.2', '4.5.3', '4.5.4']);
    expect(byId.get('introduction')!.kind).toBe('introduction');
    expect(byId.get('1')!.kind).toBe('scope');
    expect(byId.get('2')!.kind).toBe('normative-references');
    expect(new Set(sections.map((s) => s.id)).size).toBe(sections.length);
  });

  it('makes annexes with their obligation and a bibliography of references', () => {
    const annexes = doc.back.filter((s) => s.kind === 'annex');
    expect(annexes.map((a) => a.id)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K']);
    expect(annexes.every((a) => a.obligation === 'informative')).toBe(true);
    expect(annexes[0].num).toBe('Annex A');
    expect(byId.get('A.2.1')).toBeDefined();
    const bib = byId.get('bibliography')!;
    expect(bib.kind).toBe('bibliography');
    const refs = allBlocks([bib]).filter((b) => b.t === 'ref');
    expect(refs.length).toBeGreaterThan(10);
    const normRefs = allBlocks([byId.get('2')!]).filter((b): b is Extract<Block, { t: 'ref' }> => b.t === 'ref');
    expect(normRefs.map((b) => b.stdRef)).toContain('ISO 12100-1:2003');
  });

  it('turns every TBX entry into a term with its definition, synonyms, notes and source', () => {
    const terms = blocks.filter((b): b is Extract<Block, { t: 'term' }> => b.t === 'term');
    expect(terms).toHaveLength(count(source, /<tbx:termEntry[\s>]/g));
    const t = terms.find((x) => x.id === '3.1.1')!;
    expect(t.term).toBe('safety-related part of a control system');
    expect(t.synonyms).toEqual(['SRP/CS']);
    expect(t.num).toBe('3.1.1');
    expect(blocksText(t.definition)).toMatch(/^part of a control system that responds to safety-related input signals/);
    expect(t.notes.map((n) => (n.t === 'note' ? n.label : ''))).toEqual(['NOTE 1', 'NOTE 2']);
    const fault = terms.find((x) => x.term === 'fault')!;
    expect(fault.source).toEqual([{ t: 'std', ref: 'IEC 60050-191:1990', clause: '05-01', c: ['IEC 60050-191:1990, 05-01'] }]);
    expect(blocksText(fault.definition)).not.toContain('[');
    expect(terms.every((x) => x.definition.length > 0 && x.term)).toBe(true);
  });

  it('keeps XHTML tables with header rows, colspan and rowspan, and footnotes as table notes', () => {
    const tables = blocks.filter((b): b is Extract<Block, { t: 'table' }> => b.t === 'table');
    expect(tables.filter((t) => t.label).length).toBe(count(source, /<table-wrap[\s>]/g));
    const t3 = tables.find((t) => t.id === 'table-3')!;
    expect(t3.label).toBe('Table 3');
    expect(inlineText(t3.caption!)).toBe('Performance levels (PL)');
    const cells = [...t3.head, ...t3.body].flat();
    expect(cells.some((c) => c.rowspan === 2)).toBe(true);
    expect(cells.some((c) => c.colspan === 2)).toBe(true);
    expect(t3.head.flat().every((c) => c.header)).toBe(true);
    const t1 = tables.find((t) => t.id === 'table-1')!;
    expect(t1.notes?.map((n) => (n.t === 'note' ? [n.id, n.label] : null))).toEqual([
      ['fn-a', 'a'],
      ['fn-c', 'c'],
      ['fn-b', 'b'],
    ]);
  });

  it('keeps MathML as namespaced MathML, for display formulas and inline math', () => {
    const formulas = blocks.filter((b): b is Extract<Block, { t: 'formula' }> => b.t === 'formula');
    expect(formulas).toHaveLength(count(source, /<disp-formula[\s>]/g));
    expect(formulas.every((f) => f.mathml?.startsWith('<math xmlns="http://www.w3.org/1998/Math/MathML"'))).toBe(true);
    const d1 = formulas.find((f) => f.id === 'formula-D.1')!;
    expect(d1.label).toBe('D.1');
    expect(d1.mathml).toContain('<munderover><mo>\u2211</mo>');
    // The serialised MathML is well-formed XML in the MathML namespace.
    const reparsed = parseXml(d1.mathml!);
    expect(reparsed.root.key).toBe('mml:math');
    expect(d1.text).toContain('MTTFd');
    const inlineMath = allInlines(blocks, sections).filter((i) => typeof i !== 'string' && i.t === 'math');
    expect(inlineMath.length).toBeGreaterThan(400);
  });

  it('resolves cross-references to anchors and inlines the footnote at its first reference', () => {
    const anchors = new Set<string>([...sections.map((s) => s.id), ...blocks.flatMap((b) => ('id' in b && b.id ? [b.id] : []))]);
    const inl = allInlines(blocks, sections);
    const xrefs = inl.filter((i): i is Extract<Inline, { t: 'xref' }> => typeof i !== 'string' && i.t === 'xref');
    expect(xrefs.length).toBeGreaterThan(200);
    expect(xrefs.filter((x) => !anchors.has(x.target))).toEqual([]);
    expect(xrefs.some((x) => x.target === '6.2' && inlineText(x.c) === '6.2')).toBe(true);
    expect(xrefs.some((x) => x.target === 'table-3')).toBe(true);
    const fns = inl.filter((i) => typeof i !== 'string' && i.t === 'fn');
    expect(fns.length).toBeGreaterThan(0);
    expect(r.diagnostics.filter((d) => d.id === 'sts.xref_unresolved')).toEqual([]);
  });

  it('keeps mixed content in document order', () => {
    const p = byId.get('3.1')!.blocks[0];
    expect(p.t).toBe('p');
    expect((p as Extract<Block, { t: 'p' }>).c).toEqual([
      'For the purposes of this document, the terms and definitions given in ',
      { t: 'std', ref: 'ISO 12100-1', c: ['ISO 12100-1'] },
      ' and ',
      { t: 'std', ref: 'IEC 60050-191', c: ['IEC 60050-191'] },
      ' and the following apply.',
    ]);
  });
});

describe.skipIf(!SAMPLES)('parseSts: the 11 ISO STS samples', () => {
  const dir = SAMPLES ?? '';
  const files = SAMPLES ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort() : [];
  const parsed = new Map(files.map((f) => [f, parseSts(readFileSync(join(dir, f)), { file: f })]));
  const tree = (f: string) => parseXml(readFileSync(join(dir, f)), { file: f }).root;
  const text = (f: string): ConvertedText => {
    const root = tree(f);
    const kid = (k: string) => root.children.filter((c) => typeof c !== 'string' && c.key === k) as never[];
    return convertText({ front: kid('front'), body: kid('body'), back: kid('back') }, { file: f, lang: 'en', diagnostics: [] as Diagnostic[] });
  };

  it('each sample parses, and either imports or says clearly why not (with line:col)', () => {
    expect(files).toHaveLength(11);
    for (const [f, r] of parsed) {
      expect(r.failed, f).toBe(false);
      if (r.records.length) continue;
      const why = r.diagnostics.find((d) => d.id === 'sts.no_identifier');
      expect(why, f).toBeDefined();
      expect(why!.severity).toBe('serious');
      expect(why!.location.file).toBe(f);
      expect(why!.location.line).toBeGreaterThan(1);
    }
    expect([...parsed].filter(([, r]) => r.records.length).map(([f]) => f)).toEqual(['Samp1.xml', 'nat-meta.xml', 'reg-meta.xml']);
  });

  it('resolves named entities without the DTD and keeps titles in several languages', () => {
    const r = parsed.get('Samp1.xml')!;
    const rec = r.records[0];
    expect(rec.id).toBe('ISO-2560-2009');
    expect(rec.titles.find((t) => t.lang === 'en' && t.type === 'main')?.text).toBe(
      'Welding consumables — Covered electrodes for manual metal arc welding of non-alloy and fine grain steels — Classification',
    );
    expect(rec.titles.find((t) => t.lang === 'fr' && t.type === 'title-main')?.text).toBe(
      "Électrodes enrobées pour le soudage manuel à l'arc des aciers non allié et des aciers à grains fins",
    );
    expect(rec.classifications).toEqual([{ scheme: 'ics', code: '25.160.20' }]);
    expect(rec.committee).toBe('ISO/TC 44/SC 3');
    expect(rec.edition).toBe('3');
    expect(rec.identifiers).toContainEqual({ type: 'URN', value: 'urn:iso:std:iso:2560:ed-3:v1:en' });
    expect(rec.dates).toEqual([
      { type: 'published', value: '2009-05-30' },
      { type: 'issued', value: '2009-05-30' },
    ]);
    expect(r.diagnostics.map((d) => d.id)).toContain('sts.external_dtd_not_read');
  });

  it('reads relations stated in national and regional metadata', () => {
    for (const f of ['nat-meta.xml', 'reg-meta.xml']) {
      const rec = parsed.get(f)!.records[0];
      expect(rec.relations, f).toEqual([{ type: 'replaces', target: 'ISO 123456:2004' }]);
      expect((rec.extra as { stsMeta: string }).stsMeta).toBe(f.replace('.xml', ''));
    }
  });

  it('converts XHTML tables whose cells come from internal-subset entities, with spans', () => {
    const t = text('isosts_tables.xml');
    const tables = allBlocks(t.body).filter((b): b is Extract<Block, { t: 'table' }> => b.t === 'table');
    // Labels are kept as printed (some carry a no-break space).
    expect(tables.map((x) => x.label?.replace(/\u00a0/g, ' '))).toEqual(Array.from({ length: tables.length }, (_, i) => `Table ${i + 1}`));
    expect(tables.length).toBe(count(readFileSync(join(dir, 'isosts_tables.xml'), 'utf8'), /<table-wrap[\s>]/g));
    expect(blocksText(tables[0].body[0][0].c)).toBe('table cell text');
    const t3 = tables[2];
    expect(t3.head[0].map((c) => [c.rowspan, c.colspan])).toEqual([
      [2, undefined],
      [undefined, 3],
    ]);
    expect(tables[3].foot?.[0][0].colspan).toBe(4);
    expect(tables[4].body[0][0].rowspan).toBe(10);
  });

  it('converts TBX entries: preferred, admitted and deprecated terms, and entries in several languages', () => {
    const t = text('tbx-nisosts-0.2.xml');
    const terms = allBlocks(t.body).filter((b): b is Extract<Block, { t: 'term' }> => b.t === 'term');
    const source = readFileSync(join(dir, 'tbx-nisosts-0.2.xml'), 'utf8');
    expect(terms).toHaveLength(count(source, /<tbx:langSet[\s>]/g));
    expect(terms.find((x) => x.term === 'chart datum')?.synonyms).toEqual(['CD']);
    expect(terms.find((x) => x.term === 'adhesive')?.deprecated).toEqual(['glue']);
    const reynolds = terms.filter((x) => /reynolds/i.test(x.term));
    expect(reynolds.map((x) => x.lang)).toEqual(['en', 'fr', 'de']);
    expect(new Set(reynolds.map((x) => x.id)).size).toBe(3);
  });

  it('accepts TBX and XLink prefixes used without a declaration', () => {
    const r = parsed.get('tbx-highlight-elements.xml')!;
    expect(r.diagnostics.filter((d) => d.id === 'xml.undeclared_prefix').map((d) => d.message)).toEqual([
      expect.stringContaining('"tbx:"'),
      expect.stringContaining('"xlink:"'),
    ]);
    const terms = allBlocks(text('tbx-highlight-elements.xml').body).filter((b) => b.t === 'term');
    expect(terms.map((b) => (b.t === 'term' ? [b.id, b.term] : null))).toEqual([['2.4', 'inline element']]);
  });

  it('converts the feature sample: annexes, lists, preformatted code, references, footnotes, links', () => {
    const t = text('feature_doc.xml');
    const all = sectionsOf(t);
    const byId = new Map(all.map((s) => [s.id, s]));
    expect(byId.get('F')).toMatchObject({ kind: 'annex', obligation: 'informative', num: 'Annex F' });
    expect(byId.get('A')?.obligation).toBeUndefined();
    expect(byId.get('A')?.children.map((s) => s.id)).toEqual(['A.1']);
    const blocks = allBlocks(all);
    const pre = blocks.find((b) => b.t === 'pre');
    expect(pre).toMatchObject({ t: 'pre', kind: 'code' });
    expect(pre && pre.t === 'pre' ? pre.text : '').toContain('AnyType ::= SEQUENCE {\n');
    const bullets = byId.get('iso_10002_2004_sec_A')!.blocks.find((b) => b.t === 'list');
    expect(bullets).toMatchObject({ t: 'list', ordered: false, items: [{ label: '—' }] });
    const bib = t.back.filter((s) => s.kind === 'bibliography');
    expect(bib.map((s) => inlineText(s.title))).toEqual(['Библиография', 'Bibliography']);
    // Titled ref-lists inside a ref-list are its sub-sections.
    expect(bib[1].children.map((s) => [s.kind, inlineText(s.title)])).toEqual([
      ['bibliography', 'ISO publications ...'],
      ['bibliography', 'IEC publications ...'],
    ]);
    const refs = allBlocks(bib).filter((b): b is Extract<Block, { t: 'ref' }> => b.t === 'ref');
    expect(refs[0].label).toBe('[19]');
    const inl = allInlines(blocks, all);
    const fn = inl.find((i): i is Extract<Inline, { t: 'fn' }> => typeof i !== 'string' && i.t === 'fn');
    expect(fn?.label).toBe('2)');
    expect(blocksText(fn!.c)).toContain('Доступен на web сайте');
    expect(inl).toContainEqual({ t: 'link', href: 'http://www.iso.org', c: ['http://www.iso.org'] });
    const std = inl.find((i): i is Extract<Inline, { t: 'std' }> => typeof i !== 'string' && i.t === 'std');
    expect(std?.ref).toBe('ITU-T Recommendation X.680 (2008) | ISO/IEC 8824-1:2008');
  });
});

describe('parseSts: adoptions', () => {
  const isoMeta = `<iso-meta>
      <title-wrap xml:lang="en"><main>Safety-related parts of control systems</main><full>Safety of machinery — Safety-related parts of control systems</full></title-wrap>
      <std-ident><originator>ISO</originator><doc-type>IS</doc-type><doc-number>13849</doc-number><part-number>1</part-number><edition>2</edition></std-ident>
      <std-ref type="dated">ISO 13849-1:2006</std-ref><release-date>2006-11-01</release-date><comm-ref>ISO/TC 199</comm-ref>
    </iso-meta>`;

  it('records both documents of an <adoption> and adoptedFrom (with degree) on the national one', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<adoption xml:lang="en" dtd-version="1.2">
  <adoption-front>
    <std-meta std-org-type="national">
      <title-wrap xml:lang="en"><full>Safety of machinery &mdash; Safety-related parts of control systems</full></title-wrap>
      <title-wrap xml:lang="de"><full>Sicherheit von Maschinen &mdash; Sicherheitsbezogene Teile von Steuerungen</full></title-wrap>
      <std-ident><originator>BSI</originator><doc-type>standard</doc-type><doc-number>13849</doc-number><part-number>1</part-number></std-ident>
      <std-ref type="dated">BS EN ISO 13849-1:2008</std-ref>
      <release-date>2008-12-31</release-date>
      <custom-meta-group><custom-meta><meta-name>adoption-degree</meta-name><meta-value>IDT</meta-value></custom-meta></custom-meta-group>
    </std-meta>
    <sec sec-type="foreword"><title>National foreword</title><p>This British Standard is the UK implementation of <std><std-ref>EN ISO 13849-1:2008</std-ref></std>.</p></sec>
  </adoption-front>
  <standard>
    <front>${isoMeta}</front>
    <body><sec><label>1</label><title>Scope</title><p>This part of ISO 13849 provides safety requirements.</p></sec></body>
  </standard>
</adoption>`;
    const r = parseSts(Buffer.from(xml), { file: 'bs-en-iso-13849-1.xml' });
    expect(r.failed).toBe(false);
    expect(r.records.map((x) => x.id)).toEqual(['ISO-13849-1-2006', 'BS-EN-ISO-13849-1-2008']);
    const [iso, bs] = r.records;
    expect(iso.relations).toEqual([]);
    expect(bs.relations).toEqual([{ type: 'adoptedFrom', target: 'ISO 13849-1:2006', degree: 'IDT' }]);
    expect(r.relations).toEqual([{ from: 'BS-EN-ISO-13849-1-2008', type: 'adoptedFrom', target: 'ISO 13849-1:2006', degree: 'IDT' }]);
    expect(bs.titles.find((t) => t.lang === 'de')?.text).toBe('Sicherheit von Maschinen — Sicherheitsbezogene Teile von Steuerungen');
    expect(iso.committee).toBe('ISO/TC 199');
    expect(r.docs).toHaveLength(1);
    const doc = r.docs[0];
    expect(doc.stdId).toBe('BS-EN-ISO-13849-1-2008');
    expect(doc.source.format).toBe('niso-sts');
    expect(doc.front.map((s) => [s.id, s.kind])).toEqual([['foreword', 'foreword']]);
    expect(doc.body.map((s) => [s.id, inlineText(s.title)])).toEqual([['1', 'Scope']]);
  });

  it('chains metadata blocks of one front: the national adopts the international (degree from the title)', () => {
    const xml = `<standard><front>${isoMeta}
      <nat-meta originator="DIN"><title-wrap xml:lang="de"><full>Sicherheit von Maschinen (ISO 13849-1:2006, MOD)</full></title-wrap>
        <std-ref type="dated">DIN EN ISO 13849-1:2008</std-ref></nat-meta></front><body/></standard>`;
    const r = parseSts(Buffer.from(xml), { file: 'din.xml' });
    expect(r.records.map((x) => x.id)).toEqual(['ISO-13849-1-2006', 'DIN-EN-ISO-13849-1-2008']);
    expect(r.records[1].relations).toEqual([{ type: 'adoptedFrom', target: 'ISO 13849-1:2006', degree: 'MOD' }]);
    expect(r.docs).toEqual([]); // empty body: no text to store
    expect(r.diagnostics.map((d) => d.id)).toContain('sts.no_text');
  });
});

describe('parseSts: failures', () => {
  it('reports malformed XML with line:col and yields nothing to write', () => {
    const r = parseSts(Buffer.from('<standard>\n<front>\n<iso-meta><std-ref type="dated">ISO 1:2000</std-ref></iso-meta>\n</front>\n<body><p>unclosed'), {
      file: 'cut.xml',
    });
    expect(r.failed).toBe(true);
    expect(r.records).toEqual([]);
    expect(r.docs).toEqual([]);
    expect(r.diagnostics).toEqual([
      { id: 'xml.malformed', severity: 'serious', category: 'xml', message: 'unclosed tag: p', location: { file: 'cut.xml', line: 5, col: 18 } },
    ]);
  });

  it('refuses a document that is not STS', () => {
    const r = parseSts(Buffer.from('<html><body/></html>'), { file: 'x.xml' });
    expect(r.failed).toBe(true);
    expect(r.diagnostics[0]).toMatchObject({ id: 'sts.not_sts', location: { file: 'x.xml', line: 1 } });
  });
});

describe('parseSts: content details', () => {
  const wrap = (body: string, back = '') =>
    `<standard xmlns:mml="http://www.w3.org/1998/Math/MathML" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:oasis="http://docs.oasis-open.org/ns/oasis-exchange/table">
<front><iso-meta><std-ref type="dated">ISO 4000:2020</std-ref><content-language>en</content-language></iso-meta></front>
<body>${body}</body><back>${back}</back></standard>`;
  const docOf = (body: string, back = '') => {
    const r = parseSts(Buffer.from(wrap(body, back)), { file: 't.xml' });
    expect(r.failed).toBe(false);
    return r.docs[0];
  };

  it('converts CALS tables: namest/nameend → colspan, morerows → rowspan, thead → header cells', () => {
    const doc = docOf(`<sec><label>5</label><title>T</title><table-wrap id="t1"><label>Table 1</label><caption><title>CALS</title></caption>
      <oasis:table><oasis:tgroup cols="3">
        <oasis:colspec colname="c1"/><oasis:colspec colname="c2"/><oasis:colspec colname="c3"/>
        <oasis:thead><oasis:row><oasis:entry namest="c1" nameend="c2" align="center">Wide</oasis:entry><oasis:entry>Right</oasis:entry></oasis:row></oasis:thead>
        <oasis:tbody>
          <oasis:row><oasis:entry morerows="1">Tall</oasis:entry><oasis:entry>a</oasis:entry><oasis:entry>b</oasis:entry></oasis:row>
          <oasis:row><oasis:entry>c</oasis:entry><oasis:entry>d</oasis:entry></oasis:row>
        </oasis:tbody></oasis:tgroup></oasis:table></table-wrap></sec>`);
    const t = doc.body[0].blocks[0] as Extract<Block, { t: 'table' }>;
    expect(t).toMatchObject({ t: 'table', id: 'table-1', label: 'Table 1', caption: ['CALS'] });
    expect(t.head).toEqual([
      [
        { c: [{ t: 'p', c: ['Wide'] }], header: true, colspan: 2, align: 'center' },
        { c: [{ t: 'p', c: ['Right'] }], header: true },
      ],
    ]);
    expect(t.body.map((row) => row.map((c) => [blocksText(c.c), c.rowspan ?? 1]))).toEqual([
      [['Tall', 2], ['a', 1], ['b', 1]],
      [['c', 1], ['d', 1]],
    ]);
  });

  it('keeps inline marks, math, cross-references and standard references in order', () => {
    const doc = docOf(
      `<sec id="s5"><label>5</label><title>Rules</title>
        <p>Use <italic>x</italic><sub>1</sub>, <bold>y</bold><sup>2</sup> and <monospace>code</monospace> with <inline-formula><mml:math><mml:mi>a</mml:mi><mml:mo>&lt;</mml:mo><mml:mi>b</mml:mi></mml:math></inline-formula> (see <xref ref-type="sec" rid="s6"/> and <xref ref-type="app" rid="annexA">Annex A</xref>, <std><std-ref>ISO 9001:2015</std-ref>, 7.1</std>).</p></sec>
       <sec id="s6"><label>6</label><title>More</title><p>Text.</p></sec>`,
      `<app id="annexA"><label>Annex A</label><annex-type>(normative)</annex-type><title>Extra</title><p>x</p></app>`,
    );
    const p = doc.body[0].blocks[0] as Extract<Block, { t: 'p' }>;
    expect(p.c).toEqual([
      'Use ',
      { t: 'em', c: ['x'] },
      { t: 'sub', c: ['1'] },
      ', ',
      { t: 'strong', c: ['y'] },
      { t: 'sup', c: ['2'] },
      ' and ',
      { t: 'code', c: ['code'] },
      ' with ',
      { t: 'math', mathml: '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>', text: 'a<b' },
      ' (see ',
      { t: 'xref', target: '6', c: ['6'] },
      ' and ',
      { t: 'xref', target: 'A', c: ['Annex A'] },
      ', ',
      { t: 'std', ref: 'ISO 9001:2015', clause: '7.1', c: ['ISO 9001:2015, 7.1'] },
      ').',
    ]);
    expect(doc.back[0]).toMatchObject({ id: 'A', kind: 'annex', obligation: 'normative', num: 'Annex A' });
  });

  it('never keeps script or file URLs as links or image sources', () => {
    const doc = docOf(
      `<sec><label>1</label><title>T</title><p><ext-link xlink:href="javascript:alert(1)">click</ext-link> <uri>file:///etc/passwd</uri> <ext-link xlink:href="https://www.iso.org/">ISO</ext-link></p>
       <fig id="f1"><label>Figure 1</label><graphic xlink:href="javascript:alert(2)"/></fig><fig id="f2"><label>Figure 2</label><graphic xlink:href="img/f2.png"/></fig></sec>`,
    );
    const [p, f1, f2] = doc.body[0].blocks;
    expect((p as Extract<Block, { t: 'p' }>).c).toEqual(['click file:///etc/passwd ', { t: 'link', href: 'https://www.iso.org/', c: ['ISO'] }]);
    expect(f1).toEqual({ t: 'figure', id: 'figure-1', label: 'Figure 1' });
    expect(f2).toEqual({ t: 'figure', id: 'figure-2', label: 'Figure 2', src: 'img/f2.png' });
  });

  it('reports elements it cannot represent, once per element name, and unresolved cross-references', () => {
    const r = parseSts(
      Buffer.from(wrap(`<sec><label>1</label><title>T</title><p>a <inline-graphic xlink:href="x.png"/> b <inline-graphic xlink:href="y.png"/> <xref rid="nowhere">here</xref></p></sec>`)),
      { file: 't.xml' },
    );
    expect(r.diagnostics.filter((d) => d.category === 'content').map((d) => [d.id, d.message, d.location.line])).toEqual([
      ['sts.element_not_represented', '<inline-graphic> has no place in the content model; its text is kept where possible (2×, first here)', 3],
      ['sts.xref_unresolved', 'cross-reference to "nowhere" has no target in the document (1×, first here); kept as text', 3],
    ]);
  });
});
