import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import { FakeClock } from '../../kernel/clock.js';
import { cookieSet, createUser, preSession, signIn } from '../../testing/auth.js';
import { testServices } from '../../testing/services.js';
import { buildServer } from '../server.js';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' };

describe('registration, verification, password reset and throttling', () => {
  let services: Services & { dir: string };
  let app: FastifyInstance;
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

  beforeAll(async () => {
    services = await testServices({ PUBLIC_URL: 'https://std.example.org' }, clock);
    app = await buildServer(services);
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  const post = async (url: string, fields: Record<string, string>, page = url) => {
    const pre = await preSession(app, page);
    return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: pre.cookie }, payload: form({ ...fields, _csrf: pre.csrf }) });
  };
  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    preSession(app).then((pre) =>
      app.inject({ method: 'POST', url: '/login', headers: { ...FORM, ...headers, cookie: pre.cookie }, payload: form({ email, password, _csrf: pre.csrf }) }),
    );
  const linkIn = async (to: string) => {
    const [mail] = await services.mail.outbox.list({ to });
    const url = /https:\/\/std\.example\.org(\/\S+)/.exec(mail.text)?.[1];
    if (!url) throw new Error(`no link in mail: ${mail.text}`);
    return url;
  };

  it('registers, refuses sign-in until the mailed link is followed, then signs in; cookies are Secure under https', async () => {
    const reg = await post('/register', { email: 'New@Example.org', name: '新用户 <b>', password: 'a good password' });
    expect(reg.statusCode).toBe(303);
    expect(reg.headers.location).toBe('/login?done=registered');
    expect((await login('new@example.org', 'a good password')).statusCode).toBe(403);
    const link = await linkIn('new@example.org');
    expect(link).toMatch(/^\/verify-email\?token=/);
    const ok = await app.inject({ method: 'GET', url: link, headers: { 'accept-language': 'en' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Your e-mail address is verified');
    expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(400); // used once
    const res = await login('new@example.org', 'a good password');
    expect(res.statusCode).toBe(303);
    const sid = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('sid='))!;
    expect(sid).toMatch(/; Secure/);
    const p = await services.accounts.store.findPersonByEmail('new@example.org');
    const verbs = (await services.db.selectFrom('event').select('verb').where('object_id', '=', p!.id).execute()).map((e) => e.verb);
    expect(verbs).toEqual(['person.created', 'email.verified', 'session.signed_in']);
    // The account page shows the name escaped.
    const page = await app.inject({ method: 'GET', url: '/account', headers: { cookie: `sid=${cookieSet(res, 'sid')}` } });
    expect(page.body).toContain('新用户 &lt;b&gt;');
    expect(page.body).not.toContain('新用户 <b>');
  });

  it('refuses a duplicate registration with a message, not an error page', async () => {
    await createUser(services, { email: 'dup@example.org' });
    const res = await post('/register', { email: 'DUP@example.org', name: 'x', password: 'a good password' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('An account with this e-mail address exists');
  });

  it('resets a password from the mailed link and ends every other session of the person', async () => {
    const user = await createUser(services, { email: 'reset@example.org' });
    const s1 = await signIn(app, services, user);
    const forgot = await post('/password/forgot', { email: 'reset@example.org' });
    expect(forgot.statusCode).toBe(303);
    // Unknown addresses get the same answer (no account enumeration) and no mail.
    const unknown = await post('/password/forgot', { email: 'nobody@example.org' }, '/password/forgot');
    expect(unknown.headers.location).toBe(forgot.headers.location);
    expect(await services.mail.outbox.list({ to: 'nobody@example.org' })).toEqual([]);
    const link = await linkIn('reset@example.org');
    const form1 = await app.inject({ method: 'GET', url: link });
    expect(form1.statusCode).toBe(200);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const res = await post('/password/reset', { token, password: 'brand new secret' }, link);
    expect(res.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/account', headers: { cookie: s1.cookie } })).statusCode).toBe(401);
    expect((await login('reset@example.org', user.password)).statusCode).toBe(401);
    expect((await login('reset@example.org', 'brand new secret')).statusCode).toBe(303);
    expect((await post('/password/reset', { token, password: 'another secret!' }, link)).statusCode).toBe(400); // once
    const ev = await services.db.selectFrom('event').selectAll().where('verb', '=', 'password.reset').where('object_id', '=', user.id).execute();
    expect(ev).toHaveLength(1);
    expect(ev[0].actor).toBe(`user:${user.id}`);
  });

  it('expires reset links after an hour (FakeClock)', async () => {
    const start = clock.now();
    try {
      await createUser(services, { email: 'late@example.org' });
      await post('/password/forgot', { email: 'late@example.org' });
      const link = await linkIn('late@example.org');
      clock.set(new Date(start.getTime() + 61 * 60_000));
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      expect((await post('/password/reset', { token, password: 'brand new secret' }, link)).statusCode).toBe(400);
    } finally {
      clock.set(start);
    }
  });

  it('throttles sign-in per address: 429 with a retry time, even for the right password, until the delay passes', async () => {
    const start = clock.now();
    try {
      const user = await createUser(services, { email: 'slow@example.org' });
      await services.db.deleteFrom('login_throttle').execute(); // earlier tests' failures from this client
      for (let i = 0; i < 5; i++) expect((await login(user.email, 'wrong password')).statusCode).toBe(401);
      const locked = await login(user.email, user.password);
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['retry-after']).toBe('60');
      expect(locked.body).toContain('Try again after 2026-11-25 00:01:00 UTC');
      expect(cookieSet(locked, 'sid')).toBeUndefined();
      clock.set(new Date(start.getTime() + 61_000));
      expect((await login(user.email, user.password)).statusCode).toBe(303);
    } finally {
      clock.set(start);
      await services.db.deleteFrom('login_throttle').execute();
    }
  });

  it('throttles sign-in per client address across different e-mail addresses', async () => {
    const start = clock.now();
    try {
      const user = await createUser(services);
      // Another address from the same client (app.inject uses 127.0.0.1) has been failing.
      await services.db.deleteFrom('login_throttle').execute();
      for (let i = 0; i < 5; i++) expect((await login(`nobody${i}@example.org`, 'x-wrong-pass')).statusCode).toBe(401);
      expect((await login(user.email, user.password)).statusCode).toBe(429);
      clock.set(new Date(start.getTime() + 61_000));
      expect((await login(user.email, user.password)).statusCode).toBe(303);
    } finally {
      clock.set(start);
      await services.db.deleteFrom('login_throttle').execute();
    }
  });
});
