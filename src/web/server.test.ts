import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { testServices } from '../testing/services.js';
import { sharedData } from '../testing/shared-data.js';
import { CSS_HREF } from './assets/site-css.js';
import { seedWeb, WEB_SEED } from './seed.case.js';
import { buildServer } from './server.js';

type Svc = Awaited<ReturnType<typeof testServices>>;
let services: Svc;
let app: FastifyInstance;

const EN = { 'accept-language': 'en' };
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' };

async function get(url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers });
}

beforeAll(async () => {
  // 2025-11-26: GB 12955-2024 is issued but not yet implemented (2026-05-01).
  services = await testServices({}, new FakeClock(new Date('2025-11-26T08:00:00Z')));
  await seedWeb(services);
  // A second write of the same record with a change, so its history has a creation and an update.
  const gb = WEB_SEED[0];
  await services.catalogue.upsert({ ...gb, keywords: ['防火', 'fire door'] }, { actor: 'editor' });
  app = await buildServer(services);
  app.get('/boom', { config: { policy: 'public' } }, async () => {
    throw new Error('secret internal detail at /srv/db.sqlite');
  });
  app.get('/api/boom', { config: { policy: 'public' } }, async () => {
    throw new Error('secret internal detail at /srv/db.sqlite');
  });
  app.get('/api/coded', { config: { policy: 'public' } }, async () => {
    throw new AppError('invalid_query', 'page must be a number');
  });
  app.post('/echo', { config: { policy: 'public' } }, async (req) => req.body);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await services?.close();
});

describe('language', () => {
  it('defaults to config.DEFAULT_LANG (zh-CN) without hints', async () => {
    const r = await get('/');
    expect(r.body).toContain('<html lang="zh-CN">');
    expect(r.body).toContain('标准目录');
    expect(r.headers['content-language']).toBe('zh-CN');
  });

  it('follows Accept-Language, then a cookie over it, then ?lang= which sets the cookie', async () => {
    expect((await get('/', EN)).body).toContain('<html lang="en">');
    expect((await get('/', { ...EN, cookie: 'lang=zh-CN' })).body).toContain('<html lang="zh-CN">');
    const r = await get('/?lang=en', ZH);
    expect(r.body).toContain('<html lang="en">');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('HttpOnly');
    expect(r.headers.vary).toContain('Cookie');
  });

  it('the switch link keeps the query string and swaps lang', async () => {
    const r = await get('/search?q=%E9%98%B2%E7%81%AB%E9%97%A8&status=replaced', EN);
    expect(r.body).toContain('href="/search?q=%E9%98%B2%E7%81%AB%E9%97%A8&amp;status=replaced&amp;lang=zh-CN"');
    const z = await get('/std/RFC-9110?lang=zh-CN');
    expect(z.body).toContain('href="/std/RFC-9110?lang=en"');
  });
});

