import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sharedData } from '../testing/shared-data.js';
import { BAIL, fastYaml, readYaml } from './relaton-yaml.js';

/** Inputs covering what the fast reader claims to handle; each must equal yaml.parse exactly. */
const CASES: string[] = [
  '---\nid: X\nnumber: 176\nflag: true\nnone:\nempty: ""\nq: \'it\'\'s\'\ndq: "a\\tb\\u00e9\\"c"\n',
  'title:\n- content: one\n  language:\n  - en\n  type: main\n- content: two\n  language: fr\n',
  'list:\n  - a\n  - b\n\n  - c\nafter: 1\n',
  'abstract:\n- content: |-\n    line one\n      indented\n\n    line three\n  language: en\nnext: x\n',
  'keep: |\n  text\n\nclip: >-\n  folded\n  words\n\n  para\n',
  'long: Management de la qualité - Exigences pour les systèmes de management de\n  la mesure\nk: v\n',
  'q: \'first line\n  second line\n\n  third\'\nd: "alpha\n  beta\\\n  gamma"\n',
  'nbsp: text\u00a0\u00a0\nideo: 中文\u3000标题\n',
  '# comment\nk: v # trailing comment\nurl: https://www.iso.org/standard/62085.html\n# end\n',
  'flow_empty: []\nmap_empty: {}\nnum: -5\nfloat: 1.5e3\nver: v1.2.9\ndate: 2015-09\nics: 03.100.70\n',
  'a:\n  b:\n    c:\n    - d: 1\n      e:\n      - f\n  g: h\n...\n',
];

describe('fast YAML reader', () => {
  it.each(CASES.map((c, i) => [i, c]))('case %i equals yaml.parse', (_i, text) => {
    const fast = fastYaml(text as string);
    expect(fast).not.toBe(BAIL);
    expect(fast).toEqual(parse(text as string));
  });

  it('declines what it does not handle, and readYaml still answers like yaml.parse', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: [1, 2]\n', 'k: |2+\n   x\n\n', '\tk: v\n', 'a: 1\n---\nb: 2\n']) {
      expect(fastYaml(text)).toBe(BAIL);
    }
    expect(readYaml('a: &x 1\nb: *x\n')).toEqual({ ok: true, value: { a: 1, b: 1 } });
  });

  it('reports malformed YAML with line and column', () => {
    const r = readYaml('title:\n- content: x\ndocid:\n- id: ISO 1:2000\n  type: ISO\n primary: true\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.problem.line, r.problem.col]).toEqual([6, 1]);
    const dup = readYaml('a: 1\na: 2\n');
    expect(dup.ok).toBe(false);
  });
});

const SAMPLE = sharedData('relaton-iso/sample');
const GB = sharedData('gb');

describe.skipIf(!SAMPLE || !GB)('fast YAML reader on real Relaton files', () => {
  it('equals yaml.parse on every sample file', () => {
    const files = [
      ...readdirSync(SAMPLE!).map((f) => join(SAMPLE!, f)),
      ...readdirSync(GB!).filter((f) => f.endsWith('.yml')).map((f) => join(GB!, f)),
    ];
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const fast = fastYaml(text);
      if (fast !== BAIL) expect(fast, f).toEqual(parse(text));
    }
  });
});
