import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandardRecord } from '../../src/catalogue/model.js';
import { FakeClock } from '../../src/kernel/clock.js';
import { createUser, principalFor } from '../../src/testing/auth.js';
import { testServices } from '../../src/testing/services.js';
import { seedWeb } from '../../src/web/seed.case.js';
import { buildServer } from '../../src/web/server.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/webhooks/sign.js';
import { CHROMIUM, RESULTS, openBrowserSession, type BrowserSession } from './browser.js';

/**
 * Watch lists in a real browser (Debian chromium + playwright-core): a reader signs in and follows a standard on
 * its page; an editor publishes an approval bulletin whose revision replaces it (the bulletins domain's publish
 * use case: lifecycle facts, relations, events in one transaction); the scheduled jobs run (the scheduler's
 * runDue: lifecycle transition, then the alerts fan-out); the reader sees the notification, finds the watch moved
 * to the successor, and reads the private Atom feed.
 */

const base = { contributors: [], abstracts: [], links: [], keywords: [], dates: [] };
const OLD: StandardRecord = {
  ...base,
  id: 'GB-T-31000-2015',
  identifiers: [{ type: 'GB', value: 'GB/T 31000-2015', primary: true }],
  body: 'SAC',
  docType: 'standard',
  nature: 'recommended',
  titles: [
    { lang: 'zh', type: 'main', text: '社会治安综合治理基础数据规范' },
    { lang: 'en', type: 'main', text: 'Specification for basic data of public security' },
  ],
  status: 'current',
  year: 2015,
  classifications: [{ scheme: 'ics', code: '13.310' }],
  relations: [],
  source: { importer: 'e2e', ref: 'alerts' },
};
const NEW: StandardRecord = {
  ...OLD,
  id: 'GB-T-31000-2026',
  identifiers: [{ type: 'GB', value: 'GB/T 31000-2026', primary: true }],
  status: 'to-be-implemented',
  year: 2026,
};

