import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, loadDemo } from '../demo/load.js';
import type { ImportReport } from '../kernel/diagnostics.js';
import { AppError, httpStatusOf } from '../kernel/errors.js';
import { FACET_NAMES } from '../search/ports.js';
import { testServices } from '../testing/services.js';
import { buildServer } from '../web/server.js';
import { openApiDocument } from './openapi.js';
import { apiPlugin } from './plugin.js';

/**
 * In-process API tests (app.inject, no sockets) through the real web server (its error handler renders the JSON
 * errors), on a temporary database loaded by the demo loader from a copy of the shipped demo data whose RFC
 * index is cut down to the entries these tests look at (the full index is covered by src/demo/load.test.ts).
 */

/** RFCs kept from the real index: the HTTP chain plus the RFCs the demo association standard cites. */
const RFCS = new Set([2068, 2616, 7230, 7231, 7232, 7233, 7234, 7235, 9110, 9111, 9112, 2119, 3339, 3986, 5646, 8259]);

/** A copy of demo/ with an RFC index holding only the RFCS entries (header kept, entries unmodified). */
function demoSubset(root: string): string {
  const dir = join(root, 'demo');
  cpSync(DEMO_DIR, dir, { recursive: true });
  const text = readFileSync(join(DEMO_DIR, 'ietf', 'rfc-index.txt'), 'utf8');
  const lines = text.split('\n');
  const first = lines.findIndex((l) => /^1 /.test(l));
  const out = lines.slice(0, first);
  let keep = false;
  for (const l of lines.slice(first)) {
    const m = /^(\d+) /.exec(l);
    if (m) keep = RFCS.has(Number(m[1]));
    if (keep) out.push(l);
  }
  writeFileSync(join(dir, 'ietf', 'rfc-index.txt'), out.join('\n'));
  return dir;
}

let services: Awaited<ReturnType<typeof testServices>>;
let app: FastifyInstance;
let reports: ImportReport[];

beforeAll(async () => {
  services = await testServices();
  const dir = demoSubset(services.dir);
  mkdirSync(join(services.dir, 'no-shared-data'));
  reports = await loadDemo(services, { dir, sharedData: join(services.dir, 'no-shared-data') });
  app = await buildServer(services);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await services?.close();
});

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  let body: any = null;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, headers: res.headers };
}

const enc = encodeURIComponent;

describe('demo data used by these tests', () => {
  it('loads without failures', () => {
    for (const r of reports) {
      expect(r.counts.failed, `${r.importer}: ${JSON.stringify(r.diagnostics.slice(0, 3))}`).toBe(0);
      expect(r.diagnostics.filter((d) => d.severity === 'abort')).toEqual([]);
    }
    expect(reports.find((r) => r.importer === 'rfc-index')?.counts.created).toBe(RFCS.size);
  });
});

