import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import { can } from '../../accounts/policy.js';
import { createUser, principalFor, signIn, type SignedInSession } from '../../testing/auth.js';
import { testServices } from '../../testing/services.js';
import { buildServer } from '../server.js';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

describe('account pages, administration and the header menu', () => {
  let services: Services & { dir: string };
  let app: FastifyInstance;
  let admin: SignedInSession;

  beforeAll(async () => {
    services = await testServices();
    app = await buildServer(services);
    admin = await signIn(app, services, { admin: true, name: 'Site <Admin>' });
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  const post = (s: SignedInSession, url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, headers: s.headers({ 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' }), payload: form({ ...fields, _csrf: s.csrf }) });
  const get = (s: SignedInSession | null, url: string, lang = 'en') =>
    app.inject({ method: 'GET', url, headers: { ...(s ? { cookie: s.cookie } : {}), 'accept-language': lang } });

  it('renders the signed-out and signed-in pages in both languages', async () => {
    const user = await signIn(app, services, []);
    for (const [lang, words] of [
      ['en', ['Sign in', 'Forgot your password?', 'Create an account', 'Your account', 'API tokens', 'Sign out']],
      ['zh-CN', ['登录', '忘记密码？', '注册账户', '我的账户', 'API 令牌', '退出登录']],
    ] as const) {
      const bodies = [
        (await get(null, '/login', lang)).body,
        (await get(null, '/password/forgot', lang)).body + (await get(null, '/register', lang)).body,
        (await get(user, '/account', lang)).body,
        (await get(user, '/account/tokens', lang)).body,
      ].join('\n');
      for (const w of words) expect(bodies, `${lang}: ${w}`).toContain(w);
    }
  });

  it('shows the user menu: sign-in link when signed out; name, links and a sign-out form with the CSRF token when signed in', async () => {
    const anon = await get(null, '/search?q=x');
    expect(anon.body).toContain('href="/login?next=%2Fsearch%3Fq%3Dx"');
    const editor = await signIn(app, services, { name: 'Ed <i>', grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] });
    const page = (await get(editor, '/')).body;
    expect(page).toContain('Ed &lt;i&gt;');
    expect(page).not.toContain('Ed <i>');
    expect(page).toContain('href="/editor"');
    expect(page).not.toContain('href="/admin/people"');
    expect(page).toContain('href="/watch"');
    expect(page).toContain(`<form class="signout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${editor.csrf}">`);
    const adminPage = (await get(admin, '/')).body;
    expect(adminPage).toContain('href="/admin/people"');
    expect(adminPage).toContain('Site &lt;Admin&gt;');
    const plain = await signIn(app, services, []);
    expect((await get(plain, '/')).body).not.toContain('href="/editor"');
  });

  it('creates API tokens from the tokens page, shows the token once, and revokes it', async () => {
    const s = await signIn(app, services, [{ role: 'editor', scope: { kind: 'publisher', id: 'STDHUB' } }]);
    const page = (await get(s, '/account/tokens')).body;
    expect(page).toContain('value="standard.edit"');
    expect(page).not.toContain('value="account.manage"');
    const res = await app.inject({
      method: 'POST',
      url: '/account/tokens',
      headers: s.headers({ 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' }),
      payload: `name=ci&scopes=standard.edit&scopes=account.self&days=30&_csrf=${encodeURIComponent(s.csrf)}`,
    });
    expect(res.statusCode).toBe(201);
    const token = /<code class="token">(sth_[^<]+)<\/code>/.exec(res.body)?.[1];
    expect(token).toBeTruthy();
    expect((await get(s, '/account/tokens')).body).not.toContain(token!);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json().tokenScopes.sort()).toEqual(['account.self', 'standard.edit']);
    const [info] = await services.accounts.store.listTokens(s.userId);
    expect((await post(s, `/account/tokens/${info.id}/revoke`, {})).statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const bad = await post(s, '/account/tokens', { name: 'x', scopes: 'org.manage', days: '30' });
    expect(bad.statusCode).toBe(403);
  });

  it('changes the password (current one required) and ends the other sessions only', async () => {
    const user = await createUser(services);
    const a = await signIn(app, services, user);
    const b = await signIn(app, services, user);
    const wrong = await post(a, '/account/password', { current_password: 'nope', new_password: 'new password 1' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The current password is wrong');
    expect((await post(a, '/account/password', { current_password: user.password, new_password: 'new password 1' })).statusCode).toBe(303);
    expect((await get(a, '/account')).statusCode).toBe(200);
    expect((await get(b, '/account')).statusCode).toBe(401);
  });

  it('lets only admins reach the admin pages and the outbox', async () => {
    const plain = await signIn(app, services, []);
    for (const url of ['/admin/people', '/admin/orgs', '/dev/outbox']) {
      expect((await get(null, url)).statusCode, url).toBe(401);
      expect((await get(plain, url)).statusCode, url).toBe(403);
      expect((await get(admin, url)).statusCode, url).toBe(200);
    }
  });

  it('administers people: create (mailing a set-password link), search, grant a role, disable', async () => {
    const created = await post(admin, '/admin/people', { name: '李 <script>', email: 'li@example.org' });
    expect(created.statusCode).toBe(303);
    const id = /\/admin\/people\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1];
    expect((await services.mail.outbox.list({ to: 'li@example.org' }))[0].subject).toMatch(/Set a new password/);
    const outbox = (await get(admin, '/dev/outbox')).body;
    expect(outbox).toContain('li@example.org');
    const list = (await get(admin, '/admin/people?q=li%40')).body;
    expect(list).toContain('李 &lt;script&gt;');
    expect(list).not.toContain('<script>');
    await services.accounts.store.createOrg({ kind: 'publisher', subkind: 'national', code: 'SAC' }, { actor: 'test' }).catch(() => undefined);
    expect((await post(admin, `/admin/people/${id}/memberships`, { role: 'editor', org: 'SAC' })).statusCode).toBe(303);
    expect((await post(admin, `/admin/people/${id}/memberships`, { role: 'editor', org: 'NOPE' })).statusCode).toBe(400);
    const p = await principalFor(services, id);
    expect(can(p, 'standard.edit', { publisher: 'SAC' })).toBe(true);
    expect(can(p, 'standard.edit', { publisher: 'ISO' })).toBe(false);
    expect((await post(admin, `/admin/people/${id}/status`, { status: 'disabled' })).statusCode).toBe(303);
    expect((await services.accounts.store.getPerson(id))?.status).toBe('disabled');
    expect((await post(admin, `/admin/people/${admin.userId}/admin`, { admin: '0' })).statusCode).toBe(409);
    const verbs = (await services.db.selectFrom('event').select(['verb', 'actor']).where('actor', '=', `user:${admin.userId}`).execute()).map((e) => e.verb);
    expect(verbs).toEqual(expect.arrayContaining(['person.created', 'membership.granted', 'person.updated']));
  });

  it('administers organisations: publishers, committees with parent/secretariat/convenor and P/O members', async () => {
    expect((await post(admin, '/admin/orgs', { kind: 'publisher', subkind: 'association', code: 'CAS', name_zh: '中国标准化协会' })).statusCode).toBe(303);
    const cas = (await services.accounts.store.orgByCode('publisher', 'CAS'))!;
    expect((await post(admin, '/admin/orgs', { kind: 'committee', subkind: 'TC', code: 'CAS/TC 1', secretariat_org_id: cas.id, convenor_email: admin.email })).statusCode).toBe(303);
    const tc = (await services.accounts.store.orgByCode('committee', 'CAS/TC 1'))!;
    expect(tc).toMatchObject({ secretariatOrgId: cas.id, convenorPersonId: admin.userId });
    expect((await post(admin, '/admin/orgs', { kind: 'committee', subkind: 'SC', code: 'CAS/TC 1/SC 2', parent_id: tc.id })).statusCode).toBe(303);
    expect((await post(admin, '/admin/orgs', { kind: 'publisher', subkind: 'association', code: 'CAS' })).statusCode).toBe(409);
    expect((await post(admin, '/admin/orgs', { kind: 'enterprise', subkind: 'enterprise', code: 'ACME', name_en: 'Acme <Co>' })).statusCode).toBe(303);
    const member = await createUser(services, { email: 'member@example.org' });
    expect((await post(admin, `/admin/orgs/${tc.id}/members`, { email: 'member@example.org', role: 'committee_member', membership_type: 'O' })).statusCode).toBe(303);
    expect((await post(admin, `/admin/orgs/${tc.id}/members`, { body: 'ACME', role: 'committee_member', membership_type: 'P' })).statusCode).toBe(303);
    expect((await post(admin, `/admin/orgs/${tc.id}/members`, { email: 'member@example.org', role: 'editor' })).statusCode).toBe(400);
    const page = (await get(admin, `/admin/orgs/${tc.id}`)).body;
    expect(page).toContain('member@example.org');
    expect(page).toContain('ACME');
    expect(page).toContain('(O)');
    expect(page).toContain('(P)');
    expect((await post(admin, `/admin/orgs/${tc.id}`, { subkind: 'TC', code: 'CAS/TC 1', name_en: 'Widgets' })).statusCode).toBe(303);
    expect((await services.accounts.store.getOrg(tc.id))?.nameEn).toBe('Widgets');
    const p = await principalFor(services, member.id);
    expect(can(p, 'committee.read', { committee: 'CAS/TC 1' })).toBe(true);
    expect((await get(admin, '/admin/orgs?kind=enterprise', 'zh-CN')).body).toContain('Acme &lt;Co&gt;');
    const verbs = (await services.db.selectFrom('event').select('verb').where('object_type', '=', 'organisation').execute()).map((e) => e.verb);
    expect(verbs).toEqual(expect.arrayContaining(['org.created', 'org.updated']));
  });
});
