import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksText, inlineText, type Block, type Inline, type Section } from '../content/model.js';
import { sharedData } from '../testing/shared-data.js';
import { parseInlines, parseRfcText, type ParsedRfc } from './rfc-text-parse.js';
import { decodeText } from './sources.js';

/** A small RFC in the classic layout: header, title, TOC, a page break inside a paragraph, figure, list, refs. */
const SAMPLE = [
  '',
  '',
  'Network Working Group                                          A. Author',
  'Request for Comments: 9999                                   Example Org',
  'Obsoletes: 1234, 2345                                         June 2020',
  'Updates: 3456',
  'Category: Standards Track',
  '',
  '',
  '                        The Example Protocol',
  '',
  'Abstract',
  '',
  '   This document describes the example protocol.  It is an example of',
  '   the format.',
  '',
  'Table of Contents',
  '',
  '   1.  Introduction ....................................................1',
  '   2.  Protocol ........................................................2',
  '   3.  References ......................................................2',
  '',
  '1.  Introduction',
  '',
  '   The protocol is defined in RFC 2616 and [RFC9110], Section 4.2.  See',
  '   Section 2.1 for details and Section 7 for nothing.  The protocol',
  '   continues here and this paragraph runs over the',
  '',
  '',
  '',
  'Author                       Standards Track                    [Page 1]',
  '\f',
  'RFC 9999                    Example Protocol                  June 2020',
  '',
  '',
  '   page break without a blank line in the output.',
  '',
  '   The steps are:',
  '',
  '   1.  First step, which is not a heading.',
  '',
  '   2.  Second step.',
  '',
  '2.  Protocol',
  '',
  '   The message format:',
  '',
  '      +--------+--------+',
  '      |  Type  | Length |',
  '      +--------+--------+',
  '',
  '                     Figure 1: Message Header',
  '',
  '   o  first item that',
  '      continues here',
  '',
  '   o  second item',
  '',
  '2.1.  Details',
  '',
  '   Details follow, as Figure 1 shows.',
  '',
  '3.  References',
  '',
  '   [RFC9110]  Fielding, R., Nottingham, M., and J. Reschke, "HTTP',
  '              Semantics", STD 97, RFC 9110, June 2022.',
  '',
  '   [HTTP]     Another entry without an RFC number.',
  '',
  'Appendix A.  Extra',
  '',
  '   Appendix text.',
  '',
  'A.1.  More',
  '',
  '   More text.',
  '',
  "Author's Address",
  '',
  '   A. Author',
  '   Example Org',
  '',
  'Author                       Standards Track                    [Page 2]',
].join('\n');

function ids(list: Section[]): string[] {
  return list.map((s) => s.id);
}

function find(p: ParsedRfc, id: string): Section | undefined {
  const rec = (l: Section[]): Section | undefined => {
    for (const s of l) {
      if (s.id === id) return s;
      const c = rec(s.children);
      if (c) return c;
    }
    return undefined;
  };
  return rec([...p.front, ...p.body, ...p.back]);
}

function allText(p: ParsedRfc): string {
  const parts: string[] = [];
  const rec = (l: Section[]) => l.forEach((s) => (parts.push(inlineText(s.title), blocksText(s.blocks)), rec(s.children)));
  rec([...p.front, ...p.body, ...p.back]);
  return parts.join('\n');
}

function inlinesOf(blocks: Block[]): Inline[] {
  return blocks.flatMap((b) => (b.t === 'p' || b.t === 'ref' ? b.c : []));
}

