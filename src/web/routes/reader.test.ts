import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, loadDemoTexts } from '../../demo/load.js';
import { runImport } from '../../importers/runner.js';
import { FakeClock } from '../../kernel/clock.js';
import { setDisclosure } from '../../reader/disclosure.js';
import { testRecord } from '../../testing/records.js';
import { testServices } from '../../testing/services.js';
import { buildServer } from '../server.js';

type Svc = Awaited<ReturnType<typeof testServices>>;
let services: Svc;
let app: FastifyInstance;
let id: string;

/** A distinctive sentence of the demo text in each language (demo/stdhub-text). */
export const ZH_SENTENCE = '平台应能按任意空格、大小写或标点书写的编号找到标准。';
export const EN_SENTENCE = 'A platform shall find a standard from its number in any spacing, case or punctuation.';

const EN = { 'accept-language': 'en' };
const ZH = { 'accept-language': 'zh-CN' };
const get = (url: string, headers: Record<string, string> = EN) => app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  services = await testServices({}, new FakeClock(new Date('2026-03-04T05:06:07Z')));
  // The relaton step gives the catalogue record (and RFC refs resolve only if the RFC index is loaded: not here).
  await runImport(services, 'relaton', join(DEMO_DIR, 'stdhub'));
  const texts = await loadDemoTexts(services);
  expect(texts.map((t) => t.outcome)).toEqual(['created', 'created']);
  id = (await services.catalogue.resolve('T/STDHUB 1-2025'))!.id;
  app = await buildServer(services);
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

describe('reader pages', () => {
  it('renders the Chinese text with a nested TOC, anchors, permalinks and citations', async () => {
    const r = await get(`/std/${encodeURIComponent(id)}/read?text=zh`, ZH);
    expect(r.statusCode).toBe(200);
    const body = r.body;
    expect(body).toContain(ZH_SENTENCE);
    expect(body).toMatch(/<nav class="toc"[^>]*>.*<ol>.*<a href="#4">.*<ol><li><a href="#4.1">/s);
    expect(body).toContain('<section id="4.2" class="clause k-clause">');
    expect(body).toContain(`href="/std/${encodeURIComponent(id)}/clause/4.2?text=zh"`);
    expect(body).toContain('value="T/STDHUB 1-2025, 4.2 — /std/');
    // Terms on hover without JavaScript; cross-references; table; note; verbatim pre.
    expect(body).toContain('<abbr title="标准编号: 由发布机构赋予、用于标识一项标准的编号">');
    expect(body).toContain('<a class="xref" href="#table-1">');
    expect(body).toMatch(/<figure class="table" id="table-1"><figcaption><b>表 1<\/b> 日期类型/);
    expect(body).toContain('<aside class="note">');
    expect(body).toContain('<pre class="pre-');
    expect(body).not.toMatch(/<script/i);
  });

  it('renders the English text chosen by ?lang= and by ?text=', async () => {
    for (const url of [`/std/${encodeURIComponent(id)}/read?lang=en`, `/std/${encodeURIComponent(id)}/read?text=en`]) {
      const r = await get(url, ZH);
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toContain(EN_SENTENCE);
      expect(r.body).toContain('<html lang=');
      expect(r.body).toContain('<article class="reader" lang="en">');
    }
  });

  it('shows a clause permalink in context, stable across re-import', async () => {
    const url = `/std/${encodeURIComponent(id)}/clause/4.1?text=en`;
    const a = await get(url);
    expect(a.statusCode).toBe(200);
    expect(a.body).toContain(EN_SENTENCE);
    expect(a.body).toContain('T/STDHUB 1-2025, 4.1');
    expect(a.body).toContain('rel="next"');
    // Not the other clauses' text.
    expect(a.body).not.toContain('Titles shall be given in every language');
    expect((await loadDemoTexts(services)).map((t) => t.outcome)).toEqual(['unchanged', 'unchanged']);
    // A re-import of the same edition that changes the stored text (here: its source hash) keeps the anchors.
    const stored = (await services.content.get(id, 'en'))!;
    expect(await services.content.put({ ...stored, source: { ...stored.source, sha256: 'reimported' } }, readFileSync(join(DEMO_DIR, 'stdhub-text', 't-stdhub-1-2025.en.xml')), { actor: 'test' })).toBe('updated');
    const b = await get(url);
    expect(b.statusCode).toBe(200);
    expect(b.body).toBe(a.body);
    expect((await get(`/std/${encodeURIComponent(id)}/clause/9.9.9`)).statusCode).toBe(404);
    expect((await get(`/std/${encodeURIComponent(id)}/clause/A`)).body).toContain('Annex A');
  });

  it('aligns the two languages side by side', async () => {
    const r = await get(`/std/${encodeURIComponent(id)}/read?view=bilingual&text=zh`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/<div class="brow" id="4.1"><div class="bcol" lang="zh">.*平台应能.*<\/div><div class="bcol" lang="en">.*A platform shall/s);
  });

  it('redirects a typed number to the canonical id', async () => {
    const r = await get(`/std/${encodeURIComponent('T/STDHUB 1-2025')}/read?text=en`);
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe(`/std/${encodeURIComponent(id)}/read?text=en`);
  });

  it('404s for unknown standards and standards without text', async () => {
    expect((await get('/std/NOPE-1/read')).statusCode).toBe(404);
  });
});

