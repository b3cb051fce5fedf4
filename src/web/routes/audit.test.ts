import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import { record } from '../../catalogue/store.case.js';
import { FakeClock } from '../../kernel/clock.js';
import { testServices } from '../../testing/services.js';
import { signIn, type SignedInSession } from '../../testing/auth.js';
import { buildServer } from '../server.js';

let services: Services & { close(): Promise<void> };
let app: FastifyInstance;
const clock = new FakeClock(new Date('2026-11-20T08:00:00Z'));

const std = record({
  id: 'GB-T-99001-2026',
  number: 'GB/T 99001-2026',
  status: 'current',
  titles: [{ lang: 'zh', type: 'main', text: '审计测试标准' }, { lang: 'en', type: 'main', text: 'Audit test standard' }],
});

beforeAll(async () => {
  services = await testServices({}, clock);
  const now = clock.now().toISOString();
  await services.db.insertInto('person').values({ id: 'p-ed', email: 'ed@example.org', name: 'Editor Wang 王编辑', password_hash: null, email_verified_at: now, is_admin: 0, status: 'active', created_at: now, updated_at: now }).execute();
  await services.db.insertInto('organisation').values({ id: 'org-sac', kind: 'publisher', subkind: 'national', code: 'SAC', name_zh: null, name_en: null, parent_id: null, secretariat_org_id: null, convenor_person_id: null, created_at: now, updated_at: now }).onConflict((oc) => oc.doNothing()).execute();
  await services.db.insertInto('membership').values({ id: 'm-ed', person_id: 'p-ed', member_org_id: null, org_id: 'org-sac', role: 'editor', membership_type: null, created_at: now }).execute();
  await services.catalogue.upsert(std, { actor: 'importer:samr' });
  clock.set('2026-11-21T09:30:00Z');
  await services.catalogue.upsert({ ...std, status: 'withdrawn', dates: [{ type: 'abolished', value: '2026-11-21' }] }, { actor: 'user:p-ed' });
  await services.db.insertInto('event').values({ at: '2026-11-22T10:00:00.000Z', actor: 'user:p-ed', verb: 'disclosure.set', object_type: 'disclosure', object_id: std.id, before: JSON.stringify({ mode: 'read' }), after: JSON.stringify({ mode: 'not-disclosed', reason: 'licence' }) }).execute();
  await services.db.insertInto('event').values({ at: '2026-11-22T11:00:00.000Z', actor: 'user:p-ed', verb: 'text.accessed', object_type: 'text', object_id: std.id, before: null, after: null }).execute();
  // An event about another publisher's standard, and one whose payload tries to become a spreadsheet formula.
  await services.catalogue.upsert(record({ id: 'ISO-99002-2026', number: 'ISO 99002:2026', body: 'ISO' }), { actor: 'importer:iso' });
  await services.db.insertInto('event').values({ at: '2026-11-23T12:00:00.000Z', actor: '=HYPERLINK("http://evil.example","x")', verb: 'standard.updated', object_type: 'standard', object_id: std.id, before: JSON.stringify({ edition: '1' }), after: JSON.stringify({ edition: '@SUM(A1)' }) }).execute();
  app = await buildServer(services);
  admin = await signIn(app, services, { grants: [{ role: 'admin' }], name: 'Admin Zhao' });
  sacEditor = await signIn(app, services, { grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] });
  isoEditor = await signIn(app, services, { grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'ISO' } }] });
  user = await signIn(app, services, [{ role: 'user' }]);
});
let admin: SignedInSession;
let sacEditor: SignedInSession;
let isoEditor: SignedInSession;
let user: SignedInSession;
const get = (url: string, s?: SignedInSession) => app.inject({ method: 'GET', url, headers: { 'accept-language': 'en', ...(s ? s.headers() : {}) } });
afterAll(async () => {
  await app?.close();
  await services?.close();
});

describe('History tab /std/:id/history', () => {
  it('shows every step oldest first with readable field changes; the public sees roles, not names', async () => {
    const r = await app.inject({ method: 'GET', url: `/std/${std.id}/history?lang=en` });
    expect(r.statusCode).toBe(200);
    const body = r.body;
    const created = body.indexOf('Added to the catalogue');
    const updated = body.indexOf('Record updated');
    const disclosure = body.indexOf('disclosure.set');
    expect(created).toBeGreaterThan(0);
    expect(updated).toBeGreaterThan(created);
    expect(disclosure).toBeGreaterThan(updated);
    expect(body).toContain('Status: Current → Withdrawn');
    expect(body).toContain('Dates: added abolished 2026-11-21');
    expect(body).toContain('Disclosure: read → not-disclosed');
    expect(body).toContain('by a person in the role editor');
    expect(body).toContain('by a person in the role importer');
    expect(body).not.toContain('王编辑');
    expect(body).not.toContain('p-ed');
    // Access to restricted texts is audit data, not public history.
    expect(body).not.toContain('text.accessed');
    expect(body).not.toContain('Restricted text accessed');
    // No raw JSON dump of the payloads.
    expect(body).not.toContain('{&quot;');
    expect(body).toContain('aria-current="page">History</a>');
  });

  it('is linked as a tab from the standard page, redirects typed numbers and 404s unknown standards', async () => {
    const page = await app.inject({ method: 'GET', url: `/std/${std.id}?lang=en` });
    expect(page.body).toContain(`href="/std/${std.id}/history"`);
    const zh = await app.inject({ method: 'GET', url: `/std/${std.id}/history?lang=zh-CN` });
    expect(zh.body).toContain('状态：现行 → 撤销');
    expect(zh.body).toContain('操作人角色：编辑');
    const typed = await app.inject({ method: 'GET', url: `/std/${encodeURIComponent('GB/T 99001-2026')}/history` });
    expect(typed.statusCode).toBe(301);
    expect(typed.headers.location).toBe(`/std/${std.id}/history`);
    expect((await app.inject({ method: 'GET', url: '/std/GB-T-00000-1999/history' })).statusCode).toBe(404);
  });
});

