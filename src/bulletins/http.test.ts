import type { FastifyInstance } from 'fastify';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentDocument } from '../content/model.js';
import { signIn, apiToken, createUser, type SignedInSession } from '../testing/auth.js';
import { testServices } from '../testing/services.js';
import { buildServer } from '../web/server.js';
import { gbRecord } from './fixtures.case.js';
import { bulletinFeed } from '../web/views/bulletin-feed.js';

type S = Awaited<ReturnType<typeof testServices>>;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A stored text whose normative references cite GB/T 1001-2010 by number (the impact view reads it). */
function citingText(stdId: string): ContentDocument {
  return {
    stdId,
    edition: '2020',
    lang: 'zh',
    title: '引用者',
    source: { format: 'test', ref: 'x', sha256: 'x', mediaType: 'text/plain' },
    front: [],
    body: [
      { id: '2', num: '2', title: ['规范性引用文件'], kind: 'normative-references', blocks: [{ t: 'p', c: ['GB/T 1001-2010 示例标准；GB/T 10010 另一个标准'] }], children: [] },
    ],
    back: [],
  };
}

/** Parses an Atom document with saxes (fails on malformed XML) into its entries' ids, titles and links. */
function parseAtom(xml: string) {
  const p = new SaxesParser({ xmlns: true });
  const stack: string[] = [];
  const out = { feedId: '', updated: '', entries: [] as { id: string; title: string; href: string }[] };
  let text = '';
  p.on('opentag', (t) => {
    stack.push(t.local);
    text = '';
    if (t.local === 'entry') out.entries.push({ id: '', title: '', href: '' });
    if (t.local === 'link' && stack.includes('entry') && t.attributes.rel?.value === 'alternate') out.entries.at(-1)!.href = t.attributes.href.value;
    expect(t.uri).toBe('http://www.w3.org/2005/Atom');
  });
  p.on('text', (x) => (text += x));
  p.on('closetag', (t) => {
    const inEntry = stack.includes('entry');
    if (t.local === 'id') inEntry ? (out.entries.at(-1)!.id = text) : (out.feedId = text);
    if (t.local === 'title' && inEntry) out.entries.at(-1)!.title = text;
    if (t.local === 'updated' && !inEntry) out.updated = text;
    stack.pop();
  });
  p.write(xml).close();
  return out;
}

describe('Atom feed', () => {
  it('escapes every text and stays well-formed XML', () => {
    const nasty = 'A & B <c> "d" \'e\' \u0001 ]]>';
    const xml = bulletinFeed({
      base: 'https://x.example',
      siteName: nasty,
      title: nasty,
      now: '2026-11-25T00:00:00.000Z',
      counts: new Map(),
      items: [{ id: 'u1', publisher: 'S&P', number: 1, year: 2025, date: '2025-01-01', issuingBodies: [{ zh: nasty }], title: { zh: nasty, en: null }, state: 'published', publishedAt: '2025-01-02T00:00:00.000Z', version: 2, createdAt: '', updatedAt: '', createdBy: '' }],
    });
    const atom = parseAtom(xml);
    expect(atom.entries[0].title).toBe('A & B <c> "d" \'e\'  ]]> 2025年第1号');
    expect(atom.entries[0].href).toBe('https://x.example/bulletins/S%26P/2025/1');
    expect(atom.updated).toBe('2025-01-02T00:00:00.000Z');
  });
});