describe('GET /api/v1/search', () => {
  it('returns the documented shape', async () => {
    const { status, body, headers } = await get('/api/v1/search?q=HTTP');
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(body.total).toBeGreaterThan(0);
    expect(body.page).toBe(1);
    expect(body.pageSize).toBe(20);
    expect(Object.keys(body.facets).sort()).toEqual([...FACET_NAMES].sort());
    const item = body.items[0];
    expect(Object.keys(item).sort()).toEqual(
      ['id', 'number', 'title', 'status', 'body', 'docType', 'nature', 'year', 'matchedBy', 'successors', 'highlights'].sort(),
    );
    expect(typeof item.title).toBe('object');
    expect(body.items.every((i: any) => i.body === 'IETF')).toBe(true);
  });

  it('finds a standard by its number first', async () => {
    const { body } = await get(`/api/v1/search?q=${enc('GB/T 29772-2024')}`);
    expect(body.items[0].number).toBe('GB/T 29772-2024');
    expect(body.items[0].matchedBy).toBe('number');
  });

  it('finds Chinese titles and shows the successor of a replaced edition', async () => {
    const { status, body } = await get(`/api/v1/search?q=${enc('防火门')}`);
    expect(status).toBe(200);
    const numbers = body.items.map((i: any) => i.number);
    expect(numbers).toContain('GB 12955-2024');
    expect(numbers).toContain('GB 12955-2008');
    const old = body.items.find((i: any) => i.number === 'GB 12955-2008');
    expect(old.successors.map((s: any) => s.number)).toContain('GB 12955-2024');
    const cur = body.items.find((i: any) => i.number === 'GB 12955-2024');
    expect(cur.title.zh).toBe('防火门');
    expect(cur.nature).toBe('mandatory');
  });

  it('applies filters given as repeated parameters or comma lists alike', async () => {
    const repeated = await get('/api/v1/search?body=SAC&body=STDHUB&pageSize=100');
    const comma = await get('/api/v1/search?body=SAC,STDHUB&pageSize=100');
    expect(repeated.status).toBe(200);
    expect(repeated.body.total).toBe(7);
    expect(comma.body).toEqual(repeated.body);
    expect(new Set(repeated.body.items.map((i: any) => i.body))).toEqual(new Set(['SAC', 'STDHUB']));
    const mandatory = await get('/api/v1/search?nature=mandatory&pageSize=100');
    expect(mandatory.body.items.map((i: any) => i.number).sort()).toEqual(['GB 12955-2008', 'GB 12955-2024']);
    const ics = await get('/api/v1/search?ics=01');
    expect(ics.body.items.map((i: any) => i.number)).toEqual(['T/STDHUB 1-2025']);
    const years = await get('/api/v1/search?body=IETF&yearFrom=2022&yearTo=2022&pageSize=100');
    expect(years.body.items.map((i: any) => i.number).sort()).toEqual(['RFC 9110', 'RFC 9111', 'RFC 9112']);
  });

  it('pages with pageSize up to 100', async () => {
    const p1 = await get('/api/v1/search?body=IETF&sort=number&pageSize=5&page=1');
    const p2 = await get('/api/v1/search?body=IETF&sort=number&pageSize=5&page=2');
    expect(p1.body.total).toBe(RFCS.size);
    expect(p1.body.items).toHaveLength(5);
    expect(p2.body.page).toBe(2);
    const ids1 = p1.body.items.map((i: any) => i.id);
    for (const i of p2.body.items) expect(ids1).not.toContain(i.id);
    expect((await get('/api/v1/search?pageSize=100')).status).toBe(200);
  });
});

describe('GET /api/v1/standards/{numberOrId}', () => {
  const forms: [string, string][] = [
    ['GB%2FT%2029772-2024', 'GB-T-29772-2024'],
    ['gbt%2029772', 'GB-T-29772-2024'],
    ['GB%2FT29772-2024', 'GB-T-29772-2024'],
    [enc('ＧＢ／Ｔ　２９７７２－２０２４'), 'GB-T-29772-2024'],
    ['GB-T-29772-2024', 'GB-T-29772-2024'],
    ['RFC-9110', 'RFC-9110'],
    ['RFC%209110', 'RFC-9110'],
    ['rfc9110', 'RFC-9110'],
    // A number without a year is the current edition: 2024 (in force since 2026-05-01), not the replaced 2008 one.
    ['GB%2012955', 'GB-12955-2024'],
    ['GB%2012955-2008', 'GB-12955-2008'],
    ['T%2FSTDHUB%201-2025', 'T-STDHUB-1-2025'],
  ];
  for (const [typed, id] of forms)
    it(`resolves ${decodeURIComponent(typed)} → ${id}`, async () => {
      const { status, body } = await get(`/api/v1/standards/${typed}`);
      expect(status).toBe(200);
      expect(body.standard.id).toBe(id);
      expect(body.links.self).toBe(`/api/v1/standards/${id}`);
      expect(body.links.html).toBe(`/std/${id}`);
    });

  it('returns the full record', async () => {
    const { body } = await get('/api/v1/standards/T-STDHUB-1-2025');
    const s = body.standard;
    expect(s.body).toBe('STDHUB');
    expect(s.titles.map((t: any) => t.lang)).toEqual(expect.arrayContaining(['zh', 'en']));
    expect(s.abstracts.map((a: any) => a.lang).sort()).toEqual(['en', 'zh']);
    expect(s.classifications).toEqual([{ scheme: 'ics', code: '01.120' }]);
    expect(s.relations.map((r: any) => r.target)).toEqual(expect.arrayContaining(['RFC 3339', 'RFC 8259']));
  });

  it('answers 404 standard_not_found as JSON', async () => {
    for (const url of ['/api/v1/standards/GB%2FT%2099999-2099', '/api/v1/standards/nothing-here', '/api/v1/standards/RFC-999999/relations']) {
      const { status, body } = await get(url);
      expect(status, url).toBe(404);
      expect(body.error, url).toBe('standard_not_found');
      expect(typeof body.message).toBe('string');
    }
  });

  it('rejects an over-long number with a 4xx JSON error', async () => {
    // Fastify's router refuses path parameters over 100 characters (414) before the route's own 200-character check.
    const { status, body } = await get(`/api/v1/standards/${'9'.repeat(201)}`);
    expect([400, 414]).toContain(status);
    expect(typeof body.error).toBe('string');
  });

  it('checks the length itself where the router allows long parameters (400 invalid_identifier)', async () => {
    const bare = Fastify({ routerOptions: { maxParamLength: 1000 } });
    bare.setErrorHandler((err: any, _req, reply) => {
      reply.status(err instanceof AppError ? httpStatusOf(err.code) : 500).send({ error: err.code, message: err.message });
    });
    await bare.register(apiPlugin, { prefix: '/api', services });
    const res = await bare.inject(`/api/v1/standards/${'9'.repeat(201)}`);
    await bare.close();
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_identifier');
  });
});

