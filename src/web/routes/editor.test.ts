import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import { seedCodes, STS_EN } from '../../editorial/fixtures.case.js';
import { apiToken, createUser, signIn, type SignedInSession } from '../../testing/auth.js';
import { testServices } from '../../testing/services.js';
import { buildServer } from '../server.js';

const SAMR = readFileSync(new URL('../../importers/fixtures/samr-sample.json', import.meta.url));

/** A multipart/form-data body (fields first, then one file). */
export function multipartBody(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }): { payload: Buffer; contentType: string } {
  const boundary = `----stdhub${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = 'application/x-www-form-urlencoded';

const NEW_RECORD = {
  identifier: 'T/STDHUB 1-2025',
  body: 'STDHUB',
  docType: 'standard',
  status: 'current',
  title_zh: '标准数字化平台 元数据要求',
  title_en: 'Standards digitization platform — Metadata requirements',
  date_issued: '2025-06-30',
  date_implemented: '2025-07-01',
  ics: '35.240.30',
};

describe('editorial back office over HTTP', () => {
  let s: Services & { dir: string };
  let app: FastifyInstance;
  let ed: SignedInSession;
  let other: SignedInSession;
  let draftId = '';

  beforeAll(async () => {
    s = await testServices();
    await seedCodes(s);
    app = await buildServer(s);
    ed = await signIn(app, s, [{ role: 'editor', scope: { kind: 'publisher', id: 'STDHUB' } }]);
    other = await signIn(app, s, [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
  });
  afterAll(async () => {
    await app.close();
    await s.close();
  });

  const post = (sess: SignedInSession | null, url: string, body: Record<string, string>) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': FORM, ...(sess ? { cookie: sess.cookie } : {}) }, payload: form(sess ? { ...body, _csrf: sess.csrf } : body) });
  const get = (sess: SignedInSession | null, url: string) => app.inject({ method: 'GET', url, headers: sess ? { cookie: sess.cookie } : {} });

  it('declares who may enter: 401 anonymous, 403 without an editorial role, 200 for an editor', async () => {
    expect((await get(null, '/editor')).statusCode).toBe(401);
    const reader = await signIn(app, s, [{ role: 'user' }]);
    expect((await get(reader, '/editor')).statusCode).toBe(403);
    const page = await get(ed, '/editor');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/editor/standards/new"');
  });

  it('refuses a form post without the CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/editor/standards/new', headers: { 'content-type': FORM, cookie: ed.cookie }, payload: form(NEW_RECORD) });
    expect(res.statusCode).toBe(403);
  });

  it('re-renders a refused form with the input kept and a message per field', async () => {
    const res = await post(ed, '/editor/standards/new?lang=en', { ...NEW_RECORD, identifier: 'GB/T 12345-2024', date_implemented: '2025-02-30', ics: '35.240.30 99.999', title_en: 'Keep <me>' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="form-errors"');
    expect(res.body).toContain('value="Keep &lt;me&gt;"');
    expect(res.body).toContain('value="2025-02-30"');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('Not in the classification list: 99.999.');
    expect(res.body).toContain('is not a real date written YYYY-MM-DD');
  });

  it('creates a draft that the public cannot see', async () => {
    const res = await post(ed, '/editor/standards/new', NEW_RECORD);
    expect(res.statusCode).toBe(303);
    draftId = /\/editor\/drafts\/([a-f0-9]{16})$/.exec(res.headers.location as string)![1];
    expect((await get(ed, `/editor/drafts/${draftId}`)).statusCode).toBe(200);
    expect((await get(null, '/std/T-STDHUB-1-2025')).statusCode).toBe(404);
    expect((await get(null, '/api/v1/standards/T-STDHUB-1-2025')).statusCode).toBe(404);
    // Another publisher's editor does not see it at all.
    expect((await get(other, `/editor/drafts/${draftId}`)).statusCode).toBe(404);
    expect((await get(other, '/editor')).body).not.toContain(draftId);
    expect((await post(other, `/editor/drafts/${draftId}/publish`, { version: '1' })).statusCode).toBe(404);
    // The draft's disclosure form validates like the others (a not-disclosed text needs a reason).
    const refused = await post(ed, `/editor/drafts/${draftId}/disclosure?lang=en`, { version: '1', mode: 'not-disclosed', reason_en: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('A text that is not disclosed needs a reason.');
  });

  it('uploads a text (multipart, CSRF in the action) and shows the report before publishing', async () => {
    const draft = await s.editorial.getDraft({ principal: { kind: 'user', userId: ed.userId, name: '', grants: [{ role: 'admin' }] } }, draftId);
    const { payload, contentType } = multipartBody({ version: String(draft.version), importer: 'auto' }, { name: '../../evil name.xml', bytes: STS_EN, type: 'application/xml' });
    const noCsrf = await app.inject({ method: 'POST', url: `/editor/drafts/${draftId}/text`, headers: { cookie: ed.cookie, 'content-type': contentType }, payload });
    expect(noCsrf.statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: `/editor/drafts/${draftId}/text?_csrf=${encodeURIComponent(ed.csrf)}`, headers: { cookie: ed.cookie, 'content-type': contentType }, payload });
    expect(res.statusCode).toBe(303);
    const page = await get(ed, `/editor/drafts/${draftId}/text?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Import report');
    expect(page.body).toContain('evil name.xml');
    expect(page.body).toMatch(/Language en: \d+ sections, \d+ clauses/);
  });

  it('refuses an upload over UPLOAD_MAX_BYTES with 413', async () => {
    const small = await testServices({ UPLOAD_MAX_BYTES: 2048 });
    const a = await buildServer(small);
    try {
      const sess = await signIn(a, small, [{ role: 'editor', scope: { kind: 'publisher', id: 'STDHUB' } }]);
      const { payload, contentType } = multipartBody({ importer: 'sts' }, { name: 'big.xml', bytes: Buffer.alloc(5000, 0x20) });
      const res = await a.inject({ method: 'POST', url: `/editor/import?_csrf=${encodeURIComponent(sess.csrf)}`, headers: { cookie: sess.cookie, 'content-type': contentType }, payload });
      expect(res.statusCode).toBe(413);
    } finally {
      await a.close();
      await small.close();
    }
  });

  it('publishes: the record and its text become public, and the history shows each step', async () => {
    const page = await get(ed, `/editor/drafts/${draftId}`);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1];
    const res = await post(ed, `/editor/drafts/${draftId}/publish`, { version });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/std/T-STDHUB-1-2025?published=1');
    const pub = await get(null, '/std/T-STDHUB-1-2025');
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('/std/T-STDHUB-1-2025/read');
    expect((await get(null, '/std/T-STDHUB-1-2025/read')).statusCode).toBe(200);
    const verbs = (await s.catalogue.history('T-STDHUB-1-2025')).map((e) => e.verb);
    expect(verbs).toEqual(['standard.created', 'standard.published']);
    const content = await s.db.selectFrom('event').select('verb').where('object_type', '=', 'content').where('object_id', '=', 'T-STDHUB-1-2025').execute();
    expect(content.map((e) => e.verb)).toEqual(['content.created']);
  });

  it('makes a restricted text invisible to those without the right, and logs allowed access', async () => {
    expect((await post(other, '/editor/standards/T-STDHUB-1-2025/disclosure', { mode: 'restricted' })).statusCode).toBe(403);
    const set = await post(ed, '/editor/standards/T-STDHUB-1-2025/disclosure', { mode: 'restricted' });
    expect(set.statusCode).toBe(303);
    for (const url of ['/std/T-STDHUB-1-2025/read', '/std/T-STDHUB-1-2025/clause/1', '/std/T-STDHUB-1-2025/download.html', '/std/T-STDHUB-1-2025/source', '/api/v1/standards/T-STDHUB-1-2025/text']) {
      expect((await get(null, url)).statusCode, url).toBe(404);
      expect((await get(other, url)).statusCode, url).toBe(404);
    }
    const stdPage = await get(null, '/std/T-STDHUB-1-2025');
    expect(stdPage.statusCode).toBe(200);
    expect(stdPage.body).not.toContain('/std/T-STDHUB-1-2025/read');
    // Clause search: nothing for the public, the hits for the editor of the publisher.
    const anon = await get(null, '/api/v1/clauses?q=metadata');
    expect(JSON.parse(anon.body).items.map((g: { id: string }) => g.id)).not.toContain('T-STDHUB-1-2025');
    const mine = await get(ed, '/api/v1/clauses?q=metadata');
    expect(JSON.parse(mine.body).items.map((g: { id: string }) => g.id)).toContain('T-STDHUB-1-2025');
    // The editor reads it; the access is logged.
    expect((await get(ed, '/std/T-STDHUB-1-2025/read')).statusCode).toBe(200);
    expect((await get(ed, '/std/T-STDHUB-1-2025/clause/1')).statusCode).toBe(200);
    const dl = await get(ed, '/std/T-STDHUB-1-2025/download.html');
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['cache-control']).toContain('no-store');
    const logged = await s.db.selectFrom('event').selectAll().where('verb', '=', 'text.accessed').orderBy('id').execute();
    expect(logged.map((e) => [e.actor, e.object_id, JSON.parse(e.after!).what])).toEqual([
      [`user:${ed.userId}`, 'T-STDHUB-1-2025', 'read'],
      [`user:${ed.userId}`, 'T-STDHUB-1-2025', 'clause'],
      [`user:${ed.userId}`, 'T-STDHUB-1-2025', 'download'],
    ]);
    // Who read it is audit data: not on the public history.
    expect((await get(null, '/api/v1/standards/T-STDHUB-1-2025/history')).body).not.toContain('text.accessed');
    await post(ed, '/editor/standards/T-STDHUB-1-2025/disclosure', { mode: 'read-download' });
    expect((await get(null, '/std/T-STDHUB-1-2025/read')).statusCode).toBe(200);
  });

  it('opens a revision, refuses other publishers, and withdraws with 303', async () => {
    expect((await get(other, '/editor/standards/T-STDHUB-1-2025/edit')).statusCode).toBe(403);
    const open = await post(ed, '/editor/standards/T-STDHUB-1-2025/edit', {});
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toMatch(/^\/editor\/drafts\/[a-f0-9]{16}$/);
    // A stale version is a conflict: the form comes back with the input kept.
    const conflict = await post(ed, open.headers.location as string, { ...NEW_RECORD, version: '99', title_en: 'Stale edit' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('value="Stale edit"');
    expect((await post(other, '/editor/standards/T-STDHUB-1-2025/withdraw', {})).statusCode).toBe(403);
    const w = await post(ed, '/editor/standards/T-STDHUB-1-2025/withdraw', { reason: 'replaced' });
    expect(w.statusCode).toBe(303);
    expect((await s.catalogue.get('T-STDHUB-1-2025'))?.status).toBe('withdrawn');
  });

  it('serves the same use cases on the API with a bearer token', async () => {
    const token = await apiToken(s, ed.userId, ['standard.create', 'standard.edit', 'standard.publish', 'standard.read_unpublished', 'text.upload']);
    const auth = { authorization: `Bearer ${token}` };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/editor/drafts', headers: auth, payload: { identifier: 'nonsense', body: 'STDHUB', docType: 'standard', status: 'current', titles: {} } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).details.fields).toMatchObject({ identifier: { code: 'unparseable' }, titles: { code: 'title_required' } });
    const created = await app.inject({ method: 'POST', url: '/api/v1/editor/drafts', headers: auth, payload: { identifier: 'T/STDHUB 7-2026', body: 'STDHUB', docType: 'standard', status: 'to-be-implemented', titles: { en: 'API standard' }, dates: { issued: '2026-11-01' } } });
    expect(created.statusCode).toBe(200);
    const d = JSON.parse(created.body);
    expect((await app.inject({ method: 'GET', url: '/api/v1/standards/T-STDHUB-7-2026' })).statusCode).toBe(404);
    const stale = await app.inject({ method: 'POST', url: `/api/v1/editor/drafts/${d.id}/publish`, headers: auth, payload: { version: d.version + 5 } });
    expect(stale.statusCode).toBe(409);
    const pub = await app.inject({ method: 'POST', url: `/api/v1/editor/drafts/${d.id}/publish`, headers: auth, payload: { version: d.version } });
    expect(pub.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/standards/T-STDHUB-7-2026' })).statusCode).toBe(200);
    // A token without the action is refused even though its owner holds it.
    const narrow = await apiToken(s, ed.userId, ['standard.read_unpublished']);
    const r = await app.inject({ method: 'POST', url: '/api/v1/editor/drafts', headers: { authorization: `Bearer ${narrow}` }, payload: {} });
    expect(r.statusCode).toBe(403);
  });

  it('bulk-imports in the background, refusing records of publishers the editor does not hold', async () => {
    const startAs = async (sess: SignedInSession) => {
      const { payload, contentType } = multipartBody({ importer: 'samr-json' }, { name: 'samr-sample.json', bytes: SAMR, type: 'application/json' });
      const res = await app.inject({ method: 'POST', url: `/editor/import?_csrf=${encodeURIComponent(sess.csrf)}`, headers: { cookie: sess.cookie, 'content-type': contentType }, payload });
      expect(res.statusCode).toBe(303);
      const id = /\/editor\/import\/([a-f0-9]{16})$/.exec(res.headers.location as string)![1];
      await s.editorial.imports.wait(id);
      return id;
    };
    const refusedRun = await startAs(ed);
    const page = await get(ed, `/editor/import/${refusedRun}?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('http-equiv="refresh"');
    const run = await s.editorial.imports.get({ principal: { kind: 'user', userId: ed.userId, name: '', grants: [] } }, refusedRun);
    expect(run.state).toBe('done');
    expect(run.report!.counts.created).toBe(0);
    const refusals = run.report!.diagnostics.filter((x) => x.severity === 'serious' && /refused/.test(x.message));
    expect(refusals.length).toBeGreaterThan(0);
    expect(page.body).toContain('refused');
    // Another person cannot see the run.
    expect((await get(other, `/editor/import/${refusedRun}`)).statusCode).toBe(404);
    // The SAC editor imports the SAC records (MIIT-sector rows are still refused, each reported).
    const sacRun = await startAs(other);
    const sac = await s.editorial.imports.get({ principal: { kind: 'user', userId: other.userId, name: '', grants: [] } }, sacRun);
    expect(sac.report!.counts.created).toBeGreaterThan(0);
    expect(await s.catalogue.get('GB-12955-2024')).not.toBeNull();
    const admin = await createUser(s, { grants: [{ role: 'admin' }] });
    const adminSess = await signIn(app, s, admin);
    const adminRun = await startAs(adminSess);
    const adm = await s.editorial.imports.get({ principal: { kind: 'user', userId: admin.id, name: '', grants: [{ role: 'admin' }] } }, adminRun);
    expect(adm.report!.diagnostics.filter((x) => /refused/.test(x.message))).toEqual([]);
  });

  it('at start-up marks as interrupted only runs whose process is gone (stale heartbeat), not live runs of other instances', async () => {
    const now = s.clock.now().getTime();
    const row = (id: string, heartbeat: string | null) => ({
      id, importer: 'samr-json', file_name: 'x.json', blob: `editorial/imports/${id}/upload`, state: 'running' as const, done: 0, total: null,
      report: null, created_by: 'user:x', created_at: new Date(now - 3_600_000).toISOString(), finished_at: null, heartbeat_at: heartbeat,
    });
    await s.db
      .insertInto('editorial_import')
      .values([
        row('00000000000000a1', new Date(now - 10 * 60_000).toISOString()), // its process died ten minutes ago
        row('00000000000000a2', new Date(now - 20_000).toISOString()), // another instance is working on it
        row('00000000000000a3', null), // written before heartbeats existed
      ])
      .execute();
    expect(await s.editorial.imports.markInterrupted()).toBe(2);
    const states = await s.db.selectFrom('editorial_import').select(['id', 'state']).where('id', 'like', '00000000000000a%').orderBy('id').execute();
    expect(states.map((r) => r.state)).toEqual(['interrupted', 'running', 'interrupted']);
  });
});