describe('downloads', () => {
  it('streams the single-file HTML with inline CSS and a filename', async () => {
    const r = await get(`/std/${encodeURIComponent(id)}/download.html?text=zh`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="T-STDHUB-1-2025\.zh\.html"/);
    expect(r.body).toContain('<style>');
    expect(r.body).toContain(ZH_SENTENCE);
    expect(r.body).not.toContain('<link rel="stylesheet"');
    expect(r.body).toContain('2026-03-04');
  });

  it('serves the original STS XML', async () => {
    const r = await get(`/std/${encodeURIComponent(id)}/source?text=en`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(r.headers['content-disposition']).toContain('filename="t-stdhub-1-2025.en.xml"');
    expect(r.body).toContain('<standard ');
  });

  describe.skipIf(!existsSync('/usr/bin/pdftotext'))('PDF (needs pdftotext from poppler-utils)', () => {
    it('has a text layer in both languages, bookmarks and a footer', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stdhub-pdf-'));
      const out: Record<string, string> = {};
      for (const lang of ['zh', 'en']) {
        const r = await get(`/std/${encodeURIComponent(id)}/download.pdf?text=${lang}`);
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toBe('application/pdf');
        const file = join(dir, `${lang}.pdf`);
        writeFileSync(file, r.rawPayload);
        out[lang] = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
        expect(r.rawPayload.includes(Buffer.from('/Outlines'))).toBe(true);
        expect(r.rawPayload.includes(Buffer.from('WenQuanYiMicroHei'))).toBe(true);
      }
      // pdftotext may break a long sentence over lines: compare without line breaks.
      const flat = (s: string) => s.replace(/\s*\n\s*/g, ' ');
      expect(flat(out.zh).replace(/ /g, '')).toContain(ZH_SENTENCE.replace(/ /g, ''));
      expect(flat(out.en)).toContain(EN_SENTENCE);
      expect(out.en).toContain('T/STDHUB 1-2025');
      expect(out.en).toContain('2026-03-04');
      expect(out.en).toMatch(/Page 1 \/ \d/);
    });
  });
});