describe('relations, editions, history', () => {
  it('shows relations in both directions, resolved to records', async () => {
    const cur = await get('/api/v1/standards/GB%2012955-2024/relations');
    expect(cur.status).toBe(200);
    expect(cur.body.number).toBe('GB 12955-2024');
    const replaces = cur.body.items.find((r: any) => r.type === 'replaces');
    expect(replaces).toMatchObject({ target: 'GB 12955-2008', targetId: 'GB-12955-2008' });
    const old = await get('/api/v1/standards/GB-12955-2008/relations');
    expect(old.body.items.find((r: any) => r.type === 'replacedBy')).toMatchObject({ targetId: 'GB-12955-2024' });
    const rfc = await get('/api/v1/standards/RFC-7231/relations');
    expect(rfc.body.items.some((r: any) => r.targetId === 'RFC-9110')).toBe(true);
  });

  it('lists editions newest first', async () => {
    const { status, body } = await get('/api/v1/standards/GB%2012955-2008/editions');
    expect(status).toBe(200);
    expect(body.items.map((s: any) => s.id)).toEqual(['GB-12955-2024', 'GB-12955-2008']);
  });

  it('gives the event history', async () => {
    const { status, body } = await get('/api/v1/standards/RFC-9110/history');
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({ verb: 'standard.created', actor: 'demo:rfc-index' });
  });
});

describe('classifications, stats, vocabularies', () => {
  it('lists the top level of ICS with counts', async () => {
    const { status, body } = await get('/api/v1/classifications/ics');
    expect(status).toBe(200);
    expect(body.total).toBe(1381);
    expect(body.items.length).toBe(40);
    expect(body.items.find((n: any) => n.code === '01')).toMatchObject({ count: 1, hasChildren: true });
  });

  it('shows a node with its ancestors and children', async () => {
    const { status, body } = await get('/api/v1/classifications/ics/01.120');
    expect(status).toBe(200);
    expect(body.node).toMatchObject({ code: '01.120', titleEn: 'Standardization. General rules', count: 1 });
    expect(body.ancestors.map((a: any) => a.code)).toEqual(['01']);
    expect(Array.isArray(body.children)).toBe(true);
  });

  it('answers 404 not_found for unknown schemes and codes', async () => {
    for (const url of ['/api/v1/classifications/xyz', '/api/v1/classifications/ics/99.999', '/api/v1/vocabularies/nope']) {
      const { status, body } = await get(url);
      expect(status, url).toBe(404);
      expect(body.error, url).toBe('not_found');
    }
  });

  it('counts by body and status', async () => {
    const { status, body } = await get('/api/v1/stats');
    expect(status).toBe(200);
    expect(body.total).toBe(RFCS.size + 7);
    expect(body.byBody).toEqual(expect.arrayContaining([{ body: 'IETF', count: RFCS.size }, { body: 'SAC', count: 6 }, { body: 'STDHUB', count: 1 }]));
  });

  it('serves vocabularies with zh/en labels', async () => {
    const { body } = await get('/api/v1/vocabularies/status');
    expect(body.items.find((e: any) => e.code === 'current')).toMatchObject({ zh: '现行', en: 'Current' });
    const kinds = await get('/api/v1/vocabularies');
    expect(kinds.body.items.map((k: any) => k.kind)).toContain('relation_type');
  });
});