describe('parseRfcText on a small classic-layout RFC', () => {
  const p = parseRfcText(SAMPLE);

  it('reads the header fields and the centred title', () => {
    expect(p.header.number).toBe(9999);
    expect(p.header.obsoletes).toEqual([1234, 2345]);
    expect(p.header.updates).toEqual([3456]);
    expect(p.header.category).toBe('Standards Track');
    expect(p.header.date).toBe('June 2020');
    expect(p.header.title).toBe('The Example Protocol');
    expect(p.header.fields).toEqual(expect.arrayContaining(['number', 'obsoletes', 'updates', 'category']));
  });

  it('builds front/body/back with anchors from the numbering and skips the table of contents', () => {
    expect(ids(p.front)).toEqual(['abstract']);
    expect(ids(p.body)).toEqual(['1', '2', '3']);
    expect(ids(find(p, '2')!.children)).toEqual(['2.1']);
    expect(ids(p.back)).toEqual(['A', 'authors-address']);
    expect(ids(find(p, 'A')!.children)).toEqual(['A.1']);
    expect(find(p, '1')!.kind).toBe('introduction');
    expect(find(p, '3')!.kind).toBe('bibliography');
    expect(find(p, 'A')!.kind).toBe('annex');
    expect(find(p, 'A')!.num).toBe('Appendix A');
    expect(find(p, 'A.1')!.num).toBe('A.1');
    expect(find(p, 'abstract')!.kind).toBe('abstract');
    expect(inlineText(find(p, '2.1')!.title)).toBe('Details');
    expect(p.stats.tocSkipped).toBe(true);
    expect(allText(p)).not.toContain('....');
  });

  it('removes page headers and footers and re-joins the paragraph cut by the page break', () => {
    const text = allText(p);
    expect(text).not.toContain('[Page 1]');
    expect(text).not.toContain('June 2020');
    expect(p.stats.furnitureLines).toBeGreaterThanOrEqual(3);
    const intro = find(p, '1')!;
    const para = intro.blocks.find((b) => b.t === 'p' && inlineText(b.c).includes('runs over the'));
    expect(para && para.t === 'p' && inlineText(para.c)).toContain('runs over the page break without a blank line in the output.');
  });

  it('keeps numbered steps inside a section as a list, not as headings', () => {
    const intro = find(p, '1')!;
    const list = intro.blocks.find((b) => b.t === 'list');
    expect(list).toMatchObject({ t: 'list', ordered: true });
    expect(list && list.t === 'list' && list.items.map((i) => i.label)).toEqual(['1.', '2.']);
    expect(ids(p.body)).not.toContain('2.1.');
  });

  it('keeps ASCII art verbatim in a figure with its caption', () => {
    const fig = find(p, '2')!.blocks.find((b) => b.t === 'figure');
    expect(fig).toMatchObject({ t: 'figure', id: 'figure-1', label: 'Figure 1', caption: ['Message Header'] });
    const pre = fig && fig.t === 'figure' ? fig.c![0] : undefined;
    expect(pre).toEqual({ t: 'pre', kind: 'figure', text: '+--------+--------+\n|  Type  | Length |\n+--------+--------+' });
  });

  it('reads bullet lists with continuation lines', () => {
    const list = find(p, '2')!.blocks.find((b) => b.t === 'list');
    expect(list && list.t === 'list' && list.items.map((i) => blocksText(i.c))).toEqual(['first item that continues here', 'second item']);
    expect(list && list.t === 'list' && list.ordered).toBe(false);
  });

  it('links RFC numbers, citations with a section, and section/figure cross-references that exist', () => {
    const ins = inlinesOf(find(p, '1')!.blocks);
    expect(ins).toContainEqual({ t: 'std', ref: 'RFC 2616', c: ['RFC 2616'] });
    expect(ins).toContainEqual({ t: 'std', ref: 'RFC 9110', clause: '4.2', c: ['[RFC9110], Section 4.2'] });
    expect(ins).toContainEqual({ t: 'xref', target: '2.1', c: ['Section 2.1'] });
    // Section 7 does not exist in this document: plain text, not a dangling link.
    expect(ins.some((i) => typeof i !== 'string' && i.t === 'xref' && i.target === '7')).toBe(false);
    expect(inlinesOf(find(p, '2.1')!.blocks)).toContainEqual({ t: 'xref', target: 'figure-1', c: ['Figure 1'] });
  });

  it('turns reference entries into ref blocks with their standard', () => {
    const refs = find(p, '3')!.blocks.filter((b) => b.t === 'ref');
    expect(refs.map((r) => r.t === 'ref' && [r.id, r.label, r.stdRef ?? null])).toEqual([
      ['ref-rfc9110', '[RFC9110]', 'RFC 9110'],
      ['ref-http', '[HTTP]', null],
    ]);
  });

  it('is deterministic and tolerates a byte order mark', () => {
    expect(parseRfcText(SAMPLE)).toEqual(p);
    expect(parseRfcText(`\ufeff${SAMPLE}`)).toEqual(p);
  });
});

