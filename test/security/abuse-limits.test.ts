import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/app/container.js';
import { record } from '../../src/catalogue/store.case.js';
import { FakeClock } from '../../src/kernel/clock.js';
import { bucketOfRoute, clientKey } from '../../src/ratelimit/buckets.js';
import { testServices } from '../../src/testing/services.js';
import { apiToken, signIn } from '../../src/testing/auth.js';
import { buildServer } from '../../src/web/server.js';

/**
 * Abuse limits end to end through the server: small configured limits, a FakeClock to cross window boundaries,
 * clients told apart by address (inject's remoteAddress; loopback is exempt by default) or by signed-in user.
 */
let services: Services & { close(): Promise<void> };
let app: FastifyInstance;
const clock = new FakeClock(new Date('2026-11-25T10:00:00Z'));
const STD = 'GB-T-99100-2026';

beforeAll(async () => {
  services = await testServices({ RATE_LIMIT_SEARCH_PER_MIN: 3, RATE_LIMIT_READER_PER_MIN: 4, RATE_LIMIT_DOWNLOADS_PER_HOUR: 2 }, clock);
  await services.catalogue.upsert(record({ id: STD, number: 'GB/T 99100-2026', titles: [{ lang: 'zh', type: 'main', text: '限流' }] }), { actor: 't' });
  app = await buildServer(services);
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

const from = (ip: string, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, remoteAddress: ip, headers });

describe('abuse limits', () => {
  it('maps routes to buckets, including routes added later under the same patterns', () => {
    expect(bucketOfRoute('/search')).toBe('search');
    expect(bucketOfRoute('/api/v1/clauses')).toBe('search');
    expect(bucketOfRoute('/std/:id/read')).toBe('reader');
    expect(bucketOfRoute('/std/:id/clause/:anchor')).toBe('reader');
    expect(bucketOfRoute('/std/:id/clause/*')).toBe('reader');
    expect(bucketOfRoute('/std/:id/download.xml')).toBe('downloads');
    expect(bucketOfRoute('/std/:id/source')).toBe('downloads');
    expect(bucketOfRoute('/std/:id')).toBeNull();
    expect(bucketOfRoute(undefined)).toBeNull();
    // X-Forwarded-For is used only for trusted hops, taken from the right.
    expect(clientKey(null, '10.0.0.1', '6.6.6.6, 203.0.113.9', 1)).toEqual({ key: 'ip:203.0.113.9', ip: '203.0.113.9' });
    expect(clientKey(null, '10.0.0.1', '6.6.6.6', 0)).toEqual({ key: 'ip:10.0.0.1', ip: '10.0.0.1' });
    expect(clientKey('u1', '10.0.0.1', undefined, 0).key).toBe('u:u1');
  });

  it('refuses the search bucket with 429, Retry-After and RateLimit headers; JSON on the API, a page for browsers', async () => {
    const ip = '198.51.100.1';
    const first = await from(ip, '/search?q=x');
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"search";q=3;w=60');
    expect(first.headers['ratelimit']).toBe('"search";r=2;t=60');
    expect((await from(ip, '/api/v1/search?q=x')).statusCode).toBe(200);
    expect((await from(ip, '/search/text?q=x')).statusCode).toBe(200);
    clock.set('2026-11-25T10:00:45Z');
    const api = await from(ip, '/api/v1/search?q=x');
    expect(api.statusCode).toBe(429);
    expect(api.headers['retry-after']).toBe('15');
    expect(api.headers['ratelimit']).toBe('"search";r=0;t=15');
    expect(api.json()).toMatchObject({ error: 'rate_limited', details: { bucket: 'search', limit: 3, windowSeconds: 60, retryAfter: 15 } });
    const page = await from(ip, '/search?q=x', { 'accept-language': 'zh-CN' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('请求过于频繁');
    expect(page.body).toContain('请约 1 分钟后再试');
    const en = await from(ip, '/search?q=x&lang=en');
    expect(en.body).toContain('Too many requests');
    // Another client is not affected; other buckets are separate; pages outside the buckets are never limited.
    expect((await from('198.51.100.2', '/search?q=x')).statusCode).toBe(200);
    expect((await from(ip, `/std/${STD}`)).statusCode).toBe(200);
    // The next window starts afresh.
    clock.set('2026-11-25T10:01:00Z');
    expect((await from(ip, '/search?q=x')).statusCode).toBe(200);
  });

  it('limits the reader per minute and downloads per hour', async () => {
    const ip = '198.51.100.3';
    clock.set('2026-11-25T11:00:00Z');
    for (let i = 0; i < 4; i++) expect((await from(ip, `/std/${STD}/read`)).statusCode, `read ${i}`).not.toBe(429);
    expect((await from(ip, `/std/${STD}/clause/1`)).statusCode).toBe(429);
    expect((await from(ip, `/api/v1/standards/${STD}/text`)).statusCode).toBe(429);
    for (let i = 0; i < 2; i++) expect((await from(ip, `/std/${STD}/download.pdf`)).statusCode).not.toBe(429);
    const dl = await from(ip, `/std/${STD}/source`);
    expect(dl.statusCode).toBe(429);
    expect(dl.headers['ratelimit-policy']).toBe('"downloads";q=2;w=3600');
    expect(dl.headers['retry-after']).toBe('3600');
    clock.set('2026-11-25T11:59:59Z');
    expect((await from(ip, `/std/${STD}/download.html`)).statusCode).toBe(429);
    clock.set('2026-11-25T12:00:00Z');
    expect((await from(ip, `/std/${STD}/download.html`)).statusCode).not.toBe(429);
  });

  it('counts a signed-in person (session or API token) as one client, whatever address they use', async () => {
    clock.set('2026-11-25T14:00:00Z');
    const s = await signIn(app, services, [{ role: 'user' }]);
    const token = await apiToken(services, s.userId, ['account.self']);
    expect((await from('203.0.113.1', '/search?q=a', { cookie: s.cookie })).statusCode).toBe(200);
    expect((await from('203.0.113.2', '/api/v1/search?q=a', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    expect((await from('203.0.113.3', '/search?q=a', { cookie: s.cookie })).statusCode).toBe(200);
    expect((await from('203.0.113.4', '/api/v1/search?q=a', { authorization: `Bearer ${token}` })).statusCode).toBe(429);
    // Anonymous visitors from those addresses still have their own budgets.
    expect((await from('203.0.113.1', '/search?q=a')).statusCode).toBe(200);
  });

  it('exempts loopback by default (local scripts, benchmarks) and can be switched off', async () => {
    clock.set('2026-11-25T13:00:00Z');
    for (let i = 0; i < 10; i++) expect((await from('127.0.0.1', '/search?q=x')).statusCode).toBe(200);
    const off = await testServices({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_SEARCH_PER_MIN: 1 }, clock);
    const offApp = await buildServer(off);
    try {
      for (let i = 0; i < 5; i++) expect((await offApp.inject({ method: 'GET', url: '/api/v1/search?q=x', remoteAddress: '198.51.100.9' })).statusCode).toBe(200);
    } finally {
      await offApp.close();
      await off.close();
    }
  });
});
