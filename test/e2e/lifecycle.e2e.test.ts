import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/kernel/clock.js';
import { std } from '../../src/lifecycle/store.case.js';
import { testServices } from '../../src/testing/services.js';
import { openAppSession } from './app-session.js';
import { CHROMIUM, RESULTS, type BrowserSession } from './browser.js';

/**
 * The lifecycle panel in a real browser: a standard's status today, then "as of" another date through the plain
 * GET form (no script), in Chinese and English.
 */
describe.skipIf(!existsSync(CHROMIUM))('lifecycle e2e in Chromium', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let page: Page;
  let base: string;
  let session: BrowserSession;
  const clock = new FakeClock(new Date('2026-12-02T08:00:00Z'));

  beforeAll(async () => {
    services = await testServices({}, clock);
    const actor = { actor: 'importer:e2e' };
    await services.catalogue.upsert(std({ id: 'GB-100-2010', number: 'GB 100-2010', titles: [{ lang: 'zh', type: 'main', text: '示例标准' }, { lang: 'en', type: 'main', text: 'Example standard' }], dates: [{ type: 'issued', value: '2010-01-05' }, { type: 'implemented', value: '2010-06-01' }] }), actor);
    await services.catalogue.upsert(std({ id: 'GB-100-2026', number: 'GB 100-2026', status: 'to-be-implemented', dates: [{ type: 'issued', value: '2026-11-20' }, { type: 'implemented', value: '2026-12-01' }], relations: [{ type: 'replaces', target: 'GB 100-2010' }] }), actor);
    await services.jobs.runDue(clock.now());
    session = await openAppSession(services);
    ({ base, page } = session);
  });
  afterAll(async () => {
    await session?.close();
    await services?.close();
  });

  it('shows today’s computed status and the status on another date through the as-of form', async () => {
    await page.goto(`${base}/std/GB-100-2010`);
    const panel = page.locator('section.lifecycle-panel');
    expect(await panel.locator('.lifecycle-now').textContent()).toContain('2026-12-02 的状态');
    expect(await panel.locator('.lifecycle-now .badge').textContent()).toBe('被代替');
    expect(await panel.textContent()).toContain('被代替: GB 100-2026');
    await page.fill('input[name="asOf"]', '2019-05-01');
    await Promise.all([page.waitForURL(/asOf=2019-05-01/), page.click('form.lifecycle-asof button')]);
    expect(await panel.locator('.lifecycle-now').textContent()).toContain('2019-05-01 的状态');
    expect(await panel.locator('.lifecycle-now .badge').textContent()).toBe('现行');
    await page.screenshot({ path: join(RESULTS, 'lifecycle-asof-zh.png'), fullPage: true });

    await page.goto(`${base}/std/GB-100-2026?asOf=2026-11-25&lang=en`);
    expect(await panel.locator('.lifecycle-now').textContent()).toContain('Status on 2026-11-25');
    expect(await panel.locator('.lifecycle-now .badge').textContent()).toBe('To be implemented');
    await page.screenshot({ path: join(RESULTS, 'lifecycle-asof-en.png'), fullPage: true });
    expect(session.jsErrors).toEqual([]);
  });
});