describe('bad query parameters → 400 invalid_query naming the parameter', () => {
  const bad: [string, string][] = [
    ['pageSize=101', 'pageSize'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=abc', 'pageSize'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['sort=bogus', 'sort'],
    ['status=curent', 'status'],
    ['nature=optional', 'nature'],
    ['docType=novel', 'docType'],
    ['yearFrom=abc', 'yearFrom'],
    ['yearTo=20250', 'yearTo'],
    ['yearFrom=2025&yearTo=2020', 'yearFrom'],
    ['ics=abc', 'ics'],
    ['ccs=123', 'ccs'],
    ['body=%3Cscript%3E', 'body'],
    ['q=a&q=b', 'q'],
    [`q=${'x'.repeat(501)}`, 'q'],
    [`status=${Array.from({ length: 21 }, () => 'current').map((s, i) => s + i).join(',')}`, 'status'],
  ];
  for (const [qs, param] of bad)
    it(qs.length > 60 ? `${qs.slice(0, 60)}…` : qs, async () => {
      const { status, body } = await get(`/api/v1/search?${qs}`);
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_query');
      expect(body.details?.param).toBe(param);
      expect(body.message).toContain(param);
    });
});

describe('hostile input', () => {
  const hostile = [
    '"',
    "'",
    '*',
    'NEAR(',
    ')(',
    'a AND OR NOT',
    '-',
    '^',
    ':',
    'title:x',
    '{}',
    '\u0000',
    '%',
    '_',
    '\\',
    '😀🚀',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '"; DROP TABLE standard; --',
    'GB/T',
    '//',
    '电池 OR',
    'x'.repeat(500),
    '\u202e\u200b',
  ];
  for (const q of hostile)
    it(`q=${JSON.stringify(q.slice(0, 30))} → 200`, async () => {
      const { status, body } = await get(`/api/v1/search?q=${enc(q)}`);
      expect(status).toBe(200);
      expect(Array.isArray(body.items)).toBe(true);
    });

  const injections = [
    "' OR '1'='1",
    '1; DROP TABLE standard; --',
    '" OR ""="',
    "1' UNION SELECT sql FROM sqlite_master --",
    ') OR 1=1 --',
    '%27%20OR%201%3D1',
    '../../etc/passwd',
  ];
  const params = ['q', 'body', 'status', 'nature', 'docType', 'ics', 'ccs', 'yearFrom', 'yearTo', 'sort', 'page', 'pageSize'];
  it('SQL injection strings in every query parameter never give a 5xx', async () => {
    for (const p of params)
      for (const s of injections) {
        const { status, body } = await get(`/api/v1/search?${p}=${enc(s)}`);
        expect(status, `${p}=${s}`).toBeLessThan(500);
        if (status !== 200) expect(body.error, `${p}=${s}`).toBe('invalid_query');
      }
  });

  it('SQL injection strings in every path parameter never give a 5xx', async () => {
    const routes = (s: string) => [
      `/api/v1/standards/${s}`,
      `/api/v1/standards/${s}/relations`,
      `/api/v1/standards/${s}/editions`,
      `/api/v1/standards/${s}/history`,
      `/api/v1/classifications/${s}`,
      `/api/v1/classifications/ics/${s}`,
      `/api/v1/classifications/ccs/${s}`,
      `/api/v1/vocabularies/${s}`,
    ];
    for (const s of injections)
      for (const url of routes(enc(s))) {
        const { status, body } = await get(url);
        expect(status, url).toBeGreaterThanOrEqual(400);
        expect(status, url).toBeLessThan(500);
        expect(typeof body.error, url).toBe('string');
      }
    // The database is intact.
    expect((await get('/api/v1/stats')).body.total).toBe(RFCS.size + 7);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI
// ---------------------------------------------------------------------------------------------------------------

type Json = any;

/** A small JSON Schema checker for the subset openapi.ts uses; returns the first problem or null. */
function check(value: Json, schema: Json, components: Record<string, Json>, path = '$'): string | null {
  if (schema.$ref) return check(value, components[schema.$ref.replace('#/components/schemas/', '')], components, path);
  if (schema.allOf) {
    for (const s of schema.allOf) {
      const p = check(value, s, components, path);
      if (p) return p;
    }
    return null;
  }
  if (schema.oneOf) return schema.oneOf.some((s: Json) => check(value, s, components, path) === null) ? null : `${path}: matches no oneOf`;
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${path}: expected ${types.join('|')}, got ${actual}`;
  }
  if (schema.enum && !schema.enum.includes(value)) return `${path}: ${JSON.stringify(value)} not in enum`;
  if (Array.isArray(value) && schema.items) {
    for (const [i, v] of value.entries()) {
      const p = check(v, schema.items, components, `${path}[${i}]`);
      if (p) return p;
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) return `${path}: missing ${r}`;
    for (const [k, v] of Object.entries(value)) {
      const s = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : null);
      if (s) {
        const p = check(v, s, components, `${path}.${k}`);
        if (p) return p;
      }
    }
  }
  return null;
}

describe('GET /api/openapi.json', () => {
  let doc: Json;
  beforeAll(async () => {
    doc = (await get('/api/openapi.json')).body;
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('stdhub API');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('describes every registered route and its path parameters, and nothing else', async () => {
    // A bare Fastify instance records what the plugin registers.
    const bare = Fastify();
    const routes: { method: string; url: string }[] = [];
    bare.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m.toLowerCase(), url: r.url });
    });
    await bare.register(apiPlugin, { prefix: '/api', services });
    await bare.ready();
    await bare.close();
    const api = routes.filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThanOrEqual(11);
    const templated = api.map((r) => ({ ...r, path: r.url.replace(/:(\w+)/g, '{$1}') }));
    for (const r of templated) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op, `${r.method.toUpperCase()} ${r.path}`).toBeDefined();
      const declared = (op.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name).sort();
      const inPath = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(declared, r.path).toEqual(inPath);
      expect(op.responses['200'], r.path).toBeDefined();
    }
    const registered = new Set(templated.map((r) => `${r.method} ${r.path}`));
    for (const [path, ops] of Object.entries<Json>(doc.paths))
      for (const method of Object.keys(ops)) expect(registered.has(`${method} ${path}`), `documented but not registered: ${method} ${path}`).toBe(true);
  });

  it('every $ref resolves', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(doc.components.schemas[r], r).toBeDefined();
  });

  it('matches what the routes actually answer', async () => {
    const cases: [string, string, string][] = [
      ['/api/v1/search?q=HTTP', '/api/v1/search', '200'],
      [`/api/v1/search?q=${enc('防火门')}`, '/api/v1/search', '200'],
      ['/api/v1/standards/GB%2012955-2024', '/api/v1/standards/{numberOrId}', '200'],
      ['/api/v1/standards/RFC-9110', '/api/v1/standards/{numberOrId}', '200'],
      ['/api/v1/standards/T-STDHUB-1-2025', '/api/v1/standards/{numberOrId}', '200'],
      ['/api/v1/standards/RFC-9110/relations', '/api/v1/standards/{numberOrId}/relations', '200'],
      ['/api/v1/standards/GB-12955-2024/editions', '/api/v1/standards/{numberOrId}/editions', '200'],
      ['/api/v1/standards/GB-12955-2024/history', '/api/v1/standards/{numberOrId}/history', '200'],
      ['/api/v1/classifications/ics', '/api/v1/classifications/{scheme}', '200'],
      ['/api/v1/classifications/ics/01.120', '/api/v1/classifications/{scheme}/{code}', '200'],
      ['/api/v1/stats', '/api/v1/stats', '200'],
      ['/api/v1/vocabularies', '/api/v1/vocabularies', '200'],
      ['/api/v1/vocabularies/relation_type', '/api/v1/vocabularies/{kind}', '200'],
      ['/api/v1/search?pageSize=500', '/api/v1/search', '400'],
      ['/api/v1/standards/nothing', '/api/v1/standards/{numberOrId}', '404'],
      ['/api/v1/classifications/ics/99', '/api/v1/classifications/{scheme}/{code}', '404'],
    ];
    for (const [url, path, code] of cases) {
      const res = await get(url);
      expect(String(res.status), url).toBe(code);
      const schema = doc.paths[path].get.responses[code].content['application/json'].schema;
      expect(check(res.body, schema, doc.components.schemas), url).toBeNull();
    }
  });

  it('uses PUBLIC_URL as the server when configured', () => {
    const d = openApiDocument({ prefix: '/api', publicUrl: 'https://standards.example.org/' }) as Json;
    expect(d.servers).toEqual([{ url: 'https://standards.example.org' }]);
    expect(Object.keys(d.paths).every((p) => p.startsWith('/api/'))).toBe(true);
  });
});
