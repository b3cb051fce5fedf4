import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/kernel/clock.js';
import { testServices } from '../../src/testing/services.js';
import { seedWeb } from '../../src/web/seed.case.js';
import { buildServer } from '../../src/web/server.js';
import { CHROMIUM, RESULTS, openBrowserSession, type BrowserSession } from './browser.js';

/**
 * The catalogue in a real browser (Debian chromium + playwright-core): search in Chinese and by number, open a
 * standard, switch language, and prove that a stored XSS title stays text and that no script runs on any page.
 */

describe.skipIf(!existsSync(CHROMIUM))('catalogue e2e in Chromium', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  let page: Page;
  let base: string;
  let session: BrowserSession;
  let jsErrors: string[] = [];

  beforeAll(async () => {
    // 2025-11-26: GB 12955-2024 is released but not yet implemented.
    services = await testServices({}, new FakeClock(new Date('2025-11-26T08:00:00Z')));
    await seedWeb(services);
    app = await buildServer(services);
    session = await openBrowserSession(app);
    ({ base, page } = session);
    jsErrors = session.jsErrors;
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
    await services?.close();
  });

  it('searches 防火门 in Chinese, opens the standard and switches to English', async () => {
    await page.goto(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect.poll(() => page.textContent('h1')).toContain('标准目录');
    await page.fill('input[name="q"]', '防火门');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('input[name="q"]', 'Enter')]);
    const hits = page.locator('li.hit');
    expect(await hits.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('li.hit mark').first().textContent()).toContain('防火门');
    const lineage = page.locator('p.lineage').first();
    expect(await lineage.textContent()).toContain('被代替为');
    expect(await lineage.locator('a').getAttribute('href')).toBe('/std/GB-12955-2024');
    await page.screenshot({ path: join(RESULTS, 'catalogue-search-zh.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/std\/GB-12955-2024$/), page.click('li.hit a.num[href="/std/GB-12955-2024"]')]);
    const zh = await page.textContent('main');
    for (const s of ['GB 12955-2024', '防火门', '即将实施', '强制性', '发布日期', '实施日期', '2024-10-28', '2026-05-01', '代替（先前版本）', 'GB 12955-2008'])
      expect(zh, s).toContain(s);
    await page.screenshot({ path: join(RESULTS, 'catalogue-std-zh.png'), fullPage: true });

    await Promise.all([page.waitForURL(/lang=en/), page.click('header a.lang')]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    const en = await page.textContent('main');
    for (const s of ['Fire-resistant doorsets', 'To be implemented', 'Mandatory', 'Issued', 'Implemented', 'upcoming', 'Predecessors (replaces)'])
      expect(en, s).toContain(s);
    // The choice is remembered (cookie): a plain link without ?lang stays English.
    await page.goto(`${base}/std/GB-12955-2008`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('main')).toContain('Successors (replaced by)');
    await page.screenshot({ path: join(RESULTS, 'catalogue-std-en.png'), fullPage: true });
    // Chinese glyphs come from a CJK font in the stack (WenQuanYi Micro Hei on Debian).
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('WenQuanYi Micro Hei');
  });

  it('finds RFC 9110 by number and shows its predecessor', async () => {
    await page.goto(`${base}/?lang=en`);
    await page.fill('input[name="q"]', 'RFC 9110');
    await Promise.all([page.waitForURL(/\/search\?q=RFC/), page.press('input[name="q"]', 'Enter')]);
    expect(await page.locator('li.hit a.num').first().textContent()).toBe('RFC 9110');
    await Promise.all([page.waitForURL(/\/std\/RFC-9110$/), page.locator('li.hit a.num').first().click()]);
    const text = await page.textContent('main');
    expect(text).toContain('HTTP Semantics');
    expect(text).toContain('INTERNET STANDARD');
    expect(await page.locator('a[href="/std/RFC-7231"]').count()).toBeGreaterThan(0);
    await page.goto(`${base}/std/RFC-9110?lang=zh-CN`);
    expect(await page.textContent('main')).toContain('代替（先前版本）');
    await page.screenshot({ path: join(RESULTS, 'catalogue-rfc-zh.png'), fullPage: true });
  });

  it('a stored XSS title renders as text and runs nothing', async () => {
    for (const url of ['/std/T-STDHUB-666-2025?lang=en', '/std/T-STDHUB-666-2025?lang=zh-CN', `/search?q=${encodeURIComponent('防火门')}`, '/bodies/STDHUB']) {
      await page.goto(`${base}${url}`);
      const state = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: number }).__xss ?? null,
        scripts: document.querySelectorAll('script').length,
        imgs: document.querySelectorAll('main img').length,
        bold: document.querySelectorAll('main b').length,
      }));
      expect(state, url).toEqual({ xss: null, scripts: 0, imgs: 0, bold: 0 });
    }
    await page.goto(`${base}/std/T-STDHUB-666-2025?lang=en`);
    expect(await page.textContent('h1')).toContain('<script>window.__xss=1</script>');
    await page.screenshot({ path: join(RESULTS, 'catalogue-xss.png'), fullPage: true });
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const url of ['/', '/search?q=%E9%98%B2%E7%81%AB%E9%97%A8', '/std/RFC-9110', '/ics/13.220.50']) {
      await page.goto(`${base}${url}`);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, url).toBeLessThanOrEqual(widths.client);
    }
    await page.screenshot({ path: join(RESULTS, 'catalogue-search-phone.png'), fullPage: true });
    expect(statSync(join(RESULTS, 'catalogue-search-phone.png')).size).toBeGreaterThan(1000);
  });

  it('no JavaScript errors or failed loads on any visited page', () => {
    expect(jsErrors).toEqual([]);
  });
});
