import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiToken, signIn, type SignedInSession } from '../../testing/auth.js';
import { testServices } from '../../testing/services.js';
import { seedWeb } from '../seed.case.js';
import { buildServer } from '../server.js';
import { verifySignature } from '../../webhooks/sign.js';

/** The alerts pages and API in-process (app.inject): forms post and redirect, CSRF enforced, people see only their own. */
let services: Awaited<ReturnType<typeof testServices>>;
let app: FastifyInstance;
let me: SignedInSession;
let other: SignedInSession;

const form = (s: SignedInSession, fields: Record<string, string>, csrf = true) => ({
  headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ ...fields, ...(csrf ? { _csrf: s.csrf } : {}) }).toString(),
});

beforeAll(async () => {
  services = await testServices({ WEBHOOK_ALLOW_PRIVATE: true, PUBLIC_URL: 'https://stdhub.example', ALERTS_MAIL_DEFAULT: 'immediate' });
  await seedWeb(services);
  app = await buildServer(services);
  me = await signIn(app, services, [{ role: 'user' }]);
  other = await signIn(app, services, [{ role: 'user' }]);
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

describe('alerts web pages', () => {
  it('anonymous: the standard page offers sign-in, the alert pages answer 401', async () => {
    const page = await app.inject({ url: '/std/GB-12955-2024?lang=en' });
    expect(page.body).toContain('Sign in to follow this standard');
    expect((await app.inject({ url: '/watch' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/notifications' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/watch', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'kind=standard&target=GB-12955-2024' })).statusCode).toBe(401);
  });

  it('follow from the standard page (POST → 303), refused without the CSRF token, unfollow', async () => {
    const page = await app.inject({ url: '/std/GB-12955-2008?lang=en', headers: { cookie: me.cookie } });
    expect(page.body).toContain('action="/watch"');
    expect(page.body).toContain(`name="_csrf" value="${me.csrf}"`);
    expect((await app.inject({ method: 'POST', url: '/watch', ...form(me, { kind: 'standard', target: 'GB-12955-2008' }, false) })).statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/watch', ...form(me, { kind: 'standard', target: 'GB-12955-2008', next: '/std/GB-12955-2008' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/std/GB-12955-2008?done=followed');
    const after = await app.inject({ url: '/std/GB-12955-2008?lang=en', headers: { cookie: me.cookie } });
    expect(after.body).toContain('You follow this standard.');
    expect(after.body).toContain('Followers: 1');
    // An open redirect through `next` is not possible.
    const evil = await app.inject({ method: 'POST', url: '/watch', ...form(me, { kind: 'ics', target: '13.220', next: '//evil.example/' }) });
    expect(evil.headers.location).toBe('/watch?done=followed');
    const list = await app.inject({ url: '/watch?lang=en', headers: { cookie: me.cookie } });
    expect(list.body).toContain('GB-12955-2008');
    expect(list.body).toContain('13.220');
    const bad = await app.inject({ method: 'POST', url: '/watch', ...form(me, { kind: 'standard', target: 'GB 99999-1999' }) });
    expect(bad.headers.location).toBe('/watch?error=standard_not_found');
    // Someone else cannot remove my watch.
    const id = /action="\/watch\/([0-9a-f-]{36})\/delete"/.exec(list.body)![1];
    const theirs = await app.inject({ method: 'POST', url: `/watch/${id}/delete`, ...form(other, {}) });
    expect(theirs.headers.location).toBe('/watch?error=not_found');
  });

  it('a change reaches /notifications, the private Atom feed and mail; mark read; rotate the feed', async () => {
    const old = (await services.catalogue.get('GB-12955-2008'))!;
    await services.catalogue.upsert({ ...old, status: 'abolished' }, { actor: 'importer:test' });
    await services.alerts.runAll();
    const page = await app.inject({ url: '/notifications?lang=en', headers: { cookie: me.cookie } });
    expect(page.body).toContain('GB 12955-2008: Abolished');
    expect(page.body).toContain('Unread: 1');
    expect((await app.inject({ url: '/notifications?lang=en', headers: { cookie: other.cookie } })).body).toContain('No notifications yet.');
    const read = await app.inject({ method: 'POST', url: '/notifications/read', ...form(me, {}) });
    expect(read.statusCode).toBe(303);
    expect((await app.inject({ url: '/notifications?lang=en', headers: { cookie: me.cookie } })).body).toContain('Unread: 0');

    const settings = await app.inject({ url: '/account/alerts?lang=en', headers: { cookie: me.cookie } });
    const feed = /https:\/\/stdhub\.example(\/feeds\/notifications\/[A-Za-z0-9_-]{43}\.atom)/.exec(settings.body)![1];
    const atom = await app.inject({ url: `${feed}?lang=en` });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<title>GB 12955-2008: Abolished</title>');
    expect((await app.inject({ method: 'POST', url: '/account/alerts/feed/rotate', ...form(me, {}) })).statusCode).toBe(303);
    expect((await app.inject({ url: feed })).statusCode).toBe(404);

    // Mail (outbox adapter): immediate by configuration here, with the one-click headers.
    const mails = await services.db.selectFrom('mail_outbox').selectAll().execute();
    const alertMail = mails.find((m) => JSON.stringify(m).includes('List-Unsubscribe'));
    expect(alertMail).toBeDefined();
  });

  it('one-click unsubscribe: GET asks, POST (mail client, no cookie, even multipart) turns mail off', async () => {
    await services.alerts.setMailMode({ kind: 'user', userId: me.userId, name: '', grants: [{ role: 'user' }] }, 'daily', 'en');
    const pref = await services.alerts.store.mailPref(me.userId, 'daily');
    const { deriveToken } = await import('../../alerts/tokens.js');
    const token = deriveToken(await services.alerts.store.secret(), 'unsubscribe', me.userId, pref.unsubscribeGeneration);
    const get = await app.inject({ url: `/unsubscribe/${token}?lang=en` });
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('Stop all alert e-mails');
    expect((await services.alerts.store.mailPref(me.userId, 'daily')).mode).toBe('daily'); // GET changes nothing
    const post = await app.inject({ method: 'POST', url: `/unsubscribe/${token}?lang=en`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('You will receive no more alert e-mails.');
    expect((await services.alerts.store.mailPref(me.userId, 'daily')).mode).toBe('off');
    const multipart = await app.inject({
      method: 'POST',
      url: `/unsubscribe/${token}`,
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: '--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--xyz--\r\n',
    });
    expect(multipart.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/unsubscribe/${'x'.repeat(43)}` })).statusCode).toBe(404);
  });

  it('webhooks: create (SSRF-checked), secret shown, delivery log lists each attempt; others get 404', async () => {
    const got: { body: string; sig: string }[] = [];
    const statuses = [500, 200];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ body, sig: String(req.headers['x-stdhub-signature']) });
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect((await app.inject({ method: 'POST', url: '/account/webhooks', ...form(me, { url: 'ftp://x.example/' }) })).headers.location).toBe('/account/webhooks?error=webhook_url');
      const created = await app.inject({ method: 'POST', url: '/account/webhooks', ...form(me, { url }) });
      expect(created.statusCode).toBe(303);
      const path = created.headers.location!.replace(/\?.*/, '');
      const detail = await app.inject({ url: `${path}?lang=en`, headers: { cookie: me.cookie } });
      const secret = /<code class="secret">([^<]+)<\/code>/.exec(detail.body)![1];
      expect((await app.inject({ url: path, headers: { cookie: other.cookie } })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: `${path}/ping`, ...form(me, {}) })).statusCode).toBe(303);
      await services.alerts.runDeliveries();
      const clock = services.clock as unknown as { set(t: Date): void };
      clock.set(new Date(services.clock.now().getTime() + 30_000));
      await services.alerts.runDeliveries();
      expect(got).toHaveLength(2);
      for (const g of got) expect(verifySignature(secret, g.body, g.sig)).toBe(true);
      const log = await app.inject({ url: `${path}?lang=en`, headers: { cookie: me.cookie } });
      expect(log.body.match(/<tr class="attempt /g)).toHaveLength(2);
      expect(log.body).toContain('Failed, will retry');
      expect(log.body).toContain('Delivered');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('alerts API', () => {
  it('watches, notifications and webhooks with a watch.manage token; other scopes are refused', async () => {
    const token = await apiToken(services, other.userId, ['watch.manage']);
    const auth = { authorization: `Bearer ${token}` };
    const created = await app.inject({ method: 'POST', url: '/api/v1/watches', headers: auth, payload: { kind: 'standard', target: 'GB 12955-2024' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().watch).toMatchObject({ kind: 'standard', target: 'GB-12955-2024' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/watches', headers: auth, payload: { kind: 'standard', target: 'GB 12955-2024' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/watches', headers: auth, payload: { kind: 'nope', target: 'x' } })).json().error).toBe('invalid_input');
    const list = await app.inject({ url: '/api/v1/watches', headers: auth });
    expect(list.json().items).toHaveLength(1);
    expect((await app.inject({ url: '/api/v1/notifications', headers: auth })).json()).toMatchObject({ unread: 0, items: [] });
    const hook = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth, payload: { url: 'https://hooks.example.org/x' } });
    expect(hook.statusCode).toBe(201);
    expect(hook.json().webhook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth, payload: { url: 'https://hooks.example.org/x' } });
    expect([again.statusCode, again.json().webhook.id]).toEqual([200, hook.json().webhook.id]);
    expect((await app.inject({ url: '/api/v1/webhooks', headers: auth })).json().items[0].secret).toBeUndefined();
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/watches/${created.json().watch.id}`, headers: auth })).json()).toEqual({ deleted: true });
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/watches/${created.json().watch.id}`, headers: auth })).statusCode).toBe(404);
    const narrow = await apiToken(services, other.userId, ['token.manage']);
    expect((await app.inject({ url: '/api/v1/watches', headers: { authorization: `Bearer ${narrow}` } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/watches' })).statusCode).toBe(401);
  });
});