describe('parseRfcText edge cases', () => {
  it('keeps a document without headings as one section and says so', () => {
    const p = parseRfcText('Network Working Group\nRequest for Comments: 3\n\n   Some text that has no headings at all, only a paragraph\n   of two lines.\n');
    expect(p.header.number).toBe(3);
    expect(ids(p.body)).toEqual(['preamble']);
    expect(p.notes.map((n) => n.id)).toContain('rfc_text.no_headings');
  });

  it('takes the longest consistent numbering, not the first numbered line', () => {
    const doc = [
      'RFC 1',
      '',
      '1.  Intro',
      '',
      '   Text of the introduction that is long enough to count as prose here.',
      '',
      '5.  Stray line that looks like a heading',
      '',
      '   More text of the introduction that is long enough to count as prose.',
      '',
      '2.  Second',
      '',
      '   Text of the second section that is long enough to count as prose too.',
      '',
      '2.1.  Child',
      '',
      '   Text of the child section that is long enough to count as prose also.',
    ].join('\n');
    const p = parseRfcText(doc);
    expect(ids(p.body)).toEqual(['1', '2']);
    expect(ids(p.body[1].children)).toEqual(['2.1']);
    expect(p.notes.find((n) => n.id === 'rfc_text.numbering_irregular')?.message).toContain('5.  Stray');
  });

  it('parses inline references on their own', () => {
    const refs = new Map([['URI', { id: 'ref-uri', stdRef: 'RFC 3986' }]]);
    expect(parseInlines('see Section 3.3 of [URI] and <https://example.org/x>.', refs, new Set())).toEqual([
      'see ',
      { t: 'std', ref: 'RFC 3986', clause: '3.3', c: ['Section 3.3 of [URI]'] },
      ' and ',
      { t: 'link', href: 'https://example.org/x', c: ['<https://example.org/x>'] },
      '.',
    ]);
    expect(parseInlines('BCP 14 [RFC2119] [RFC8174]', new Map(), new Set())).toEqual([
      { t: 'std', ref: 'BCP 14', c: ['BCP 14'] },
      ' ',
      { t: 'std', ref: 'RFC 2119', c: ['[RFC2119]'] },
      ' ',
      { t: 'std', ref: 'RFC 8174', c: ['[RFC8174]'] },
    ]);
  });
});

const SAMPLES = sharedData('ietf-rfc/sample-txt');

function parseFile(name: string): ParsedRfc {
  return parseRfcText(decodeText(readFileSync(join(SAMPLES!, name))).text);
}