describe('bulletins over HTTP', () => {
  let s: S;
  let app: FastifyInstance;
  let ed: SignedInSession;
  let id = '';

  beforeAll(async () => {
    s = await testServices();
    await s.catalogue.upsertMany(
      [
        gbRecord('GB 12955-2024', { status: 'not-issued', nature: 'mandatory' }),
        gbRecord('GB 12955-2008', { nature: 'mandatory' }),
        gbRecord('GB/T 1001-2010'),
        gbRecord('GB/T 1002-2010'),
        gbRecord('GB/T 9001-2020', { relations: [{ type: 'cites', target: 'GB 12955' }] }),
        gbRecord('GB/T 9002-2020', { relations: [{ type: 'cites', target: 'GB 12955-2008' }] }),
        gbRecord('GB/T 9003-2020'),
      ],
      { actor: 'test' },
    );
    await s.content.put(citingText('GB-T-9003-2020'), Buffer.from('x'), { actor: 'test' });
    app = await buildServer(s);
    ed = await signIn(app, s, [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
  });
  afterAll(async () => {
    await app.close();
    await s.close();
  });

  it('refuses anonymous and CSRF-less editor requests; creates a draft with POST → 303', async () => {
    expect((await app.inject({ method: 'GET', url: '/editor/bulletins' })).statusCode).toBe(401);
    const page = await app.inject({ method: 'GET', url: '/editor/bulletins/new', headers: { cookie: ed.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`name="_csrf" value="${ed.csrf}"`);
    const fields = { publisher: 'SAC', year: '2025', number: '14', date: '2025-10-05', issuingBodies: '国家市场监督管理总局 | State Administration for Market Regulation\n国家标准化管理委员会', titleZh: '国家标准公告', titleEn: '' };
    const noCsrf = await app.inject({ method: 'POST', url: '/editor/bulletins', headers: { cookie: ed.cookie, ...FORM }, payload: form(fields) });
    expect(noCsrf.statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/editor/bulletins', headers: { cookie: ed.cookie, ...FORM }, payload: form({ ...fields, _csrf: ed.csrf }) });
    expect(res.statusCode).toBe(303);
    id = decodeURIComponent(String(res.headers.location).split('/').pop()!);
    const dup = await app.inject({ method: 'POST', url: '/editor/bulletins', headers: { cookie: ed.cookie, ...FORM }, payload: form({ ...fields, _csrf: ed.csrf }) });
    expect(dup.statusCode).toBe(409);
  });

  it('keeps drafts invisible to the public and to editors of other publishers', async () => {
    expect((await app.inject({ method: 'GET', url: '/bulletins/SAC/2025/14' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/bulletins/${id}` })).statusCode).toBe(404);
    const iso = await signIn(app, s, [{ role: 'editor', scope: { kind: 'publisher', id: 'ISO' } }]);
    expect((await app.inject({ method: 'GET', url: `/editor/bulletins/${id}`, headers: { cookie: iso.cookie } })).statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: `/editor/bulletins/${id}/items`, headers: { cookie: iso.cookie, ...FORM }, payload: form({ kind: 'abolition', lines: 'GB/T 1001-2010', _csrf: iso.csrf }) });
    expect(post.statusCode).toBe(404);
    expect(parseAtom((await app.inject({ method: 'GET', url: '/bulletins.atom' })).body).entries).toHaveLength(0);
  });

  it('adds pasted lines: unknown numbers come back in the box with their reason, the others are added', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/editor/bulletins/${id}/items?lang=en`,
      headers: { cookie: ed.cookie, ...FORM },
      payload: form({ kind: 'abolition', lines: 'GB/T 1001-2010\nGB/T 4242-1999\nGB/T 1002-2010', abolitionDate: '', _csrf: ed.csrf }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<textarea name="lines"[^>]*>GB\/T 4242-1999<\/textarea>/);
    expect(res.body).toContain('no standard with this number in the catalogue');
    const rev = await app.inject({
      method: 'POST',
      url: `/editor/bulletins/${id}/items`,
      headers: { cookie: ed.cookie, ...FORM },
      payload: form({ kind: 'revision', lines: 'GB 12955-2024', releaseDate: '2024-10-28', implementationDate: '2026-05-01', replaces: 'GB 12955-2008', _csrf: ed.csrf }),
    });
    expect(rev.statusCode).toBe(303);
    expect(rev.headers.location).toBe(`/editor/bulletins/${id}?added=1`);
    const edit = await app.inject({ method: 'GET', url: `/editor/bulletins/${id}`, headers: { cookie: ed.cookie } });
    expect(edit.body).toContain('GB 12955-2024');
    expect(edit.body).toContain('/publish');
  });

  it('publishes with POST → 303: statuses change, the public page, index, feed and standard panels show it', async () => {
    const b = (await app.inject({ method: 'GET', url: `/api/v1/bulletins/${id}`, headers: { cookie: ed.cookie } })).json();
    const res = await app.inject({ method: 'POST', url: `/editor/bulletins/${id}/publish`, headers: { cookie: ed.cookie, ...FORM }, payload: form({ version: String(b.bulletin.version), _csrf: ed.csrf }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/bulletins/SAC/2025/14');
    // Today is 2026-11-25 (FakeClock): the implementation and abolition dates have passed.
    expect((await s.catalogue.get('GB-12955-2024'))?.status).toBe('current');
    expect((await s.catalogue.get('GB-12955-2008'))?.status).toBe('replaced');
    expect((await s.catalogue.get('GB-T-1001-2010'))?.status).toBe('abolished');
    expect((await s.catalogue.get('GB-T-1003-2010'))).toBeNull();

    const pub = await app.inject({ method: 'GET', url: '/bulletins/SAC/2025/14?lang=zh-CN' });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('国家标准公告 2025年第14号');
    expect(pub.body).toContain('国家市场监督管理总局、国家标准化管理委员会');
    expect(pub.body).toContain('href="/std/GB-12955-2024"');
    expect(pub.body).toContain('修订标准');
    expect(pub.body).toContain('废止标准');
    expect(pub.body).not.toContain('<script');
    const en = await app.inject({ method: 'GET', url: '/bulletins?lang=en' });
    expect(en.body).toContain('No. 14 of 2025');
    expect(en.body).toContain('0 new, 1 revised, 2 abolished');

    const feed = await app.inject({ method: 'GET', url: '/bulletins.atom', headers: { host: 'std.example.org' } });
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    const atom = parseAtom(feed.body);
    expect(atom.entries).toEqual([{ id: `urn:uuid:${id}`, title: '国家标准公告 2025年第14号', href: 'http://std.example.org/bulletins/SAC/2025/14' }]);
    expect(atom.feedId).toBe('http://std.example.org/bulletins.atom');
    expect(atom.updated).toBe('2026-11-25T00:00:00.000Z');

    const std = await app.inject({ method: 'GET', url: '/std/GB-12955-2008?lang=en' });
    expect(std.body).toContain('Replaced by GB 12955-2024 in');
    expect(std.body).toContain('href="/std/GB-12955-2008/impact"');
  });

  it('shows the impact of a standard: citing standards (relations, undated refs, texts), watchers, an honest note', async () => {
    const old = await app.inject({ method: 'GET', url: '/std/GB-12955-2008/impact?lang=en' });
    expect(old.statusCode).toBe(200);
    // 9001 cites 'GB 12955' undated (the family: applies to both editions), 9002 this edition by date.
    expect(old.body).toContain('href="/std/GB-T-9001-2020"');
    expect(old.body).toContain('href="/std/GB-T-9002-2020"');
    expect(old.body).toContain('aria-current="page">Impact');
    expect(old.body).toContain('0 people are notified');
    expect(old.body).toContain('not recorded by this platform yet');
    const latest = await app.inject({ method: 'GET', url: '/std/GB-12955-2024/impact?lang=en' });
    expect(latest.body).toContain('href="/std/GB-T-9001-2020"');
    expect(latest.body).not.toContain('href="/std/GB-T-9002-2020"');
    const t = await app.inject({ method: 'GET', url: '/api/v1/standards/GB-T-1001-2010/impact' });
    expect(t.json().citations).toEqual([expect.objectContaining({ id: 'GB-T-9003-2020', via: 'text', ref: 'GB/T 1001-2010' })]);
    expect(t.json().declarationsTracked).toBe(false);
    // 'GB/T 1001' must not match 'GB/T 10010'.
    expect((await app.inject({ method: 'GET', url: '/api/v1/standards/GB-T-1002-2010/impact' })).json().citations).toEqual([]);
  });

  it('serves the API: public list, editor writes with a bearer token, problems listed when publishing fails', async () => {
    const list = (await app.inject({ method: 'GET', url: '/api/v1/bulletins' })).json();
    expect(list.total).toBe(1);
    expect(list.items[0].counts).toEqual({ new: 0, revision: 1, abolition: 2 });
    const user = await createUser(s, { grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] });
    const token = await apiToken(s, user.id, ['bulletin.edit', 'bulletin.publish']);
    const auth = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'POST', url: '/api/v1/bulletins', payload: { publisher: 'SAC', number: 15, year: 2025, date: '2025-11-01', issuingBodies: [] } })).statusCode).toBe(401);
    const created = await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: auth, payload: { publisher: 'SAC', number: 15, year: 2025, date: '2025-11-01', issuingBodies: [] } });
    expect(created.statusCode).toBe(200);
    const bid = created.json().bulletin.id;
    expect((await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: auth, payload: { publisher: 'SAC', number: 15, year: 2025, date: '2025-11-01', issuingBodies: [] } })).statusCode).toBe(409);
    const added = await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bid}/items`, headers: auth, payload: { items: [{ kind: 'new', number: 'GB/T 9003-2020', releaseDate: '2025-11-01', implementationDate: '2026-06-01' }, { kind: 'new', number: 'GB/T 7-2020', releaseDate: '2025-11-01', implementationDate: '2026-06-01' }] } });
    expect(added.json().problems).toEqual([{ line: 2, text: 'GB/T 7-2020', code: 'unknown_standard' }]);
    await s.catalogue.remove('GB-T-9003-2020', { actor: 'test' });
    const version = (await app.inject({ method: 'GET', url: `/api/v1/bulletins/${bid}`, headers: auth })).json().bulletin.version;
    const failed = await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bid}/publish`, headers: auth, payload: { version } });
    expect(failed.statusCode).toBe(400);
    expect(failed.json().details.problems).toEqual([{ seq: 1, text: 'GB/T 9003-2020', code: 'unknown_standard' }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/bulletins' })).json().total).toBe(1);
  });
});
