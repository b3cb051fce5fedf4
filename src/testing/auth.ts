/**
 * Test sign-in helpers (accounts). Users are created through the accounts service; signIn() performs a REAL
 * sign-in through GET + POST /login (pre-session CSRF, password check, session cookie), so tests exercise the
 * same path a browser takes.
 *
 *   const { id } = await createUser(services, { grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] });
 *   const s = await signIn(app, services, { email: 'ed@example.org', grants: [...] });
 *   await app.inject({ method: 'POST', url: '/x', headers: s.headers(), payload: { ... } });   // cookie + x-csrf-token
 *   const token = await apiToken(services, s.userId, ['standard.edit']);                     // 'sth_…'
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { MEMBERSHIP_ROLES, type MembershipRole, type OrgKind, type Person } from '../accounts/model.js';
import { ORG_SUBKINDS } from '../accounts/model.js';
import type { Grant, Principal } from '../accounts/principal.js';
import { sha256 } from '../accounts/secrets.js';

export interface TestMembership {
  role: MembershipRole;
  /** Organisation code (created when missing, of the kind the role needs). */
  org: string;
  membershipType?: 'P' | 'O';
}

export interface CreateUserSpec {
  email?: string;
  name?: string;
  /** Default 'correct horse battery'. */
  password?: string;
  admin?: boolean;
  /** Leave the address unverified (sign-in then answers email_not_verified). */
  unverified?: boolean;
  memberships?: TestMembership[];
  /** Grants to hold; scoped ones become memberships of organisations with those codes; 'admin' sets is_admin. */
  grants?: Grant[];
  /** Alias of grants. */
  roles?: Grant[];
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  person: Person;
}

export const TEST_PASSWORD = 'correct horse battery';
let seq = 0;

/** The organisation of a kind with a code, created when it does not exist yet. */
export async function ensureOrg(services: Services, kind: OrgKind, code: string): Promise<string> {
  const found = await services.accounts.store.orgByCode(kind, code);
  if (found) return found.id;
  const org = await services.accounts.store.createOrg({ kind, subkind: ORG_SUBKINDS[kind][0], code, nameEn: code }, { actor: 'test' });
  return org.id;
}

/** Creates an active, verified person with the given grants/memberships. */
export async function createUser(services: Services, spec: CreateUserSpec = {}): Promise<TestUser> {
  seq += 1;
  const email = (spec.email ?? `user${seq}-${Math.random().toString(36).slice(2, 8)}@example.org`).toLowerCase();
  const password = spec.password ?? TEST_PASSWORD;
  const grants = spec.grants ?? spec.roles ?? [];
  const admin = spec.admin || grants.some((g) => g.role === 'admin');
  let person = await services.accounts.createPerson({ email, name: spec.name ?? `Test User ${seq}`, password, admin }, 'test');
  if (spec.unverified) person = await services.accounts.store.updatePerson(person.id, { emailVerifiedAt: null }, { actor: 'test' });
  const ms: TestMembership[] = [...(spec.memberships ?? [])];
  for (const g of grants) {
    if (!g.scope || g.role === 'user' || g.role === 'admin') continue;
    ms.push({ role: g.role as MembershipRole, org: g.scope.id });
  }
  for (const m of ms) {
    const orgId = await ensureOrg(services, MEMBERSHIP_ROLES[m.role], m.org);
    await services.accounts.store.grantMembership(
      { personId: person.id, orgId, role: m.role, membershipType: m.role === 'committee_member' ? (m.membershipType ?? 'P') : null },
      { actor: 'test' },
    );
  }
  return { id: person.id, email, password, person };
}

/** The principal a person would have when signed in (for unit tests of use cases). */
export async function principalFor(services: Services, userId: string): Promise<Principal> {
  const person = await services.accounts.store.getPerson(userId);
  if (!person) throw new Error(`no person ${userId}`);
  return { kind: 'user', userId, name: person.name, grants: await services.accounts.grantsFor(person) };
}

export interface SignedInSession {
  /** Cookie header value carrying the session ('sid=…'). */
  cookie: string;
  /** The session's CSRF token (for `_csrf` fields or the x-csrf-token header). */
  csrf: string;
  /** The raw session id (cookie value). */
  sid: string;
  userId: string;
  email: string;
  password: string;
  /** Headers for app.inject: cookie and x-csrf-token, plus `extra`. */
  headers(extra?: Record<string, string>): Record<string, string>;
}

function setCookies(h: string | string[] | number | undefined): string[] {
  return h === undefined ? [] : Array.isArray(h) ? h : [String(h)];
}

/** The value of a cookie in a response's Set-Cookie headers. */
export function cookieSet(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  for (const c of setCookies(res.headers['set-cookie'] as string | string[] | undefined)) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** GET a signed-out form page and return its pre-session cookie and field value (for POSTing that form). */
export async function preSession(app: FastifyInstance, url = '/login'): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'GET', url });
  const token = cookieSet(res, 'csrf_pre');
  const field = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  if (!token || field !== token) throw new Error(`no pre-session token on ${url} (status ${res.statusCode})`);
  return { cookie: `csrf_pre=${token}`, csrf: token };
}

/**
 * Signs in through the real login form. `spec` is a new user's spec (or just their grants), or an existing
 * user: a TestUser from createUser(), or { existing: true, email, password } for people made otherwise.
 */
export async function signIn(
  app: FastifyInstance,
  services: Services,
  spec: Grant[] | CreateUserSpec | TestUser | { existing: true; email: string; password: string } = {},
): Promise<SignedInSession> {
  const user: { email: string; password: string } =
    'existing' in spec || ('id' in spec && 'person' in spec) ? spec : await createUser(services, Array.isArray(spec) ? { grants: spec } : spec);
  const pre = await preSession(app);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: pre.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email: user.email, password: user.password, _csrf: pre.csrf }).toString(),
  });
  const sid = cookieSet(res, 'sid');
  if (res.statusCode !== 303 || !sid) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
  const session = await services.accounts.store.getSession(sha256(sid));
  if (!session) throw new Error('sign-in created no session');
  const cookie = `sid=${sid}`;
  return {
    cookie,
    csrf: session.csrfToken,
    sid,
    userId: session.personId,
    email: user.email,
    password: user.password,
    headers: (extra = {}) => ({ cookie, 'x-csrf-token': session.csrfToken, ...extra }),
  };
}

/** A personal API token (plain value) for the user with these scopes (actions the user must hold). */
export async function apiToken(services: Services, userId: string, scopes: string[], opts: { name?: string; expiresInDays?: number } = {}): Promise<string> {
  const p = await principalFor(services, userId);
  const { token } = await services.accounts.createToken(p, { name: opts.name ?? 'test token', scopes, expiresInDays: opts.expiresInDays ?? 30 });
  return token;
}
