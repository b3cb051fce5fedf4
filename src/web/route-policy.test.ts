import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testServices } from '../testing/services.js';
import type { Services } from '../app/container.js';
import { buildServer } from './server.js';

let services: Services & { close(): Promise<void> };
let app: FastifyInstance;

beforeAll(async () => {
  services = await testServices();
  app = await buildServer(services);
  // A route someone forgot to give a policy: it must be refused to everyone, not served.
  app.get('/forgotten', async () => ({ secret: true }));
  app.get('/members-only', { config: { policy: 'signed_in' } }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await services.close();
});

describe('route policy', () => {
  it('refuses a route without a policy (fail closed) and lists it without one in the route table', async () => {
    const res = await app.inject({ method: 'GET', url: '/forgotten', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('secret');
    const entry = app.routeTable.find((r) => r.url === '/forgotten' && r.method === 'GET');
    expect(entry).toBeDefined();
    expect(entry?.policy).toBeUndefined();
  });

  it('answers 401 to anonymous callers of a signed-in route', async () => {
    const res = await app.inject({ method: 'GET', url: '/members-only' });
    expect(res.statusCode).toBe(401);
  });

  it('records a policy for every route the application itself registers', () => {
    const own = app.routeTable.filter((r) => r.url !== '/forgotten');
    expect(own.length).toBeGreaterThan(30);
    expect(own.filter((r) => r.policy === undefined)).toEqual([]);
  });
});