describe('disclosure is enforced on every route', () => {
  const routes = (sid: string) => ({
    read: [`/std/${encodeURIComponent(sid)}/read`, `/std/${encodeURIComponent(sid)}/read?view=bilingual`, `/std/${encodeURIComponent(sid)}/clause/4.1`],
    download: [`/std/${encodeURIComponent(sid)}/download.pdf`, `/std/${encodeURIComponent(sid)}/download.html`, `/std/${encodeURIComponent(sid)}/source`],
  });
  afterAll(async () => {
    await setDisclosure(services, id, 'read-download', {}, 'test');
  });

  it('read-only: reading works, every download is 403 with the page explaining it', async () => {
    await setDisclosure(services, id, 'read-only', { en: 'Sold by the publisher', zh: '由出版社销售' }, 'test');
    for (const url of routes(id).read) expect((await get(url)).statusCode, url).toBe(200);
    for (const url of routes(id).download) {
      const r = await get(url, ZH);
      expect(r.statusCode, url).toBe(403);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('本标准不可下载');
      expect(r.body).toContain('由出版社销售');
    }
    const page = await get(routes(id).read[0]);
    expect(page.body).toContain('This text may be read online but not downloaded.');
    expect(page.body).not.toContain('download.pdf');
    expect((await get(`/api/v1/standards/${encodeURIComponent(id)}/text?lang=en`)).statusCode).toBe(200);
  });

  it('not-disclosed: every route is 403 with the reason in the interface language; the API answers a stable code', async () => {
    await setDisclosure(
      services,
      'T/STDHUB 1-2025',
      'not-disclosed',
      { en: 'adopts an international standard under copyright', zh: '采用国际标准，受版权保护' },
      'test',
    );
    for (const url of [...routes(id).read, ...routes(id).download]) {
      const en = await get(url, EN);
      expect(en.statusCode, url).toBe(403);
      expect(en.body).toContain('adopts an international standard under copyright');
      expect(en.body).not.toContain(EN_SENTENCE);
      const zh = await get(url, ZH);
      expect(zh.body).toContain('采用国际标准，受版权保护');
      expect(zh.body).not.toContain(ZH_SENTENCE);
    }
    const api = await get(`/api/v1/standards/${encodeURIComponent(id)}/text`);
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({
      error: 'text_not_disclosed',
      details: { mode: 'not-disclosed', reason: { en: 'adopts an international standard under copyright', zh: '采用国际标准，受版权保护' } },
    });
  });

  it('records an event per change, none for a repeat, and refuses not-disclosed without a reason', async () => {
    const before = await services.db.selectFrom('event').select('id').where('verb', '=', 'disclosure.set').execute();
    await setDisclosure(services, id, 'read-only', { en: 'x' }, 'alice');
    await setDisclosure(services, id, 'read-only', { en: 'x' }, 'alice');
    const after = await services.db.selectFrom('event').selectAll().where('verb', '=', 'disclosure.set').orderBy('id').execute();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ actor: 'alice', object_id: id, after: JSON.stringify({ mode: 'read-only', reason: { en: 'x' } }) });
    await expect(setDisclosure(services, id, 'not-disclosed', {}, 'alice')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(setDisclosure(services, 'NO SUCH 1', 'read-only', {}, 'alice')).rejects.toMatchObject({ code: 'standard_not_found' });
  });
});

describe('hostile content is escaped', () => {
  it('escapes markup in text, titles, terms, links and MathML', async () => {
    const evil = '<script>alert(1)</script>';
    await services.catalogue.upsert(
      testRecord({
        id: 'XSS-1',
        identifiers: [{ type: 'other', value: 'XSS 1', primary: true }],
        body: 'XSS',
        titles: [{ lang: 'en', type: 'main', text: `T ${evil}` }],
        source: { importer: 'test', ref: 'x' },
      }),
      { actor: 'test' },
    );
    await services.content.put(
      {
        stdId: 'XSS-1',
        edition: 'XSS 1',
        lang: 'en',
        title: `T ${evil}`,
        source: { format: 'test', ref: 'x.xml', sha256: 'x', mediaType: 'application/xml' },
        front: [],
        body: [
          {
            id: '1"><img src=x onerror=alert(1)>',
            num: '1',
            kind: 'clause',
            title: [evil],
            blocks: [
              {
                t: 'p',
                c: [
                  evil,
                  { t: 'link', href: 'javascript:alert(1)', c: ['js'] },
                  { t: 'term', target: 'tx', c: ['term'] },
                  { t: 'math', mathml: '<math><mi onclick="alert(1)">x</mi><script>alert(1)</script><mtext>&lt;b&gt;</mtext></math>', text: 'x' },
                ],
              },
              { t: 'term', id: 'tx', term: `"${evil}`, synonyms: [], definition: [{ t: 'p', c: [`" onmouseover="alert(1)`] }], notes: [], examples: [] },
              { t: 'pre', kind: 'code', text: `</pre>${evil}` },
            ],
            children: [],
          },
        ],
        back: [],
      },
      Buffer.from(evil),
      { actor: 'test' },
    );
    const r = await get('/std/XSS-1/read');
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('<script>');
    expect(r.body).not.toContain('<img');
    expect(r.body).not.toContain('javascript:');
    expect(r.body).not.toMatch(/ on\w+="/);
    expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.body).toContain('<math><mi>x</mi><mtext>&lt;b&gt;</mtext></math>');
    const src = await get('/std/XSS-1/source');
    expect(src.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(src.headers['x-content-type-options']).toBe('nosniff');
  });
});
