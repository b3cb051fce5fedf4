import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCodes } from '../../src/editorial/fixtures.case.js';
import { createUser, type TestUser } from '../../src/testing/auth.js';
import { testServices } from '../../src/testing/services.js';
import { openAppSession } from './app-session.js';
import { CHROMIUM, RESULTS, type BrowserSession } from './browser.js';

/**
 * The editorial back office in a real browser (Debian chromium + playwright-core), no JavaScript: an editor signs
 * in, creates a standard (a refused form keeps the input), uploads its full text and reads the import report,
 * publishes; an anonymous visitor gets 404 before publication and the page and text after; the history tab shows
 * each step.
 */
const STS = fileURLToPath(new URL('../../demo/stdhub-text/t-stdhub-1-2025.en.xml', import.meta.url));
const STD = '/std/T-STDHUB-1-2025';

describe.skipIf(!existsSync(CHROMIUM))('editorial back office e2e in Chromium', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  let editor: TestUser;

  beforeAll(async () => {
    services = await testServices();
    await seedCodes(services);
    editor = await createUser(services, { email: 'editor@stdhub.test', grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'STDHUB' } }] });
    session = await openAppSession(services);
    ({ base, page } = session);
  });

  afterAll(async () => {
    await session?.close();
    await services?.close();
  });

  it('is 404 for an anonymous visitor before publication', async () => {
    const res = await page.goto(`${base}${STD}`);
    expect(res?.status()).toBe(404);
  });

  it('lets an editor create, check the text of and publish a standard', async () => {
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', editor.email);
    await page.fill('input[name="password"]', editor.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type="submit"]')]);

    await page.goto(`${base}/editor`);
    await page.click('a[href="/editor/standards/new"]');
    await page.fill('#f-identifier', 'T/STDHUB 1-2025');
    await page.selectOption('#f-body', 'STDHUB');
    await page.selectOption('#f-status', 'current');
    await page.fill('#f-title_zh', '标准数字化平台 元数据要求');
    await page.fill('#f-title_en', 'Standards digitization platform — Metadata requirements');
    await page.fill('#f-date_issued', '2025-06-30');
    await page.fill('#f-date_implemented', '2025-02-30');
    await page.fill('#f-ics', '35.240.30');
    await page.click('form.editor-form button[type="submit"]');
    // Refused: the message is on the field, and everything typed is still there.
    expect(await page.textContent('.form-errors')).toContain('实施日期');
    expect(await page.getAttribute('#f-date_implemented', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#f-title_zh')).toBe('标准数字化平台 元数据要求');
    await page.screenshot({ path: join(RESULTS, 'editor-form-refused.png'), fullPage: true });
    await page.fill('#f-date_implemented', '2025-07-01');
    await Promise.all([page.waitForURL(/\/editor\/drafts\/[a-f0-9]{16}$/), page.click('form.editor-form button[type="submit"]')]);
    const draftUrl = page.url();

    // Still invisible to the public while it is a draft.
    expect((await fetch(`${base}${STD}`)).status).toBe(404);

    await page.click(`a[href$="/text"]`);
    await page.setInputFiles('#f-file', STS);
    await Promise.all([page.waitForURL(/\/text$/), page.click('form[enctype="multipart/form-data"] button[type="submit"]')]);
    const report = await page.textContent('section.text-report');
    expect(report).toContain('导入报告');
    expect(report).toContain('t-stdhub-1-2025.en.xml');
    expect(report).toMatch(/语言 en：\d+ 个章节/);
    await page.screenshot({ path: join(RESULTS, 'editor-text-report.png'), fullPage: true });

    await page.goto(draftUrl);
    await Promise.all([page.waitForURL((u) => u.pathname === STD), page.click('section.editor-publish button[type="submit"]')]);
    expect(await page.textContent('.editor-panel')).toContain('已发布');
    await page.screenshot({ path: join(RESULTS, 'editor-published.png'), fullPage: true });

    await page.goto(`${base}${STD}/history`);
    const history = await page.textContent('main');
    expect(history).toContain('收录入目录');
    expect(history).toContain('已发布');
    expect(history!.indexOf('收录入目录')).toBeLessThan(history!.lastIndexOf('已发布'));
  });

  it('shows the published standard and its text to an anonymous visitor', async () => {
    await session.context.clearCookies();
    const res = await page.goto(`${base}${STD}`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('main')).toContain('标准数字化平台 元数据要求');
    expect(await page.locator('.editor-panel').count()).toBe(0);
    await page.click(`a[href="${STD}/read"]`);
    expect(page.url()).toContain(`${STD}/read`);
    expect(await page.textContent('main')).toContain('Scope');
    // The deliberate 404 (before publication) and 400 (refused form) are logged by Chromium; nothing else may be.
    const unexpected = session.jsErrors.filter((e) => !/Failed to load resource: the server responded with a status of (404|400)/.test(e));
    expect(unexpected).toEqual([]);
  });
});