describe.skipIf(!SAMPLES)('parseRfcText on real RFCs (ietf-rfc/sample-txt)', () => {
  it('RFC 9110 (v3 layout, UTF-8 BOM, no form feeds): sections, appendices and the back matter', () => {
    const bytes = readFileSync(join(SAMPLES!, 'rfc9110.txt'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const p = parseFile('rfc9110.txt');
    expect(p.header).toMatchObject({ number: 9110, obsoletes: [2818, 7230, 7231, 7232, 7233, 7235, 7538, 7615, 7694], updates: [3864], category: 'Standards Track', title: 'HTTP Semantics' });
    expect(ids(p.front)).toEqual(['abstract', 'status-of-this-memo', 'copyright-notice']);
    expect(ids(p.body)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
    expect(ids(p.back)).toEqual(['A', 'B', 'acknowledgements', 'index', 'authors-addresses']);
    const get = find(p, '9.3.1')!;
    expect(inlineText(get.title)).toBe('GET');
    expect(get.num).toBe('9.3.1');
    expect(blocksText(get.blocks)).toMatch(/^The GET method requests transfer of a current selected representation for the target resource\./);
    expect(ids(find(p, 'B')!.children)).toEqual(['B.1', 'B.2', 'B.3', 'B.4', 'B.5', 'B.6', 'B.7', 'B.8', 'B.9']);
    expect(find(p, '19.1')!.kind).toBe('normative-references');
    expect(find(p, '19.2')!.kind).toBe('informative-references');
    // "(Section 1.2.2 of [URI])": the citation label resolves through the reference list to RFC 3986.
    expect(inlinesOf(get.blocks)).toContainEqual({ t: 'std', ref: 'RFC 3986', clause: '1.2.2', c: ['Section 1.2.2 of [URI]'] });
    expect(p.notes).toEqual([]);
  });

  it('RFC 793 (91 pages with running headers): the TCP header diagram comes out verbatim', () => {
    const raw = decodeText(readFileSync(join(SAMPLES!, 'rfc793.txt'))).text.split('\n');
    const p = parseFile('rfc793.txt');
    expect(p.stats.pages).toBe(91);
    expect(ids(p.body).slice(0, 3)).toEqual(['1', '2', '3']);
    expect(inlineText(find(p, '3.1')!.title)).toBe('Header Format');
    const start = raw.findIndex((l) => l.includes('0                   1                   2                   3'));
    const end = raw.findIndex((l, i) => i > start && l.includes('|                             data                              |')) + 1;
    const expected = dedent(
      raw
        .slice(start, end + 1)
        .map((l) => l.trimEnd())
        .join('\n'),
    );
    const fig = find(p, '3.1')!.blocks.find((b) => b.t === 'figure');
    const pre = fig && fig.t === 'figure' ? fig.c?.find((b) => b.t === 'pre') : undefined;
    expect(pre && pre.t === 'pre' ? pre.text : null).toBe(expected);
    expect(fig).toMatchObject({ label: 'Figure 3' });
    // No page furniture anywhere in the text.
    const text = allText(p);
    expect(text).not.toMatch(/\[Page \d+\]/);
    // Section 3 spans dozens of pages: none of their running headers ("September 1981 / Transmission Control
    // Protocol / Functional Specification") is left in its text.
    const chapter3: string[] = [];
    const rec = (l: Section[]) => l.forEach((s) => (chapter3.push(blocksText(s.blocks)), rec(s.children)));
    rec([find(p, '3')!]);
    expect(chapter3.join('\n')).not.toMatch(/^\s*September 1981\s*$/m);
    expect(chapter3.join('\n')).not.toMatch(/^Functional Specification$/m);
  });

  it('RFC 2616 (dot-leader TOC, headings "13 Caching" without dots, a missing 13.1 level)', () => {
    const p = parseFile('rfc2616.txt');
    expect(ids(p.body)).toHaveLength(21);
    expect(inlineText(find(p, '13')!.title)).toBe('Caching in HTTP');
    expect(find(p, '13.1.1')).toBeDefined();
    expect(ids(find(p, '13')!.children)).toContain('13.1.1');
    expect(find(p, '14.9')).toBeDefined();
  });

  it('every sample parses into sections with unique anchors', () => {
    for (const name of ['rfc791.txt', 'rfc1034.txt', 'rfc2026.txt', 'rfc3986.txt', 'rfc8446.txt', 'rfc9000.txt']) {
      const p = parseFile(name);
      const all: string[] = [];
      const rec = (l: Section[]) => l.forEach((s) => (all.push(s.id), rec(s.children)));
      rec([...p.front, ...p.body, ...p.back]);
      expect(all.length, name).toBeGreaterThan(10);
      expect(new Set(all).size, name).toBe(all.length);
      expect(all, name).toContain('1');
    }
  });
});

function dedent(s: string): string {
  const lines = s.split('\n');
  const min = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(min)).join('\n');
}
