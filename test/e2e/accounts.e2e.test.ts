import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/app/container.js';
import { createUser } from '../../src/testing/auth.js';
import { testServices } from '../../src/testing/services.js';
import { buildServer } from '../../src/web/server.js';
import { HAS_CHROMIUM, RESULTS, openBrowserSession, type BrowserSession } from './browser.js';

/**
 * Accounts in a real browser (no JavaScript on the site): register in Chinese, follow the mailed verification
 * link from the outbox, sign in, see the header's user menu, create an API token shown once, sign out with the
 * header's POST button; a second person's sign-in is throttled after repeated failures.
 */
describe.skipIf(!HAS_CHROMIUM)('accounts in Chromium', () => {
  let services: Services & { dir: string };
  let app: FastifyInstance;
  let b: BrowserSession;

  beforeAll(async () => {
    services = await testServices();
    app = await buildServer(services);
    b = await openBrowserSession(app, { locale: 'zh-CN' });
  });
  afterAll(async () => {
    await b?.close();
    await app?.close();
    await services?.close();
  });

  it('registers, verifies, signs in, creates a token and signs out', async () => {
    const { page, base } = b;
    await page.goto(`${base}/register`);
    await page.fill('input[name="name"]', '张三 <b>');
    await page.fill('input[name="email"]', 'zhang@example.org');
    await page.fill('input[name="password"]', 'a good password');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/register"] button[type="submit"]')]);
    expect(await page.textContent('main')).toContain('我们已向您的邮箱发送验证链接');

    const [mail] = await services.mail.outbox.list({ to: 'zhang@example.org' });
    const link = /http:\/\/localhost:\d+(\/verify-email\?token=\S+)/.exec(mail.text)![1];
    await page.goto(`${base}${link}`);
    expect(await page.textContent('main')).toContain('您的电子邮箱已验证');

    await page.goto(`${base}/login?next=/stats`);
    await page.fill('input[name="email"]', 'zhang@example.org');
    await page.fill('input[name="password"]', 'a good password');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
    expect(new URL(page.url()).pathname).toBe('/stats');
    expect(await page.textContent('.usermenu .who')).toBe('张三 <b>');
    const sid = (await b.context.cookies()).find((c) => c.name === 'sid')!;
    expect(sid.httpOnly).toBe(true);
    expect(sid.sameSite).toBe('Lax');

    await page.goto(`${base}/account/tokens`);
    await page.fill('input[name="name"]', 'ci');
    await page.check('input[name="scopes"][value="watch.manage"]');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/account/tokens"] button[type="submit"]')]);
    const token = (await page.textContent('code.token'))!;
    expect(token).toMatch(/^sth_/);
    await page.screenshot({ path: `${RESULTS}/accounts-token.png`, fullPage: true });
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ email: 'zhang@example.org', tokenScopes: ['watch.manage'] });
    await page.reload(); // a reload re-posts nothing: the token is not shown again
    await page.goto(`${base}/account/tokens`);
    expect(await page.locator('code.token').count()).toBe(0);

    await Promise.all([page.waitForNavigation(), page.click('form.signout button')]);
    expect(await page.textContent('main')).toContain('您已退出登录');
    expect(await page.locator('.usermenu a[href^="/login"]').count()).toBe(1);
    expect(b.jsErrors).toEqual([]);
  });

  it('shows when to retry after repeated failed sign-ins', async () => {
    const { page, base } = b;
    const user = await createUser(services, { email: 'li@example.org' });
    for (let i = 0; i < 5; i++) {
      await page.goto(`${base}/login?lang=en`);
      await page.fill('input[name="email"]', user.email);
      await page.fill('input[name="password"]', 'wrong password');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
    }
    await page.fill('input[name="password"]', user.password);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
    expect(await page.textContent('.form-errors')).toMatch(/Too many failed sign-in attempts\. Try again after 2026-11-25 00:01:00 UTC/);
    // Chromium logs the 401/429 answers of the refused sign-ins as console errors; nothing else may appear.
    expect(b.jsErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|429)/.test(e))).toEqual([]);
  });
});
