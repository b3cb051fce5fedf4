import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gbRecord } from '../../src/bulletins/fixtures.case.js';
import { signIn } from '../../src/testing/auth.js';
import { testServices } from '../../src/testing/services.js';
import { buildServer } from '../../src/web/server.js';
import { CHROMIUM, RESULTS, openBrowserSession, type BrowserSession } from './browser.js';

/**
 * An editor assembles and publishes an approval bulletin in a real browser (no JavaScript on the site): create the
 * draft, paste numbers (one unknown, kept in the box with its reason), add a revision, publish; then the public
 * bulletin page, the standard's bulletin panel and its Impact tab.
 */
describe.skipIf(!existsSync(CHROMIUM))('bulletins e2e in Chromium', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  let page: Page;
  let base: string;
  let session: BrowserSession;

  beforeAll(async () => {
    services = await testServices();
    await services.catalogue.upsertMany(
      [
        gbRecord('GB 12955-2024', { status: 'not-issued', titles: [{ lang: 'zh', type: 'main', text: '防火门' }] }),
        gbRecord('GB 12955-2008', { titles: [{ lang: 'zh', type: 'main', text: '防火门' }] }),
        gbRecord('GB/T 1001-2010'),
        gbRecord('GB/T 1002-2010'),
        gbRecord('GB/T 9001-2020', { relations: [{ type: 'cites', target: 'GB 12955' }] }),
      ],
      { actor: 'test' },
    );
    app = await buildServer(services);
    const ed = await signIn(app, services, [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
    session = await openBrowserSession(app);
    ({ base, page } = session);
    await session.context.addCookies([{ name: 'sid', value: ed.sid, url: base }]);
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
    await services?.close();
  });

  it('creates, fills and publishes a bulletin; the public sees it with its links', async () => {
    await page.goto(`${base}/editor/bulletins/new`);
    await page.fill('input[name="number"]', '14');
    await page.fill('input[name="year"]', '2025');
    await page.fill('input[name="date"]', '2025-10-05');
    await Promise.all([page.waitForURL(/\/editor\/bulletins\/[0-9a-f-]+$/), page.click('form[action="/editor/bulletins"] button[type="submit"]')]);

    await page.selectOption('select[name="kind"]', 'abolition');
    await page.fill('textarea[name="lines"]', 'GB/T 1001-2010\nGB/T 4242-1999\nGB/T 1002-2010');
    await Promise.all([page.waitForLoadState(), page.click('.bulletin-add button[type="submit"]')]);
    expect(await page.textContent('.bulletin-add .form-errors')).toContain('GB/T 4242-1999');
    expect(await page.inputValue('textarea[name="lines"]')).toBe('GB/T 4242-1999');
    await page.screenshot({ path: join(RESULTS, 'bulletin-editor-problems-zh.png'), fullPage: true });

    await page.selectOption('select[name="kind"]', 'revision');
    await page.fill('textarea[name="lines"]', 'GB 12955-2024 | 2024-10-28 | 2026-05-01 | GB 12955-2008');
    await Promise.all([page.waitForURL(/added=1/), page.click('.bulletin-add button[type="submit"]')]);
    expect(await page.locator('table.bulletin-items tbody tr').count()).toBe(3);

    await Promise.all([page.waitForURL(/\/bulletins\/SAC\/2025\/14$/), page.click('.bulletin-publish button[type="submit"]')]);
    const main = await page.textContent('main');
    for (const s of ['2025年第14号', '修订标准', '废止标准', 'GB 12955-2024', 'GB 12955-2008', '2026-05-01']) expect(main, s).toContain(s);
    await page.screenshot({ path: join(RESULTS, 'bulletin-public-zh.png'), fullPage: true });

    await page.goto(`${base}/std/GB-12955-2008`);
    expect(await page.textContent('section.bulletin-panel')).toContain('被 GB 12955-2024 代替');
    await Promise.all([page.waitForURL(/\/impact$/), page.click('nav.tabs a[href$="/impact"]')]);
    expect(await page.textContent('section.impact-citations')).toContain('GB/T 9001-2020');
    expect(await page.textContent('section.impact-declarations')).toContain('尚未记录');
    await page.screenshot({ path: join(RESULTS, 'bulletin-impact-zh.png'), fullPage: true });
    // The rejected paste answers 400 on purpose (the form comes back with the problems); Chromium logs that status.
    const errors = session.jsErrors.filter((e) => !/status of 400/.test(e));
    expect(errors, errors.join('; ')).toEqual([]);
    expect(session.jsErrors).toHaveLength(1);
  });
});
