import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import type { ContentDocument } from '../content/model.js';
import { FakeClock } from '../kernel/clock.js';
import { testServices } from '../testing/services.js';
import { signIn } from '../testing/auth.js';
import { buildServer } from '../web/server.js';
import { std } from './store.case.js';

/** A minimal stored text (the disclosure dashboard only asks whether one exists). */
function text(stdId: string): ContentDocument {
  return {
    stdId,
    edition: '2026',
    lang: 'zh',
    title: stdId,
    source: { format: 'test', ref: 'x', sha256: 'x', mediaType: 'text/plain' },
    front: [],
    body: [{ id: '1', num: '1', title: ['范围'], kind: 'clause', blocks: [{ t: 'p', c: ['范围'] }], children: [] }],
    back: [],
  };
}

describe('lifecycle over HTTP: as-of page and API, family current edition, editors’ deadlines and reviews', () => {
  let services: Services & { dir: string };
  let app: FastifyInstance;
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));

  beforeAll(async () => {
    services = await testServices({}, clock);
    app = await buildServer(services);
    const c = services.catalogue;
    const actor = { actor: 'importer:test' };
    await c.upsert(std({ id: 'GB-100-2010', number: 'GB 100-2010', dates: [{ type: 'issued', value: '2010-01-05' }, { type: 'implemented', value: '2010-06-01' }] }), actor);
    await c.upsert(std({ id: 'GB-100-2026', number: 'GB 100-2026', status: 'to-be-implemented', dates: [{ type: 'issued', value: '2026-11-20' }, { type: 'implemented', value: '2026-12-01' }], relations: [{ type: 'replaces', target: 'GB 100-2010' }] }), actor);
    await c.upsert(std({ id: 'GB-400-2020', number: 'GB 400-2020', dates: [{ type: 'implemented', value: '2020-05-01' }] }), actor);
    await c.upsert(std({ id: 'GB-700-2024', number: 'GB 700-2024', dates: [{ type: 'implemented', value: '2024-05-01' }] }), actor);
    await c.upsert(std({ id: 'GB-500-2026', number: 'GB 500-2026', status: 'under-development' }), actor);
    await c.upsert(std({ id: 'GB-501-2026', number: 'GB 501-2026', status: 'under-development' }), actor);
    await c.upsert(std({ id: 'GB-502-2026', number: 'GB 502-2026', status: 'under-development' }), actor);
    await c.upsert(std({ id: 'ISO-77-2026', number: 'ISO 77:2026', identifiers: [{ type: 'ISO', value: 'ISO 77:2026', primary: true }], body: 'ISO', status: 'under-development' }), actor);
    await services.lifecycle.record(
      [
        { stdId: 'GB-500-2026', type: 'approved', date: '2026-11-20', source: 'bulletin:2026-14' },
        { stdId: 'GB-501-2026', type: 'approved', date: '2026-10-09', source: 'bulletin:2026-12' },
        { stdId: 'GB-502-2026', type: 'approved', date: '2026-11-20', source: 'bulletin:2026-14' },
        { stdId: 'ISO-77-2026', type: 'approved', date: '2026-11-20', source: 'editor' },
      ],
      'user:test',
    );
    await services.content.put(text('GB-502-2026'), Buffer.from('x'), { actor: 'test' });
    await services.jobs.runDue(clock.now());
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  it('shows the status as of a date on the standard page, in English and Chinese', async () => {
    const en = await app.inject({ url: '/std/GB-100-2010?asOf=2019-05-01&lang=en' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Status on 2019-05-01');
    expect(en.body).toMatch(/Status on 2019-05-01<\/strong> <span class="badge current">Current<\/span>/);
    expect(en.body).toContain('since 2010-06-01');
    expect(en.body).toContain('name="asOf" value="2019-05-01"');
    const zh = await app.inject({ url: '/std/GB-100-2026?asOf=2027-01-01&lang=zh-CN' });
    expect(zh.body).toContain('2027-01-01 的状态');
    expect(zh.body).toContain('现行');
    expect(zh.body).toMatch(/代替: <a href="\/std\/GB-100-2010">GB 100-2010<\/a>/);
    const today = await app.inject({ url: '/std/GB-100-2026?lang=zh-CN' });
    expect(today.body).toMatch(/2026-11-25 的状态<\/strong> <span class="badge to-be-implemented">即将实施<\/span>/);
    expect(today.body).toContain('尚未生效');
    const bad = await app.inject({ url: '/std/GB-100-2010?asOf=2019-02-30&lang=en' });
    expect(bad.statusCode).toBe(400);
  });

  it('says when a status comes from the source', async () => {
    await services.catalogue.upsert(std({ id: 'GB-T-800-2024', number: 'GB/T 800-2024', status: 'current', statusSource: '现行' }), { actor: 'importer:test' });
    const r = await app.inject({ url: '/std/GB-T-800-2024?lang=en' });
    expect(r.body).toContain('Status as given by the source (现行): no dated fact decides it.');
  });

  it('answers GET /api/v1/standards/:id/status?asOf= before, between and after', async () => {
    const get = async (id: string, asOf: string) => (await app.inject({ url: `/api/v1/standards/${encodeURIComponent(id)}/status?asOf=${asOf}` })).json();
    expect(await get('GB-100-2010', '2009-01-01')).toMatchObject({ status: null, asOf: '2009-01-01' });
    expect(await get('GB 100-2010', '2019-05-01')).toMatchObject({ id: 'GB-100-2010', number: 'GB 100-2010', status: 'current', since: '2010-06-01', replacedBy: null });
    expect(await get('GB-100-2010', '2027-01-01')).toMatchObject({ status: 'replaced', since: '2026-12-01', replacedBy: { id: 'GB-100-2026', number: 'GB 100-2026', date: '2026-12-01' } });
    const s = await get('GB-100-2026', '2026-11-25');
    expect(s).toMatchObject({ status: 'to-be-implemented', since: '2026-11-20', basis: 'facts', replaced: [] });
    expect(s.facts).toEqual([
      { type: 'released', date: '2026-11-20', related: null, source: 'importer:test', inEffect: true },
      { type: 'implemented', date: '2026-12-01', related: null, source: 'importer:test', inEffect: false },
    ]);
    expect((await app.inject({ url: '/api/v1/standards/GB-100-2026/status' })).json()).toMatchObject({ asOf: '2026-11-25', status: 'to-be-implemented' });
    for (const bad of ['2019-5-1', '2019-02-29', 'yesterday']) {
      const r = await app.inject({ url: `/api/v1/standards/GB-100-2026/status?asOf=${bad}` });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_query' });
      expect(r.json().message).toContain('YYYY-MM-DD');
    }
    expect((await app.inject({ url: '/api/v1/standards/NOPE-1/status' })).statusCode).toBe(404);
  });

  it('answers which edition of a family was current on a date', async () => {
    const get = async (f: string, asOf: string) => (await app.inject({ url: `/api/v1/families/${encodeURIComponent(f)}/current?asOf=${asOf}` })).json();
    const y2019 = await get('GB 100', '2019-05-01');
    expect(y2019.family).toBe('GB 100');
    expect(y2019.current.map((e: { id: string }) => e.id)).toEqual(['GB-100-2010']);
    expect(y2019.editions.map((e: { id: string; status: string | null }) => [e.id, e.status])).toEqual([
      ['GB-100-2026', null],
      ['GB-100-2010', 'current'],
    ]);
    expect((await get('GB-100-2010', '2026-11-25')).current.map((e: { id: string }) => e.id)).toEqual(['GB-100-2010']);
    expect((await get('GB 100', '2027-01-01')).current.map((e: { id: string }) => e.id)).toEqual(['GB-100-2026']);
    expect((await app.inject({ url: '/api/v1/families/GB%20100/current?asOf=2027-13-01' })).statusCode).toBe(400);
  });

  it('lists disclosure deadlines scoped to the editor’s publishers; texts already stored are not due', async () => {
    expect((await app.inject({ url: '/editor/deadlines' })).statusCode).toBe(401);
    const reader = await signIn(app, services, [{ role: 'user' }]);
    expect((await app.inject({ url: '/editor/deadlines', headers: reader.headers() })).statusCode).toBe(403);
    const editor = await signIn(app, services, [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
    const page = await app.inject({ url: '/editor/deadlines?lang=en', headers: editor.headers() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('GB 500-2026');
    expect(page.body).toContain('GB 501-2026');
    expect(page.body).not.toContain('GB 502-2026'); // its text is stored
    expect(page.body).not.toContain('ISO 77:2026'); // another publisher
    // 2026 holidays are not shipped: the page says only weekends are counted, rather than pretending.
    expect(page.body).toContain('The holiday calendar does not cover 2026');
    const api = (await app.inject({ url: '/api/v1/lifecycle/deadlines', headers: editor.headers() })).json();
    expect(api.items.map((i: { id: string; deadline: string; state: string; workingDaysLeft: number }) => [i.id, i.deadline, i.state, i.workingDaysLeft])).toEqual([
      ['GB-501-2026', '2026-11-06', 'overdue', -13],
      ['GB-500-2026', '2026-12-18', 'due', 17],
    ]);
    const zh = await app.inject({ url: '/editor/deadlines?lang=zh-CN', headers: editor.headers() });
    expect(zh.body).toContain('全文公开期限');
    expect(zh.body).toContain('已逾期');
  });

  it('lists overdue reviews and a confirmation restarts the review clock', async () => {
    const editor = await signIn(app, services, [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
    const list = async () => (await app.inject({ url: '/api/v1/lifecycle/reviews/overdue', headers: editor.headers() })).json();
    const before = await list();
    expect(before.items.map((i: { id: string; due: string }) => [i.id, i.due])).toEqual([
      ['GB-100-2010', '2015-06-01'],
      ['GB-400-2020', '2025-05-01'],
    ]);
    const page = await app.inject({ url: '/editor/reviews?lang=en', headers: editor.headers() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('GB 400-2020');
    expect(page.body).not.toContain('GB 700-2024');
    const post = await app.inject({
      method: 'POST',
      url: '/editor/reviews/confirm',
      headers: editor.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      payload: `_csrf=${encodeURIComponent(editor.csrf)}&id=GB-400-2020&date=2026-11-24`,
    });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/editor/reviews?confirmed=GB-400-2020&date=2026-11-24');
    expect((await list()).items.map((i: { id: string }) => i.id)).toEqual(['GB-100-2010']);
    const zh = await app.inject({ url: post.headers.location + '&lang=zh-CN', headers: editor.headers() });
    expect(zh.body).toContain('已记录 GB 400-2020 于 2026-11-24 复审确认。');
    // An editor of another publisher may not confirm it.
    const iso = await signIn(app, services, [{ role: 'editor', scope: { kind: 'publisher', id: 'ISO' } }]);
    const refused = await app.inject({
      method: 'POST',
      url: '/editor/reviews/confirm',
      headers: iso.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      payload: `_csrf=${encodeURIComponent(iso.csrf)}&id=GB-100-2010&date=2026-11-24`,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('a transition updates the search index with the record (same transaction)', async () => {
    const hit = async () => (await app.inject({ url: '/api/v1/search?q=' + encodeURIComponent('GB 100-2010') })).json().items.find((i: { id: string }) => i.id === 'GB-100-2010');
    expect((await hit()).status).toBe('current');
    clock.set('2026-12-01T01:00:00Z');
    await services.jobs.runDue(clock.now());
    expect((await hit()).status).toBe('replaced');
    expect((await app.inject({ url: '/api/v1/standards/GB-100-2010' })).json().standard.status).toBe('replaced');
    const history = (await app.inject({ url: '/api/v1/standards/GB-100-2010/history' })).json().items;
    expect(history.at(-1)).toMatchObject({ verb: 'standard.status_changed', actor: 'system:lifecycle', before: { status: 'current' }, after: { status: 'replaced' } });
  });
});
