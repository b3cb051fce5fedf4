import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../cli/program.js';
import type { ContentDocument, Section } from '../content/model.js';
import { DEMO_DIR } from '../demo/load.js';
import { openServices } from '../app/container.js';
import { runImport } from '../importers/runner.js';
import { loadConfig } from '../kernel/config.js';
import { getDisclosure } from './disclosure.js';
import { sanitiseMathml } from './mathml.js';
import { alignByAnchor, buildToc, citationText, citedStandards, findSection, termGlossary } from './text.js';

const sec = (id: string, num: string | undefined, title: string, children: Section[] = [], blocks: Section['blocks'] = []): Section => ({
  id,
  ...(num ? { num } : {}),
  title: [title],
  kind: 'clause',
  blocks,
  children,
});
const doc = (lang: string, body: Section[]): ContentDocument => ({
  stdId: 'RFC-9110',
  edition: 'RFC 9110',
  lang,
  title: 'HTTP Semantics',
  source: { format: 'rfc-text', ref: 'rfc9110.txt', sha256: 'x', mediaType: 'text/plain' },
  front: [{ id: 'abstract', title: ['Abstract'], kind: 'abstract', blocks: [], children: [] }],
  body,
  back: [],
});

describe('reader text helpers', () => {
  const d = doc('en', [
    sec('9', '9', 'Methods', [sec('9.3', '9.3', 'Method Definitions', [sec('9.3.1', '9.3.1', 'GET')])]),
    sec('10', '10', 'Context', [], [
      { t: 'term', id: 't1', term: 'resource', synonyms: [], definition: [{ t: 'p', c: ['target of a request'] }], notes: [], examples: [] },
      { t: 'p', c: ['See ', { t: 'std', ref: 'RFC 3986', c: ['RFC 3986'] }, ' and ', { t: 'std', ref: 'RFC 3986', c: ['[URI]'] }] },
      { t: 'ref', stdRef: 'RFC 9111', c: ['HTTP Caching'] },
    ]),
  ]);

  it('builds a nested table of contents from the clause tree', () => {
    expect(buildToc(d)).toEqual([
      { id: 'abstract', title: 'Abstract', children: [] },
      { id: '9', num: '9', title: 'Methods', children: [{ id: '9.3', num: '9.3', title: 'Method Definitions', children: [{ id: '9.3.1', num: '9.3.1', title: 'GET', children: [] }] }] },
      { id: '10', num: '10', title: 'Context', children: [] },
    ]);
  });

  it('cites a clause by number, unnumbered sections by title', () => {
    expect(citationText('RFC 9110', findSection(d, '9.3.1')!.section)).toBe('RFC 9110, 9.3.1');
    expect(citationText('RFC 9110', findSection(d, 'abstract')!.section)).toBe('RFC 9110, Abstract');
    expect(findSection(d, '9.3.1')!.ancestors.map((s) => s.id)).toEqual(['9', '9.3']);
    expect(findSection(d, 'nope')).toBeNull();
  });

  it('collects term definitions and cited standards (distinct)', () => {
    expect(termGlossary(d).get('t1')).toBe('resource: target of a request');
    expect(citedStandards(d)).toEqual(['RFC 3986', 'RFC 9111']);
  });

  it('aligns two languages by anchor, keeping sections only one side has', () => {
    const zh = doc('zh', [sec('9', '9', '方法', [sec('9.3', '9.3', '方法定义')]), sec('11', '11', '仅中文')]);
    expect(alignByAnchor(zh, d).map((r) => [r.id, !!r.left, !!r.right])).toEqual([
      ['abstract', true, true],
      ['9', true, true],
      ['9.3', true, true],
      ['11', true, false],
      ['9.3.1', false, true],
      ['10', false, true],
    ]);
  });
});

describe('sanitiseMathml', () => {
  it('keeps MathML presentation markup and re-escapes text', () => {
    expect(sanitiseMathml('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>')).toBe(
      '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>',
    );
    expect(sanitiseMathml('<math><mfrac linethickness="0"><mn>1</mn><mn>2</mn></mfrac><mspace width="1em"/></math>')).toBe(
      '<math><mfrac linethickness="0"><mn>1</mn><mn>2</mn></mfrac><mspace width="1em"></mspace></math>',
    );
  });

  it('drops foreign elements with their content, event attributes and foreign namespaces', () => {
    expect(sanitiseMathml('<math><mi onclick="x()" style="a">x</mi><script>alert(1)</script><svg><mi>y</mi></svg></math>')).toBe('<math><mi>x</mi></math>');
    expect(sanitiseMathml('<math xmlns="http://evil/"><mi href="javascript:x">x</mi></math>')).toBe('<math><mi>x</mi></math>');
  });

  it('refuses what is not a well-formed fragment', () => {
    expect(sanitiseMathml('<math><mi>x</math>')).toBeNull();
    expect(sanitiseMathml('<math><mi a=b>x</mi></math>')).toBeNull();
    expect(sanitiseMathml('')).toBeNull();
  });
});

describe('stdhub disclose (CLI)', () => {
  it('sets the mode and reasons, refuses a bad mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-disclose-'));
    const db = join(dir, 'db.sqlite');
    let out = '';
    let err = '';
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    const io: CliIo = { stdout, stderr, env: { LOG_LEVEL: 'silent', STDHUB_DEMO: 'off', STDHUB_DB: db, SEARCH_WORKERS: '0' }, onSignal: () => {} };
    try {
      const s = await openServices(loadConfig(io.env));
      await runImport(s, 'relaton', join(DEMO_DIR, 'stdhub'));
      await s.close();
      const code = await runCli(
        ['disclose', 'T/STDHUB 1-2025', '--mode', 'not-disclosed', '--reason-en', 'adopts an international standard under copyright', '--reason-zh', '采用国际标准，受版权保护', '--actor', 'admin'],
        io,
      );
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('not-disclosed — adopts an international standard under copyright — 采用国际标准，受版权保护');
      expect(await runCli(['disclose', 'T/STDHUB 1-2025', '--mode', 'secret'], io)).toBe(2);
      expect(await runCli(['disclose', 'T/STDHUB 1-2025', '--mode', 'not-disclosed'], io)).toBe(2);
      const s2 = await openServices(loadConfig(io.env));
      const rec = await s2.catalogue.resolve('T/STDHUB 1-2025');
      expect(await getDisclosure(s2, rec!.id)).toMatchObject({ mode: 'not-disclosed', actor: 'admin', reason: { zh: '采用国际标准，受版权保护' } });
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
