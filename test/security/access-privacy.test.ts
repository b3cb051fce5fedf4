import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/app/container.js';
import { testServices } from '../../src/testing/services.js';
import { buildServer } from '../../src/web/server.js';
import { signInAs, type Session } from './roles.js';
import { seedStandard, SEEDED } from './support.js';

/**
 * Who opened a restricted text is audit data (src/reader/disclosure.ts records 'text.accessed'): administrators
 * and the publisher's editors see it in the audit log; no public surface — the standard page, its History tab,
 * the public history API — may show that it happened or who it was.
 */
let services: Services & { close(): Promise<void> };
let app: FastifyInstance;
let admin: Session;
const READER = 'user:restricted-reader-42';

beforeAll(async () => {
  services = await testServices({ RATE_LIMIT_ENABLED: 'false' });
  await seedStandard(services);
  // The event exactly as assertTextVisible() writes it.
  await services.db
    .insertInto('event')
    .values({ at: '2026-11-25T01:00:00.000Z', actor: READER, verb: 'text.accessed', object_type: 'standard', object_id: SEEDED.id, before: null, after: JSON.stringify({ what: 'read' }) })
    .execute();
  app = await buildServer(services);
  admin = await signInAs(app, services, 'admin');
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

describe('access to restricted texts stays out of public pages', () => {
  for (const url of [`/std/${SEEDED.id}?lang=en`, `/std/${SEEDED.id}/history?lang=en`, `/api/v1/standards/${SEEDED.id}/history`, `/api/v1/standards/${SEEDED.id}`])
    it(`${url} does not show text.accessed events`, async () => {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain('text.accessed');
      expect(r.body).not.toContain('restricted-reader-42');
    });

  it('the audit log shows them to administrators', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/audit?verb=text.accessed', headers: admin.headers });
    expect(r.json().items.map((e: { actor: string }) => e.actor)).toEqual([READER]);
  });
});

describe('people behind changes are named only to those allowed to read the audit log', () => {
  it('the overview and the history API show an editor by role to the public and by name to the publisher\'s editors', async () => {
    const editor = await signInAs(app, services, 'editor', { name: 'Editor Wang Fang' });
    const other = await signInAs(app, services, 'editor_other', { name: 'Editor Elsewhere' });
    const rec = await services.catalogue.get(SEEDED.id);
    await services.catalogue.upsert({ ...rec!, keywords: ['privacy'] }, { actor: `user:${editor.userId}` });
    for (const s of [null, other]) {
      const page = await app.inject({ method: 'GET', url: `/std/${SEEDED.id}?lang=en`, headers: s?.headers ?? {} });
      expect(page.body).not.toContain('Wang Fang');
      expect(page.body).not.toContain(`user:${editor.userId}`);
      const api = (await app.inject({ method: 'GET', url: `/api/v1/standards/${SEEDED.id}/history`, headers: s?.headers ?? {} })).json();
      const last = api.items.at(-1);
      expect(last).toMatchObject({ verb: 'standard.updated', actor: null, actorName: null, role: 'editor' });
    }
    const own = (await app.inject({ method: 'GET', url: `/api/v1/standards/${SEEDED.id}/history`, headers: editor.headers })).json();
    expect(own.items.at(-1)).toMatchObject({ actor: `user:${editor.userId}`, actorName: 'Editor Wang Fang' });
    const ownPage = await app.inject({ method: 'GET', url: `/std/${SEEDED.id}?lang=en`, headers: editor.headers });
    expect(ownPage.body).toContain('Editor Wang Fang');
    // Importers are not people: always named.
    expect(own.items[0]).toMatchObject({ actor: 'importer:test', role: 'importer' });
  });
});
