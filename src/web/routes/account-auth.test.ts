import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import { FakeClock } from '../../kernel/clock.js';
import { apiToken, cookieSet, createUser, preSession, signIn } from '../../testing/auth.js';
import { testServices } from '../../testing/services.js';
import { buildServer } from '../server.js';

const SAC_EDITOR = [{ role: 'editor' as const, scope: { kind: 'publisher' as const, id: 'SAC' } }];
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('sign-in, sessions, CSRF and tokens over HTTP', () => {
  let services: Services & { dir: string };
  let app: FastifyInstance;
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

  beforeAll(async () => {
    services = await testServices({}, clock);
    app = await buildServer(services);
    // Probe routes: one needing standard.edit, one any signed-in principal may POST to.
    app.post('/_probe/edit', { config: { policy: { action: 'standard.edit' } } }, async () => ({ ok: true }));
    app.post('/_probe/any', { config: { policy: 'signed_in' } }, async () => ({ ok: true }));
    app.get('/_probe/who', { config: { policy: 'public' } }, async (req) => ({ kind: req.principal.kind, userId: req.principal.userId }));
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  const who = async (cookie?: string) => (await app.inject({ method: 'GET', url: '/_probe/who', headers: cookie ? { cookie } : {} })).json();

  it('signs in through the form; the session cookie is httpOnly, SameSite=Lax, Path=/', async () => {
    const user = await createUser(services, { grants: SAC_EDITOR });
    const pre = await preSession(app);
    const res = await app.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: pre.cookie }, payload: form({ email: user.email.toUpperCase(), password: user.password, _csrf: pre.csrf }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('sid='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    expect(await who(`sid=${cookieSet(res, 'sid')}`)).toEqual({ kind: 'user', userId: user.id });
  });

  it('rotates the session id at sign-in: the old cookie no longer authenticates', async () => {
    const s = await signIn(app, services, SAC_EDITOR);
    const user = await services.accounts.store.getPerson(s.userId);
    const pre = await preSession(app);
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, cookie: `${pre.cookie}; ${s.cookie}`, 'x-csrf-token': s.csrf },
      payload: form({ email: user!.email, password: s.password, _csrf: s.csrf }),
    });
    expect(res.statusCode).toBe(303);
    const fresh = cookieSet(res, 'sid')!;
    expect(fresh).not.toBe(s.sid);
    expect((await who(s.cookie)).kind).toBe('anonymous');
    expect((await who(`sid=${fresh}`)).kind).toBe('user');
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const s = await signIn(app, services, []);
    const res = await app.inject({ method: 'POST', url: '/logout', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.csrf }) });
    expect(res.statusCode).toBe(303);
    expect(cookieSet(res, 'sid')).toBe('');
    expect((await who(s.cookie)).kind).toBe('anonymous');
    const events = await services.db.selectFrom('event').select('verb').where('object_id', '=', s.userId).execute();
    expect(events.map((e) => e.verb)).toEqual(expect.arrayContaining(['person.created', 'session.signed_in', 'session.signed_out']));
  });

  it('expires sessions after idle time and after the absolute maximum (FakeClock)', async () => {
    const start = clock.now();
    try {
      const s = await signIn(app, services, []);
      clock.set(new Date(start.getTime() + (services.config.SESSION_IDLE_MINUTES - 1) * 60_000));
      expect((await who(s.cookie)).kind).toBe('user');
      clock.set(new Date(start.getTime() + (2 * services.config.SESSION_IDLE_MINUTES - 2) * 60_000));
      expect((await who(s.cookie)).kind).toBe('user'); // the request above renewed the idle window
      clock.set(new Date(start.getTime() + (3 * services.config.SESSION_IDLE_MINUTES + 1) * 60_000));
      expect((await who(s.cookie)).kind).toBe('anonymous');

      clock.set(start);
      const t = await signIn(app, services, []);
      const day = 24 * 60 * 60_000;
      // Active every hour (never idle) but past SESSION_MAX_DAYS: ends.
      let at = start.getTime();
      const end = start.getTime() + services.config.SESSION_MAX_DAYS * day;
      while (at < end - 60 * 60_000) {
        at += 60 * 60_000;
        clock.set(new Date(at));
        expect((await who(t.cookie)).kind).toBe('user');
      }
      clock.set(new Date(end + 1000));
      expect((await who(t.cookie)).kind).toBe('anonymous');
    } finally {
      clock.set(start);
    }
  });

  it('refuses a session POST without or with a wrong CSRF token (403), accepts the right one', async () => {
    const s = await signIn(app, services, []);
    const none = await app.inject({ method: 'POST', url: '/_probe/any', headers: { cookie: s.cookie, 'accept-language': 'en' } });
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('The form has expired');
    const api = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: s.cookie }, payload: {} });
    expect(api.json().error).toBe('csrf_failed');
    const wrong = await app.inject({ method: 'POST', url: '/_probe/any', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.statusCode).toBe(403);
    const wrongField = await app.inject({ method: 'POST', url: '/_probe/any', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: 'nope' }) });
    expect(wrongField.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/_probe/any', headers: s.headers() })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/_probe/any', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.csrf }) })).statusCode).toBe(200);
  });

  it('blocks login CSRF: a sign-in post without the pre-session cookie+field pair is refused', async () => {
    const user = await createUser(services);
    const noToken = await app.inject({ method: 'POST', url: '/login', headers: FORM, payload: form({ email: user.email, password: user.password }) });
    expect(noToken.statusCode).toBe(403);
    expect(cookieSet(noToken, 'sid')).toBeUndefined();
    const pre = await preSession(app);
    const fieldOnly = await app.inject({ method: 'POST', url: '/login', headers: FORM, payload: form({ email: user.email, password: user.password, _csrf: pre.csrf }) });
    expect(fieldOnly.statusCode).toBe(403);
    const mismatch = await app.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: pre.cookie }, payload: form({ email: user.email, password: user.password, _csrf: 'a'.repeat(43) }) });
    expect(mismatch.statusCode).toBe(403);
  });

  it('only follows same-site relative ?next= paths', async () => {
    const user = await createUser(services);
    for (const [next, expected] of [
      ['/std/GB-1-2000', '/std/GB-1-2000'],
      ['//evil.example/x', '/account'],
      ['https://evil.example/', '/account'],
      ['/\\evil.example', '/account'],
    ]) {
      const pre = await preSession(app);
      const res = await app.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: pre.cookie }, payload: form({ email: user.email, password: user.password, _csrf: pre.csrf, next }) });
      expect(res.headers.location, next).toBe(expected);
    }
  });

  it('scopes API tokens: a token without standard.edit cannot call a route needing it even though its owner can', async () => {
    const user = await createUser(services, { grants: SAC_EDITOR });
    const narrow = await apiToken(services, user.id, ['account.self']);
    const wide = await apiToken(services, user.id, ['standard.edit']);
    expect(narrow).toMatch(/^sth_/);
    const call = (token: string) => app.inject({ method: 'POST', url: '/_probe/edit', headers: { authorization: `Bearer ${token}` } });
    expect((await call(narrow)).statusCode).toBe(403);
    expect((await call(wide)).statusCode).toBe(200); // no CSRF token needed with a bearer token
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${narrow}` } });
    expect(me.json()).toMatchObject({ id: user.id, via: 'token', tokenScopes: ['account.self'] });
    // A token cannot be scoped to an action its owner lacks.
    await expect(apiToken(services, user.id, ['account.manage'])).rejects.toThrow(/only carry actions/);
  });

  it('refuses expired and revoked tokens with 401 invalid_token (revocation effective on the next request)', async () => {
    const start = clock.now();
    try {
      const user = await createUser(services, { grants: SAC_EDITOR });
      const token = await apiToken(services, user.id, ['standard.edit', 'token.manage'], { expiresInDays: 1 });
      const h = { authorization: `Bearer ${token}` };
      expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: h })).statusCode).toBe(200);
      clock.set(new Date(start.getTime() + 24 * 60 * 60_000 + 1000));
      const expired = await app.inject({ method: 'GET', url: '/api/v1/me', headers: h });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error).toBe('invalid_token');
      clock.set(start);

      const t2 = await apiToken(services, user.id, ['token.manage']);
      const h2 = { authorization: `Bearer ${t2}` };
      const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: h2 });
      const id = list.json().items.find((x: { prefix: string; revokedAt: string | null; expiresAt: string; scopes: string[] }) => t2.startsWith(x.prefix) && x.revokedAt === null && x.expiresAt > start.toISOString() && x.scopes.length === 1).id;
      const del = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: h2 });
      expect(del.statusCode).toBe(200);
      expect(del.json().revokedAt).toBe(start.toISOString());
      const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: h2 });
      expect(after.statusCode).toBe(401);
      expect(after.json().error).toBe('invalid_token');
      expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer sth_unknown' } })).statusCode).toBe(401);
    } finally {
      clock.set(start);
    }
  });

  it('creates, lists and revokes tokens through the API with a session (CSRF header required)', async () => {
    const s = await signIn(app, services, SAC_EDITOR);
    const payload = { name: 'ci', scopes: ['standard.edit'], expiresInDays: 7 };
    expect((await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: s.cookie }, payload })).statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers(), payload });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^sth_/);
    const over = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers(), payload: { ...payload, scopes: ['org.manage'] } });
    expect(over.statusCode).toBe(403);
    const events = await services.db.selectFrom('event').selectAll().where('verb', '=', 'token.created').where('object_id', '=', body.id).execute();
    expect(events).toHaveLength(1);
    expect(events[0].actor).toBe(`user:${s.userId}`);
    expect(events[0].after).not.toContain(body.token);
    expect(events[0].after).not.toContain(body.token.slice(10));
  });
});