describe.skipIf(!existsSync(CHROMIUM))('alerts e2e in Chromium', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  let page: Page;
  let session: BrowserSession;
  let baseUrl: string;

  beforeAll(async () => {
    // JOBS=off: the test drives the scheduler itself (runDue) instead of the timer started on listen.
    services = await testServices({ JOBS: 'off', WEBHOOK_ALLOW_PRIVATE: true }, new FakeClock(new Date('2026-11-25T08:00:00Z')));
    await seedWeb(services);
    await services.catalogue.upsert(OLD, { actor: 'importer:e2e' });
    await services.catalogue.upsert(NEW, { actor: 'importer:e2e' });
    app = await buildServer(services);
    session = await openBrowserSession(app);
    ({ page, base: baseUrl } = session);
  });

  afterAll(async () => {
    await session?.close();
    await app?.close();
    await services?.close();
  });

  it('follows a standard, sees its replacement by bulletin, finds the watch on the successor, reads the feed', async () => {
    const reader = await createUser(services, { email: 'reader@example.org', grants: [{ role: 'user' }] });
    const editor = await createUser(services, { email: 'editor@example.org', grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] });

    // Sign in through the real form, then follow the standard from its page.
    await page.goto(`${baseUrl}/login`);
    await page.fill('input[name="email"]', reader.email);
    await page.fill('input[name="password"]', reader.password);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
    await page.goto(`${baseUrl}/std/GB-T-31000-2015`);
    expect(await page.textContent('section.alerts-panel')).toContain('关注人数：0');
    await Promise.all([page.waitForURL(/done=followed/), page.click('section.alerts-panel button[type="submit"]')]);
    expect(await page.textContent('section.alerts-panel')).toContain('您已关注此标准。');
    expect(await page.textContent('section.alerts-panel')).toContain('关注人数：1');
    await page.screenshot({ path: join(RESULTS, 'alerts-followed-zh.png'), fullPage: true });

    // An editor of SAC publishes bulletin 2026-30: GB/T 31000-2026 replaces GB/T 31000-2015 from today.
    const ed = await principalFor(services, editor.id);
    const b = await services.bulletins.create(ed, { publisher: 'SAC', number: 30, year: 2026, date: '2026-11-20', issuingBodies: [{ zh: '国家市场监督管理总局' }], titleZh: '2026年第30号国家标准公告' });
    const added = await services.bulletins.addItems(ed, b.id, [
      { item: { kind: 'revision', number: 'GB/T 31000-2026', replaces: ['GB/T 31000-2015'], releaseDate: '2026-11-20', implementationDate: '2026-11-25' } },
    ]);
    expect(added.problems).toEqual([]);
    await services.bulletins.publish(ed, b.id, (await services.bulletins.draft(ed, b.id)).version);

    // The scheduled jobs as the scheduler runs them (lifecycle transitions, then the alerts fan-out, mail, webhooks).
    const outcomes = await services.jobs.runDue(services.clock.now());
    expect(outcomes.filter((o) => o.name.startsWith('alerts.')).map((o) => o.result)).toEqual(['ran', 'ran', 'ran']);
    expect((await services.catalogue.get('GB-T-31000-2015'))!.status).toBe('replaced');

    // The notifications page says what happened, and that the watch moved.
    await page.goto(`${baseUrl}/notifications`);
    const notes = await page.textContent('ol.notifications');
    expect(notes).toContain('GB/T 31000-2015 已被 GB/T 31000-2026 代替');
    expect(notes).toContain('您对 GB/T 31000-2015 的关注已转到其代替标准 GB/T 31000-2026');
    expect(notes).toContain('GB/T 31000-2015 将自 2026-11-25 起被 GB/T 31000-2026 代替（');
    await page.screenshot({ path: join(RESULTS, 'alerts-notifications-zh.png'), fullPage: true });

    // The watch list now shows the successor, and says where it came from.
    await page.click('nav.tabs a[href="/watch"]');
    await page.waitForURL(/\/watch$/);
    const watches = await page.textContent('table.alerts-watches');
    expect(watches).toContain('GB-T-31000-2026');
    expect(watches).toContain('由被其代替的 GB-T-31000-2015 转来');
    await page.goto(`${baseUrl}/std/GB-T-31000-2026?lang=en`);
    expect(await page.textContent('section.alerts-panel')).toContain('You follow this standard.');
    await page.goto(`${baseUrl}/std/GB-T-31000-2015?lang=en`);
    expect(await page.textContent('section.alerts-panel')).toContain('Follow');
    expect(await page.textContent('section.alerts-panel')).toContain('Followers: 0');

    // Mark everything read (POST → 303) and read the private Atom feed.
    await page.goto(`${baseUrl}/notifications?lang=en`);
    await Promise.all([page.waitForURL(/done=read/), page.click('form[action="/notifications/read"] button')]);
    expect(await page.textContent('main')).toContain('Unread: 0');
    await page.goto(`${baseUrl}/account/alerts`);
    const feedUrl = (await page.getAttribute('a.feed-url', 'href'))!;
    expect(feedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/feeds\/notifications\/[A-Za-z0-9_-]{43}\.atom$/);
    const feed = await page.request.get(`${feedUrl}?lang=en`, { headers: { cookie: '' } });
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toContain('application/atom+xml');
    const titles: string[] = [];
    let depth = 0;
    let inEntryTitle = false;
    const parser = new SaxesParser({ xmlns: true });
    parser.on('opentag', (t) => {
      depth++;
      inEntryTitle = depth === 3 && t.local === 'title';
    });
    parser.on('text', (x) => {
      if (inEntryTitle) titles.push(x);
    });
    parser.on('closetag', () => {
      depth--;
      inEntryTitle = false;
    });
    parser.write(await feed.text()).close();
    expect(titles).toContain('GB/T 31000-2015 was replaced by GB/T 31000-2026');
    expect(titles).toContain('Your watch on GB/T 31000-2015 now follows its successor GB/T 31000-2026');
    expect(session.jsErrors).toEqual([]);
  });

  it('adds a webhook in the browser; the delivery log shows each attempt (500, then 200 after the backoff)', async () => {
    const got: { body: string; sig: string }[] = [];
    const statuses = [500, 200];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ body, sig: String(req.headers['x-stdhub-signature']) });
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/stdhub`;
      await page.goto(`${baseUrl}/account/webhooks?lang=en`);
      await page.fill('input[name="url"]', hookUrl);
      await Promise.all([page.waitForURL(/\/account\/webhooks\/[0-9a-f-]{36}\?done=created/), page.click('form[action="/account/webhooks"] button')]);
      const secret = (await page.textContent('code.secret'))!;
      await Promise.all([page.waitForURL(/done=queued/), page.click('form[action$="/ping"] button')]);
      const t0 = services.clock.now().getTime();
      await services.alerts.runDeliveries(new Date(t0));
      await services.alerts.runDeliveries(new Date(t0 + 30_000));
      await page.reload();
      const rows = await page.locator('table.deliveries tbody tr').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toContain('Delivered');
      expect(rows[0]).toContain('200');
      expect(rows[1]).toContain('Failed, will retry');
      expect(rows[1]).toContain('500');
      expect(got).toHaveLength(2);
      for (const g of got) expect(verifySignature(secret, g.body, g.sig)).toBe(true);
      await page.screenshot({ path: join(RESULTS, 'alerts-webhook-log-en.png'), fullPage: true });
      expect(session.jsErrors).toEqual([]);
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});
