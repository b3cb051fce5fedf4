import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { RouteEntry } from '../../src/web/route-policy.js';
import type { Services } from '../../src/app/container.js';
import { record } from '../../src/catalogue/store.case.js';

/** The seeded standard every path parameter naming a standard points at (publisher SAC). */
export const SEEDED = { id: 'GB-T-99300-2026', number: 'GB/T 99300-2026', body: 'SAC' } as const;
/** The publisher of the "editor of ANOTHER publisher" role. */
export const OTHER_PUBLISHER = 'ISO';

/**
 * Values for path parameters, keyed by parameter name. Parameters not listed get `unknown-<name>`: a route then
 * answers 404 for it, which every assertion of the security suites accepts (they look for 401/403/5xx).
 */
export const PARAM_FIXTURES: Record<string, string> = {
  id: SEEDED.id,
  numberOrId: SEEDED.id,
  stdId: SEEDED.id,
  '*': SEEDED.id,
  anchor: '1',
  scheme: 'ics',
  code: '13',
  kind: 'status',
  body: SEEDED.body,
  publisher: SEEDED.body,
  lang: 'zh',
};

/**
 * Values for a parameter of routes under a prefix, checked before PARAM_FIXTURES: `:id` of /editor/drafts/… is a
 * draft id, not a standard id. Suites add real objects here (e.g. a draft of the seeded standard) so that the
 * object-level checks of those routes are exercised too, not only their 404 for unknown ids.
 */
export const ROUTE_FIXTURES: { prefix: string; param: string; value: string }[] = [];

/** A route URL with its parameters filled from the fixtures (or `value` for every parameter when given). */
export function fillPath(url: string, value?: string): string {
  const fixture = (name: string) => ROUTE_FIXTURES.find((f) => f.param === name && url.startsWith(f.prefix))?.value ?? PARAM_FIXTURES[name];
  return url
    .replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, (_m, name: string) => encodeURIComponent(value ?? fixture(name) ?? `unknown-${name}`))
    .replace(/\*$/, value !== undefined ? encodeURIComponent(value) : PARAM_FIXTURES['*']);
}

/** Routes of the table, without Fastify's automatic HEAD twins (same handler and policy as the GET). */
export function routesOf(app: FastifyInstance): RouteEntry[] {
  const seen = new Set<string>();
  return app.routeTable.filter((r) => {
    const k = `${r.method} ${r.url}`;
    if (r.method === 'HEAD' || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/**
 * Query parameter names the application reads, found in the web and API sources (req.query.x, Querystring
 * types, query.get('x'), zod query schemas) plus the usual ones — so routes added by other domains are covered
 * without listing their parameters here.
 */
export function queryParamNames(): string[] {
  const names = new Set(['q', 'page', 'pageSize', 'sort', 'status', 'body', 'nature', 'docType', 'ics', 'ccs', 'yearFrom', 'yearTo', 'from', 'to', 'lang', 'text', 'view', 'v', 'id', 'type', 'object', 'verb', 'person', 'actor', 'cursor', 'limit', 'kind', 'scheme', 'code', 'year', 'state', 'stage', 'committee', 'publisher', 'next', 'return', 'returnTo', 'token', 'email', 'name', 'before', 'after', 'done', 'error', 'format', 'asOf', 'date']);
  const files = [...walk(join(SRC, 'web')), ...walk(join(SRC, 'api'))];
  for (const f of files) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/(?:req\.)?query\.([A-Za-z_][A-Za-z0-9_]*)/g)) if (!['get', 'has', 'set', 'delete', 'toString'].includes(m[1])) names.add(m[1]);
    for (const m of s.matchAll(/(?:query|searchParams|params)\.get\('([A-Za-z_][A-Za-z0-9_]*)'\)/g)) names.add(m[1]);
    for (const m of s.matchAll(/Querystring:\s*\{([^}]*)\}/g)) for (const k of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\??:/g)) names.add(k[1]);
  }
  return [...names].sort();
}

/** Seeds the standard the fixtures point at; its title and abstract may carry test payloads. */
export async function seedStandard(services: Services, over: { title?: string; abstract?: string } = {}): Promise<void> {
  await services.catalogue.upsert(
    record({
      id: SEEDED.id,
      number: SEEDED.number,
      body: SEEDED.body,
      titles: [
        { lang: 'zh', type: 'main', text: over.title ?? '安全测试标准' },
        { lang: 'en', type: 'main', text: over.title ?? 'Security test standard' },
      ],
      abstracts: over.abstract ? [{ lang: 'en', text: over.abstract }] : [],
    }),
    { actor: 'importer:test' },
  );
}

/** Number of rows in the standard table (to prove an injection string dropped or emptied nothing). */
export async function standardCount(services: Services): Promise<number> {
  const r = await services.db.selectFrom('standard').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
