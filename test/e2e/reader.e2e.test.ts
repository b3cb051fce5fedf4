import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, loadDemoTexts } from '../../src/demo/load.js';
import { runImport } from '../../src/importers/runner.js';
import { FakeClock } from '../../src/kernel/clock.js';
import { testServices } from '../../src/testing/services.js';
import { buildServer } from '../../src/web/server.js';
import { CHROMIUM, RESULTS, openBrowserSession, type BrowserSession } from './browser.js';

/**
 * The reader in a real browser (Debian chromium + playwright-core) on the demo standard's bilingual text: open a
 * clause permalink, navigate the table of contents, download the PDF and check its text layer with pdftotext
 * (English and Chinese sentences). JavaScript is not needed by any page, and none runs.
 */
const PDFTOTEXT = '/usr/bin/pdftotext';
const ZH_SENTENCE = '平台应能按任意空格、大小写或标点书写的编号找到标准。';
const EN_SENTENCE = 'A platform shall find a standard from its number in any spacing, case or punctuation.';

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(PDFTOTEXT))('reader e2e in Chromium (needs chromium and pdftotext)', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  let page: Page;
  let base: string;
  let session: BrowserSession;
  let slug: string;
  let jsErrors: string[] = [];

  beforeAll(async () => {
    services = await testServices({}, new FakeClock(new Date('2026-03-04T05:06:07Z')));
    await runImport(services, 'relaton', join(DEMO_DIR, 'stdhub'));
    await loadDemoTexts(services);
    slug = encodeURIComponent((await services.catalogue.resolve('T/STDHUB 1-2025'))!.id);
    app = await buildServer(services);
    session = await openBrowserSession(app, { acceptDownloads: true });
    ({ base, page } = session);
    jsErrors = session.jsErrors;
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
    await services?.close();
  });

  it('opens a clause permalink in Chinese and shows a term definition on hover', async () => {
    await page.goto(`${base}/std/${slug}/clause/4.1`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    const main = await page.textContent('main');
    expect(main).toContain(ZH_SENTENCE);
    expect(main).toContain('T/STDHUB 1-2025, 4.1');
    // The copyable citation: a readonly input inside <details>, opened without script.
    await page.click('section[id="4.1"] details.cite summary');
    expect(await page.inputValue('section[id="4.1"] details.cite input')).toMatch(/^T\/STDHUB 1-2025, 4\.1 — .*\/clause\/4\.1\?text=zh$/);
    // The hover definition is a plain title attribute: no script involved.
    expect(await page.locator('abbr').first().getAttribute('title')).toBe('标准编号: 由发布机构赋予、用于标识一项标准的编号');
    await page.screenshot({ path: join(RESULTS, 'reader-clause-zh.png'), fullPage: true });
  });

  it('navigates the table of contents of the full text', async () => {
    await Promise.all([page.waitForURL(/\/read\?text=zh#4\.1$/), page.click('nav.cnav a[href$="#4.1"]')]);
    await page.click('nav.toc a[href="#A"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#A');
    expect(await page.locator('section#A').isVisible()).toBe(true);
    const box = await page.locator('section#A h2').boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);
    await page.click('nav.toc a[href="#4.2"]');
    expect(await page.locator('section[id="4.2"] table').textContent()).toContain('implemented');
    await page.screenshot({ path: join(RESULTS, 'reader-toc-zh.png') });
  });

  it('downloads the PDF with a text layer holding the Chinese and the English sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-e2e-pdf-'));
    try {
      const texts: string[] = [];
      for (const lang of ['zh', 'en']) {
        await page.goto(`${base}/std/${slug}/read?text=${lang}`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('.rdl a[href*="download.pdf"]')]);
        expect(download.suggestedFilename()).toBe(`T-STDHUB-1-2025.${lang}.pdf`);
        const file = join(dir, `${lang}.pdf`);
        await download.saveAs(file);
        texts.push(execFileSync(PDFTOTEXT, ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s*\n\s*/g, ' '));
      }
      expect(texts[0].replace(/ /g, '')).toContain(ZH_SENTENCE);
      expect(texts[1]).toContain(EN_SENTENCE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ran no script and logged no error', () => {
    expect(jsErrors).toEqual([]);
  });
});