describe('History tab names', () => {
  it('shows names to the publisher\'s editors and admins, roles to editors of other publishers', async () => {
    expect((await get(`/std/${std.id}/history`, sacEditor)).body).toContain('by Editor Wang 王编辑');
    expect((await get(`/std/${std.id}/history`, admin)).body).toContain('by Editor Wang 王编辑');
    const other = (await get(`/std/${std.id}/history`, isoEditor)).body;
    expect(other).not.toContain('王编辑');
    expect(other).toContain('by a person in the role editor');
  });
});

describe('Admin audit log /admin/audit, /admin/audit.csv, /api/v1/audit', () => {
  it('lists everything for admins, newest first, with names, roles and readable changes', async () => {
    const r = await get('/admin/audit', admin);
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toContain('no-store');
    const b = r.body.slice(r.body.indexOf('<table'));
    expect(b).toContain('Editor Wang 王编辑');
    expect(b).toContain('Restricted text accessed');
    expect(b).toContain('ISO-99002-2026');
    expect(b.indexOf('text.accessed')).toBeLessThan(b.indexOf('disclosure.set'));
    expect(b).toContain('Disclosure: read → not-disclosed');
  });

  it('filters by person, verb, object and time, and paginates with a keyset cursor', async () => {
    const api = async (qs: string, s: SignedInSession = admin) => (await get(`/api/v1/audit?${qs}`, s)).json();
    expect((await api('person=wang')).items.map((e: { verb: string }) => e.verb)).toEqual(['text.accessed', 'disclosure.set', 'standard.updated']);
    expect((await api('person=nobody-at-all')).items).toEqual([]);
    expect((await api('verb=text.accessed')).items).toHaveLength(1);
    expect((await api('verb=text.accessed')).items[0]).toMatchObject({ actor: 'user:p-ed', actorName: 'Editor Wang 王编辑', actorRole: 'editor', objectType: 'text', objectId: std.id });
    expect((await api('object=ISO-99002-2026')).items.map((e: { actor: string }) => e.actor)).toEqual(['importer:iso']);
    expect((await api('type=disclosure')).items).toHaveLength(1);
    expect((await api('from=2026-11-22&to=2026-11-22')).items.map((e: { verb: string }) => e.verb)).toEqual(['text.accessed', 'disclosure.set']);
    expect((await api('actor=importer:samr')).items).toHaveLength(1);
    const p1 = await api('limit=2');
    expect(p1.items).toHaveLength(2);
    expect(p1.next).toBe(p1.items[1].id);
    const p2 = await api(`limit=2&cursor=${p1.next}`);
    expect(p2.items[0].id).toBeLessThan(p1.items[1].id);
    const page = await get('/admin/audit?limit=2&verb=standard', admin);
    expect(page.body).toMatch(/href="\/admin\/audit\?verb=standard&amp;cursor=\d+" rel|rel="next" href="\/admin\/audit\?verb=standard&amp;cursor=\d+"/);
    for (const bad of ['from=2026-13-01', 'limit=100000', 'cursor=abc', 'from=2026-11-25&to=2026-11-01', `person=${'x'.repeat(300)}`, 'verb=a&verb=b']) {
      const res = await get(`/api/v1/audit?${bad}`, admin);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error, bad).toBe('invalid_query');
    }
  });

  it('limits editors to their publishers\' standards and refuses everyone else', async () => {
    const sac = (await get('/api/v1/audit', sacEditor)).json();
    expect(sac.scope).toEqual(['SAC']);
    expect(new Set(sac.items.map((e: { objectId: string }) => e.objectId))).toEqual(new Set([std.id]));
    const iso = (await get('/api/v1/audit', isoEditor)).json();
    expect(iso.items.map((e: { objectId: string }) => e.objectId)).toEqual(['ISO-99002-2026']);
    expect((await get('/admin/audit', sacEditor)).body).toContain('You see the events of the standards of: SAC.');
    expect((await get('/admin/audit.csv', isoEditor)).body).not.toContain(std.id);
    expect((await get('/admin/audit', user)).statusCode).toBe(403);
    expect((await get('/api/v1/audit', user)).statusCode).toBe(403);
    expect((await get('/admin/audit.csv')).statusCode).toBe(401);
    expect((await get('/api/v1/audit')).statusCode).toBe(401);
  });

  it('exports the filtered set as CSV: UTF-8 BOM, formula-safe cells, readable changes', async () => {
    const r = await get('/admin/audit.csv?object=' + std.id, admin);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="audit-2026-11-21.csv"');
    expect(r.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = r.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('id,time_utc,actor,name,role,verb,action,object_type,object_id,changes');
    expect(r.body).not.toContain('ISO-99002-2026');
    // The forged actor and payload cannot become formulas.
    expect(r.body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(r.body).toContain("Edition: 1 → @SUM(A1)");
    expect(r.body).not.toMatch(/(^|,)[=+@-]/m);
    expect(r.body).toContain('Editor Wang 王编辑');
    expect(r.body).toContain('Status: Current → Withdrawn');
    const filtered = await get('/admin/audit.csv?verb=text.accessed', admin);
    expect(filtered.body.split('\r\n').filter(Boolean)).toHaveLength(2);
  });
});
