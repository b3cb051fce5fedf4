import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type RoutePolicy } from '../../src/accounts/policy.js';
import type { Services } from '../../src/app/container.js';
import { preSession } from '../../src/testing/auth.js';
import { testServices } from '../../src/testing/services.js';
import { t } from '../../src/web/i18n/index.js';
import { buildServer } from '../../src/web/server.js';
import { MATRIX_ROLES, signInAs, type MatrixRole, type Session } from './roles.js';
import { fillPath, ROUTE_FIXTURES, routesOf, seedStandard, SEEDED } from './support.js';

/**
 * The permission matrix, generated from app.routeTable after buildServer: every route × every role, one real
 * request each (sessions from the real login form, path parameters from the fixture table, state-changing requests
 * with the role's CSRF token and an empty body). Expectations follow the route's declared policy:
 *   'public'      → nobody is refused (no 401/403 access refusal);
 *   'signed_in'   → anonymous 401, everyone else passes;
 *   { action }    → anonymous 401, roles without the action 403, roles with it pass.
 * A role that holds the action only in ANOTHER scope (the editor of another publisher on a route addressing the
 * seeded SAC standard) passes the route check; its handler may then refuse the object (403, or 404 for hidden
 * objects) — printed as 403ᵒ/404ᵒ. Routes added by any domain are picked up automatically.
 */
let services: Services & { close(): Promise<void> };
let app: FastifyInstance;
const sessions = new Map<MatrixRole, Session>();
let pre: { cookie: string; csrf: string };

const REFUSAL_TEXT = {
  unauthenticated: t('en', 'error.unauthenticated'),
  forbidden: t('en', 'error.forbidden'),
  csrf_failed: t('en', 'error.csrf_failed'),
};
type Refusal = keyof typeof REFUSAL_TEXT;

/** Why a response refused access (or null when it did not): from the JSON code, the page text or a login redirect. */
function refusalOf(method: string, res: { statusCode: number; body: string; headers: Record<string, unknown> }): Refusal | null {
  // A page may send an anonymous visitor to the sign-in form instead of a 401 page (a GET redirected to
  // /login?next=…); a POST that redirects to /login (sign-out) has simply done its work.
  if (method === 'GET' && (res.statusCode === 302 || res.statusCode === 303) && /^\/login\?/.test(String(res.headers.location ?? ''))) return 'unauthenticated';
  if (res.statusCode !== 401 && res.statusCode !== 403) return null;
  try {
    const code = JSON.parse(res.body)?.error;
    if (code === 'unauthenticated' || code === 'forbidden' || code === 'csrf_failed') return code;
    if (typeof code === 'string') return null; // invalid_credentials, invalid_token, email_not_verified, text_not_disclosed …
  } catch {
    /* an HTML page */
  }
  for (const [code, text] of Object.entries(REFUSAL_TEXT)) if (res.body.includes(text)) return code as Refusal;
  return null;
}

function policyLabel(p: RoutePolicy | undefined): string {
  return p === undefined ? 'NONE' : typeof p === 'string' ? p : p.action;
}

/** Seeded-object scope: the organisations the fixture parameters point at. */
const SEEDED_SCOPE = { publisher: SEEDED.body };

beforeAll(async () => {
  services = await testServices({ RATE_LIMIT_ENABLED: 'false' });
  await seedStandard(services);
  app = await buildServer(services);
  await app.ready();
  for (const role of MATRIX_ROLES) sessions.set(role, await signInAs(app, services, role));
  pre = await preSession(app);
  // A real unpublished object of the seeded publisher: a revision draft of the seeded standard, so the draft
  // routes answer the SAC editor and hide the draft (404) from the editor of another publisher.
  const rev = await app.inject({ method: 'POST', url: `/api/v1/editor/standards/${SEEDED.id}/revision`, headers: sessions.get('admin')!.headers });
  if (rev.statusCode !== 200) throw new Error(`could not open a revision draft: ${rev.statusCode} ${rev.body.slice(0, 200)}`);
  const draftId = (rev.json() as { id: string }).id;
  ROUTE_FIXTURES.push({ prefix: '/editor/drafts/', param: 'id', value: draftId }, { prefix: '/api/v1/editor/drafts/', param: 'id', value: draftId });
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

async function stillSignedIn(s: Session): Promise<boolean> {
  if (!s.cookie) return true;
  const p = await services.auth.authenticate({ cookie: s.cookie, ip: '127.0.0.1' });
  return p.kind === 'user';
}

describe('permission matrix (generated from the route table)', () => {
  it('every route declares a policy', () => {
    const missing = routesOf(app).filter((r) => r.policy === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('every route × role answers as its policy says', async () => {
    const routes = routesOf(app).sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    const failures: string[] = [];
    const table: string[][] = [];
    for (const r of routes) {
      const row = [`${r.method} ${r.url}`, policyLabel(r.policy)];
      const hasParams = /[:*]/.test(r.url);
      for (const role of MATRIX_ROLES) {
        let s = sessions.get(role)!;
        const unsafe = r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'OPTIONS';
        const headers: Record<string, string> = { 'accept-language': 'en', ...s.headers };
        if (role === 'anonymous' && unsafe) Object.assign(headers, { cookie: pre.cookie, 'x-csrf-token': pre.csrf });
        // Each role calls from its own address: failed sign-in attempts the matrix makes (POST /login with an empty
        // body) must not lock the test's own sign-ins (from loopback) out through the per-address login throttle.
        const remoteAddress = `192.0.2.${MATRIX_ROLES.indexOf(role) + 10}`;
        const opts: InjectOptions = { method: r.method as InjectOptions['method'], url: fillPath(r.url), headers, remoteAddress };
        if (unsafe) Object.assign(opts, { payload: '{}', headers: { ...headers, 'content-type': 'application/json' } });
        const res = await app.inject(opts);
        const refusal = refusalOf(r.method, res);
        // Decide what was expected.
        const p = r.policy;
        let ok: boolean;
        let mark = '';
        if (p === undefined) ok = false;
        else if (p === 'public') ok = refusal === null;
        else if (role === 'anonymous') ok = refusal === 'unauthenticated';
        else if (p === 'signed_in') ok = refusal === null;
        else {
          const principal = s.principal!;
          const anywhere = can(principal, p.action);
          const here = can(principal, p.action, SEEDED_SCOPE);
          if (!anywhere) ok = refusal === 'forbidden';
          else if (!here && hasParams && (refusal === 'forbidden' || res.statusCode === 404)) {
            ok = true;
            mark = 'ᵒ';
          } else ok = refusal === null;
        }
        row.push(`${res.statusCode}${mark}${ok ? '' : '✗'}`);
        if (!ok) failures.push(`${r.method} ${r.url} [${policyLabel(p)}] as ${role}: ${res.statusCode} (${refusal ?? 'no refusal'})`);
        // A state-changing request may have ended the session (sign out, …): sign in again for the next route.
        if (unsafe && role !== 'anonymous' && !(await stillSignedIn(s))) {
          s = await signInAs(app, services, role);
          sessions.set(role, s);
        }
      }
      table.push(row);
    }
    const header = ['route', 'policy', ...MATRIX_ROLES];
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
    console.log(
      [
        `Permission matrix: ${routes.length} routes × ${MATRIX_ROLES.length} roles (status per role; ✗ = unexpected, ᵒ = refused by the object's scope)`,
        line(header),
        widths.map((w) => '-'.repeat(w)).join('-|-'),
        ...table.map(line),
      ].join('\n'),
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