describe('security', () => {
  it('sends security headers; the CSP allows no scripts and no framing', async () => {
    const r = await get('/');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(r.body).not.toMatch(/<script|style="/);
  });

  it('a hostile record title is escaped on the standard page, in search results and in lists', async () => {
    for (const url of ['/std/T-STDHUB-666-2025', '/search?q=%E9%98%B2%E7%81%AB%E9%97%A8', '/bodies/STDHUB', '/search?body=STDHUB']) {
      for (const h of [EN, ZH]) {
        const r = await get(url, h);
        expect(r.statusCode, url).toBe(200);
        expect(r.body, url).not.toContain('<script');
        expect(r.body, url).not.toContain('<img src=x');
        expect(r.body, url).not.toContain('<b>注入');
      }
    }
    const page = (await get('/std/T-STDHUB-666-2025', EN)).body;
    expect(page).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;script&gt;window.__xss=3');
  });

  it('never links a javascript: URL from a record', async () => {
    const r = await get('/std/RFC-9110', EN);
    expect(r.body).toContain('href="https://doi.org/10.17487/RFC9110"');
    expect(r.body).not.toContain('href="javascript:');
  });

  it('unexpected errors give a 500 page or JSON without the exception text', async () => {
    const page = await get('/boom', EN);
    expect(page.statusCode).toBe(500);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Something went wrong on our side');
    expect(page.body).not.toContain('secret');
    const api = await get('/api/boom');
    expect(api.statusCode).toBe(500);
    expect(api.json()).toEqual({ error: 'internal_error', message: 'Internal error' });
  });

  it('AppError maps to its status; API paths get the JSON shape', async () => {
    const r = await get('/api/coded');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: 'invalid_query', message: 'page must be a number' });
    const nf = await get('/api/v1/no-such-route');
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toMatchObject({ error: 'not_found' });
  });

  it('limits the request body size (413) and rejects malformed URLs (400 page)', async () => {
    const big = await app.inject({ method: 'POST', url: '/echo', payload: `a=${'x'.repeat(2 * 1024 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...EN } });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('The request is too large');
    const form = await app.inject({ method: 'POST', url: '/echo', payload: 'a=1&b=%E9%98%B2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.json()).toEqual({ a: '1', b: '防' });
    const bad = await get('/std/a%ZZ', ZH);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请求无效');
  });
});

describe('pages', () => {
  it('home: search form, counts by body and status, browse links, in both languages', async () => {
    const zh = (await get('/', ZH)).body;
    expect(zh).toContain('action="/search"');
    expect(zh).toContain('目录共收录 7 项标准');
    expect(zh).toContain('href="/bodies/IETF"');
    expect(zh).toContain('href="/ics"');
    expect(zh).toContain('即将实施');
    const en = (await get('/', EN)).body;
    expect(en).toContain('7 standards in the catalogue');
    expect(en).toContain('To be implemented');
    expect(en).toContain('<link rel="canonical" href="/">');
  });

  it('search 防火门: both editions, highlighted, lineage links the successor', async () => {
    const zh = (await get('/search?q=%E9%98%B2%E7%81%AB%E9%97%A8', ZH)).body;
    expect(zh).toContain('<mark>');
    expect(zh).toContain('href="/std/GB-12955-2024"');
    expect(zh).toContain('href="/std/GB-12955-2008"');
    expect(zh).toContain('被代替为');
    expect(zh).toMatch(/被代替为： <a href="\/std\/GB-12955-2024">GB 12955-2024<\/a>/);
    expect(zh).toContain('“防火门”的检索结果');
    const en = (await get('/search?q=%E9%98%B2%E7%81%AB%E9%97%A8', EN)).body;
    expect(en).toContain('Replaced by');
    expect(en).toContain('Fire-resistant doorsets');
  });

  it('search RFC 9110 ranks the number match first', async () => {
    const r = await get('/search?q=RFC%209110', EN);
    expect(r.statusCode).toBe(200);
    const first = r.body.indexOf('class="hit"');
    expect(first).toBeGreaterThan(0);
    expect(r.body.slice(first, first + 300)).toContain('/std/RFC-9110');
  });

  it('facets are links that add and remove filters; sort and paging links exist', async () => {
    const all = (await get('/search?pageSize=2', EN)).body;
    expect(all).toContain('href="/search?body=SAC&amp;pageSize=2"');
    expect(all).toContain('rel="next"');
    expect(all).toContain('Page 1 of 4');
    const filtered = (await get('/search?body=SAC', EN)).body;
    expect(filtered).toContain('href="/search" class="on" aria-current="true"');
    expect(filtered).toContain('GB 12955-2008');
    expect(filtered).not.toContain('RFC 9110</a>');
    expect(filtered).toContain('Clear all filters');
    const sorted = (await get('/search?q=HTTP&sort=oldest', EN)).body;
    expect(sorted.indexOf('RFC-7231')).toBeLessThan(sorted.indexOf('RFC-9110'));
  });

  it('any query string gives a page, never a server error', async () => {
    const hostile = ['"', '*', '(', ')', 'NEAR(a b', 'a AND OR NOT', '-', '^', ':', "'; DROP TABLE standard; --", '<script>alert(1)</script>', '\u0000', '😀', '%', '\\', 'a'.repeat(3000), 'GB/T', '/', 'RFC', 'title:x', '{}[]', '　'];
    for (const q of hostile) {
      const r = await get(`/search?q=${encodeURIComponent(q)}`, ZH);
      expect(r.statusCode, JSON.stringify(q)).toBe(200);
      expect(r.body).not.toContain('<script>alert');
    }
    for (const qs of ['page=abc', 'pageSize=10000', 'page=-1', 'page=99999999', 'yearFrom=abc&yearTo=1e9', 'sort=evil', 'body=&status=', 'q[]=x', 'ics=%00', 'page=2&page=3']) {
      const r = await get(`/search?${qs}`, EN);
      expect(r.statusCode, qs).toBe(200);
    }
  });

  it('standard page (zh-CN): metadata with glossary terms, timeline, history, relations, editions', async () => {
    const r = await get('/std/GB-12955-2024', ZH);
    expect(r.statusCode).toBe(200);
    const b = r.body;
    for (const s of ['标准号', '中文标准名称', '英文标准名称', '防火门', 'Fire-resistant doorsets', '强制性', '即将实施', '发布日期', '实施日期', '2024-10-28', '2026-05-01', '尚未到来', '收录入目录', '记录已更新', 'SAC/TC 113', '国家市场监督管理总局', '代替（先前版本）', '各版本', '本版本'])
      expect(b, s).toContain(s);
    expect(b).toContain('href="/std/GB-12955-2008"');
    expect(b).toContain('href="/ics/13.220.50"');
    expect(b).toContain('Fire-resistance of building materials and elements');
    expect(b).toContain('<link rel="alternate" type="application/json" href="/api/v1/standards/GB-12955-2024">');
    expect(b).toContain('<link rel="canonical" href="/std/GB-12955-2024">');
    expect(b).toContain('<title>GB 12955-2024 防火门 · stdhub</title>');
    // Lifecycle is sorted: issued before implemented.
    expect(b.indexOf('2024-10-28')).toBeLessThan(b.indexOf('2026-05-01'));
  });

  it('standard page (en): the replaced edition shows its successor from the inverse relation', async () => {
    const b = (await get('/std/GB-12955-2008', EN)).body;
    expect(b).toContain('Successors (replaced by)');
    expect(b).toContain('href="/std/GB-12955-2024"');
    expect(b).toContain('Replaced');
    expect(b).toContain('Chinese title');
  });

  it('standard page: unresolved targets are text, identifiers and source status shown', async () => {
    const b = (await get('/std/RFC-9110', EN)).body;
    expect(b).toContain('HTTP Semantics');
    expect(b).toContain('href="/std/RFC-7231"');
    expect(b).toMatch(/RFC 2818 <span class="muted">\(not in the catalogue\)<\/span>/);
    expect(b).toContain('10.17487/RFC9110');
    expect(b).toContain('INTERNET STANDARD');
    expect(b).toContain('R. Fielding');
    const iso = (await get('/std/ISO-9001-2015', ZH)).body;
    expect(iso).toContain('标准名称（法文）');
    expect(iso).toContain('lang="fr"');
    expect(iso).toContain('60.60');
  });

  it('a typed number redirects 301 to the canonical slug URL', async () => {
    for (const [url, to] of [
      ['/std/GB%2012955-2024', '/std/GB-12955-2024'],
      ['/std/rfc9110', '/std/RFC-9110'],
      ['/std/RFC%209110', '/std/RFC-9110'],
      ['/std/GB%2FT%2029772-2024', '/std/GB-T-29772-2024'],
      ['/std/GB/T%2029772-2024', '/std/GB-T-29772-2024'],
      ['/std/gbt29772', '/std/GB-T-29772-2024'],
      ['/std/ISO%209001%3A2015?lang=en', '/std/ISO-9001-2015?lang=en'],
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(301);
      expect(r.headers.location, url).toBe(to);
    }
  });

  it('an unknown standard is a 404 page in the user language', async () => {
    const zh = await get('/std/GB-99999-2099', ZH);
    expect(zh.statusCode).toBe(404);
    expect(zh.body).toContain('未找到该标准号或标识对应的标准');
    expect(zh.body).toContain('<html lang="zh-CN">');
    const en = await get('/no/such/page', EN);
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('The page you asked for does not exist.');
    expect((await get(`/std/${'x'.repeat(300)}`)).statusCode).toBe(404);
  });

  it('ICS browse: top level with counts, a code with breadcrumbs and a search link', async () => {
    const top = (await get('/ics', EN)).body;
    expect(top).toContain('href="/ics/13"');
    expect(top).toContain('Environment. Health protection. Safety');
    expect(top).toContain('href="/search?ics=13"');
    expect(top).toContain('2 standards');
    const code = (await get('/ics/13.220.50', ZH)).body;
    expect(code).toContain('href="/ics/13.220"');
    expect(code).toContain('href="/ics/13"');
    expect(code).toContain('href="/search?ics=13.220.50"');
    expect(code).toContain('查看分类 13.220.50 下的 2 项标准');
    expect(code).toContain('该分类没有下级分类');
    expect((await get('/ics/99.999', EN)).statusCode).toBe(404);
    const results = (await get('/search?ics=13.220.50', EN)).body;
    expect(results).toContain('GB-12955-2024');
    expect(results).not.toContain('/std/RFC-9110');
  });

  it('CCS browse without codes says so', async () => {
    const r = await get('/ccs', ZH);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('中国标准文献分类 (CCS)');
    expect(r.body).toContain('尚未导入分类代码');
  });

  it('bodies: list and a body page with counts by status and newest standards', async () => {
    const list = (await get('/bodies', EN)).body;
    expect(list).toContain('href="/bodies/SAC"');
    expect(list).toContain('href="/bodies/IETF"');
    const sac = (await get('/bodies/SAC', ZH)).body;
    expect(sac).toContain('即将实施');
    expect(sac).toContain('被代替');
    expect(sac).toContain('href="/search?body=SAC&amp;status=replaced"');
    expect(sac).toContain('href="/std/GB-12955-2024"');
    expect(sac.indexOf('/std/GB-12955-2024')).toBeLessThan(sac.indexOf('/std/GB-12955-2008'));
    expect((await get('/bodies/ISO%2FIEC', EN)).statusCode).toBe(200);
    expect((await get('/bodies/NOBODY', EN)).statusCode).toBe(404);
  });

  it('serves the stylesheet with cache headers and a validator', async () => {
    const r = await get(CSS_HREF);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/css');
    expect(r.headers['cache-control']).toContain('immutable');
    expect(r.body).toContain('WenQuanYi Micro Hei');
    expect(r.body).toContain('Noto Sans CJK SC');
    const again = await get(CSS_HREF, { 'if-none-match': String(r.headers.etag) });
    expect(again.statusCode).toBe(304);
  });
});

const ccsCsv = sharedData('codes/ccs/cat-level1.csv');
describe.skipIf(!ccsCsv)('CCS browse with real level-1 codes (shared data)', () => {
  it('lists the CCS top level in both languages', async () => {
    const lines = readFileSync(ccsCsv!, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).slice(1, 4);
    const rows = lines.map((l) => l.split(',')).filter((c) => c.length >= 3);
    for (const [i, [code, zh, en]] of rows.entries())
      await services.classifications.upsert({ scheme: 'ccs', code, parent: null, level: 1, titleZh: zh, titleEn: en.replace(/^"|"$/g, ''), notes: [], sort: i }, { actor: 'web-test' });
    const zhPage = (await get('/ccs', ZH)).body;
    const enPage = (await get('/ccs', EN)).body;
    for (const [code, zh] of rows) {
      expect(zhPage).toContain(`href="/ccs/${code}"`);
      expect(zhPage).toContain(zh);
    }
    expect(enPage).toContain(rows[0][2].replace(/^"|"$/g, ''));
    expect((await get(`/ccs/${rows[0][0]}`, ZH)).statusCode).toBe(200);
  });
});
