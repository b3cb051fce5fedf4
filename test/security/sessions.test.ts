import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, cookieSet, createUser, preSession, signIn } from '../../src/testing/auth.js';
import { BODY_LIMIT } from '../../src/web/server.js';
import { securityApp, type SecurityApp } from './app.js';
import { fillPath, routesOf } from './support.js';
import type { Session } from './roles.js';

/** CSRF on every state-changing route, session rotation at sign-in, token revocation, request size limits. */
let services: SecurityApp['services'];
let app: FastifyInstance;
let admin: Session;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ services, app, admin, close } = await securityApp());
});
afterAll(() => close?.());

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const eventCount = async () => Number((await services.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const isCsrfRefusal = (res: { statusCode: number; body: string }) =>
  res.statusCode === 403 && (res.body.includes('"csrf_failed"') || res.body.includes('The form has expired or did not come from this site'));

describe('CSRF', () => {
  it('a session request without or with a wrong token is 403 on every state-changing route, with no effect', async () => {
    const unsafe = routesOf(app).filter((r) => UNSAFE.has(r.method));
    expect(unsafe.length).toBeGreaterThan(10);
    const before = await eventCount();
    const bad: string[] = [];
    for (const r of unsafe)
      for (const [label, token] of [['missing', null], ['wrong', 'x'.repeat(43)], ['empty', '']] as const)
        for (const kind of ['form', 'json', 'header'] as const) {
          const headers: Record<string, string> = { cookie: admin.cookie!, 'accept-language': 'en' };
          let payload: string;
          if (kind === 'json') {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(token === null ? { name: 'x' } : { name: 'x', _csrf: token });
          } else {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = new URLSearchParams(token === null || kind === 'header' ? { name: 'x' } : { name: 'x', _csrf: token }).toString();
            if (kind === 'header' && token !== null) headers['x-csrf-token'] = token;
          }
          const res = await app.inject({ method: r.method as InjectOptions['method'], url: fillPath(r.url), headers, payload });
          if (!isCsrfRefusal(res)) bad.push(`${r.method} ${r.url} (${label} token, ${kind}): ${res.statusCode}`);
        }
    expect(bad).toEqual([]);
    expect(await eventCount()).toBe(before);
    // The right token passes the check (the request then fails or succeeds on its own merits).
    const ok = await app.inject({ method: 'POST', url: '/account', headers: { ...admin.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=' });
    expect(isCsrfRefusal(ok)).toBe(false);
  });

  it('signed-out forms (sign-in, registration, password) refuse a missing or forged pre-session token', async () => {
    const user = await createUser(services, { grants: [{ role: 'user' }] });
    const pre = await preSession(app);
    for (const url of ['/login', '/register', '/password/forgot', '/password/reset']) {
      for (const [cookie, field] of [
        ['', ''],
        [pre.cookie, ''],
        [pre.cookie, 'A'.repeat(43)],
        ['csrf_pre=' + 'B'.repeat(43), 'B'.repeat(42) + 'C'],
      ]) {
        const res = await app.inject({
          method: 'POST',
          url,
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
          payload: new URLSearchParams({ email: user.email, password: user.password, name: 'n', _csrf: field }).toString(),
        });
        expect(isCsrfRefusal(res), `${url} cookie=${cookie.slice(0, 12)} field=${field.slice(0, 4)}`).toBe(true);
        expect(cookieSet(res, 'sid')).toBeUndefined();
      }
    }
  });
});

describe('sessions and tokens', () => {
  it('rotates the session id at sign-in: a planted or earlier session id is not the new one and stops working', async () => {
    const user = await createUser(services, { grants: [{ role: 'user' }] });
    const first = await signIn(app, services, user);
    const pre = await preSession(app);
    const planted = 'attacker-chosen-session-id-aaaaaaaaaaaaaaaaaaaa';
    // Signed in already: the form carries the session's token; with a planted (unknown) id: the pre-session one.
    for (const [old, csrf] of [
      [first.sid, first.csrf],
      [planted, pre.csrf],
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: `sid=${old}; ${pre.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ email: user.email, password: user.password, _csrf: csrf }).toString(),
      });
      expect(res.statusCode).toBe(303);
      const sid = cookieSet(res, 'sid');
      expect(sid).toBeTruthy();
      expect(sid).not.toBe(old);
      expect((await services.auth.authenticate({ cookie: `sid=${sid}`, ip: '127.0.0.1' })).userId).toBe(user.id);
    }
    // The earlier session was replaced, not kept alongside.
    expect((await services.auth.authenticate({ cookie: `sid=${first.sid}`, ip: '127.0.0.1' })).kind).toBe('anonymous');
    expect((await app.inject({ method: 'GET', url: '/account', headers: { cookie: `sid=${first.sid}` } })).statusCode).toBe(401);
  });

  it('a revoked API token stops working on the very next request', async () => {
    const s = await signIn(app, services, [{ role: 'user' }]);
    const token = await apiToken(services, s.userId, ['account.self', 'token.manage', 'watch.manage']);
    const bearer = { authorization: `Bearer ${token}` };
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
    const items = (list.json() as { items?: { id: string }[] }).items ?? (list.json() as { id: string }[]);
    expect(items.length).toBe(1);
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${items[0].id}`, headers: s.headers() });
    expect(del.statusCode).toBeLessThan(300);
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toBe('invalid_token');
    expect((await app.inject({ method: 'GET', url: '/api/v1/search?q=x', headers: bearer })).statusCode).toBe(401);
  });
});

describe('request size limits', () => {
  it('every route that accepts a body answers 413 to a body over BODY_LIMIT, before any handler runs', async () => {
    const unsafe = routesOf(app).filter((r) => UNSAFE.has(r.method));
    const before = await eventCount();
    const big = 'x'.repeat(BODY_LIMIT + 1);
    const bad: string[] = [];
    for (const r of unsafe)
      for (const [type, payload] of [
        ['application/json', JSON.stringify({ name: big })],
        ['application/x-www-form-urlencoded', `name=${big}`],
        ['text/plain', big],
      ] as const)
        for (const headers of [{}, admin.headers]) {
          const res = await app.inject({ method: r.method as InjectOptions['method'], url: fillPath(r.url), headers: { ...headers, 'content-type': type }, payload });
          // text/plain has no parser: 415 is an equally early refusal.
          const okStatus = type === 'text/plain' ? [413, 415] : [413];
          if (!okStatus.includes(res.statusCode)) bad.push(`${r.method} ${r.url} ${type}: ${res.statusCode}`);
        }
    expect(bad).toEqual([]);
    expect(await eventCount()).toBe(before);
    const api = await app.inject({ method: 'POST', url: '/api/v1/watches', headers: { ...admin.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ name: big }) });
    expect(api.json()).toMatchObject({ error: 'payload_too_large' });
  });
});
