import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityApp, type SecurityApp } from './app.js';
import { fillPath, queryParamNames, routesOf, SEEDED, standardCount } from './support.js';
const SEEDED_ID = SEEDED.id;
import { signInAs, type Session } from './roles.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { apiToken } from '../../src/testing/auth.js';

/**
 * SQL injection and path traversal, generated from the route table: every GET route, every query parameter the
 * sources read, every path parameter — as an anonymous visitor and as an administrator (who reaches every
 * route). Nothing may answer 5xx, the standard table keeps its rows, and no file content leaks.
 */
let services: SecurityApp['services'];
let app: FastifyInstance;
let admin: Session;
let close: (() => Promise<void>) | undefined;

const SQLI = ["' OR 1=1 --", '"; DROP TABLE standard; --', '%27', '\u2019 OR \u20181\u2019=\u20181', "1' UNION SELECT name FROM sqlite_master --", "') OR ('x'='x", '1;DELETE FROM event'];
const TRAVERSAL = ['../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\..\\etc\\passwd', '....//....//etc/passwd', '/etc/passwd', '..%5c..%5cetc%5cpasswd', '%252e%252e%252fetc%252fpasswd'];
/** What /etc/passwd looks like: if any response carries this, a file leaked. */
const LEAK = /root:.*:0:0:/;

beforeAll(async () => {
  ({ services, app, admin, close } = await securityApp());
});
afterAll(() => close?.());

describe('SQL injection strings in every query and path parameter of every GET route', () => {
  it('never answer 5xx, and the standard and event tables keep their rows', async () => {
    const before = await standardCount(services);
    const events = await services.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const names = queryParamNames();
    const gets = routesOf(app).filter((r) => r.method === 'GET');
    const failures: string[] = [];
    let requests = 0;
    for (const r of gets) {
      const urls: string[] = [];
      // One parameter at a time (a strict API refuses the first bad one and would hide the rest) …
      names.forEach((n, i) => urls.push(`${fillPath(r.url)}?${n}=${encodeURIComponent(SQLI[i % SQLI.length])}`));
      // … every payload in every parameter at once, and in the path parameters.
      for (const s of SQLI) {
        urls.push(`${fillPath(r.url)}?${names.map((n) => `${n}=${encodeURIComponent(s)}`).join('&')}`);
        if (/[:*]/.test(r.url)) urls.push(fillPath(r.url, s));
      }
      for (const url of urls)
        // Anonymous callers reach the handlers of public routes only (the rest refuse them before any query).
        for (const headers of r.policy === 'public' ? [{}, admin.headers] : [admin.headers]) {
          const res = await app.inject({ method: 'GET', url, headers });
          requests++;
          if (res.statusCode >= 500) failures.push(`${res.statusCode} GET ${url}${headers === admin.headers ? ' (admin)' : ''}`);
        }
    }
    console.log(`SQL injection: ${requests} requests over ${gets.length} GET routes and ${names.length} query parameters`);
    expect(failures).toEqual([]);
    expect(await standardCount(services)).toBe(before);
    const after = await services.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBeGreaterThanOrEqual(Number(events.n));
  }, 600_000);
});

describe('path traversal on every route with a path parameter (downloads, source, uploads, …)', () => {
  it('is refused with 400/404 (or 401/403 before the handler) and leaks no file', async () => {
    const withParams = routesOf(app).filter((r) => /[:*]/.test(r.url));
    const bad: string[] = [];
    for (const r of withParams)
      for (const p of TRAVERSAL) {
        // Raw (unencoded) and encoded forms: the router must not normalise either into another file.
        for (const url of [fillPath(r.url, p), r.url.replace(/:([A-Za-z0-9_]+)|\*$/g, p)])
          for (const headers of [{}, admin.headers]) {
            const res = await app.inject({ method: r.method as 'GET', url, headers: { ...headers, ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }) }, ...(r.method === 'GET' ? {} : { payload: '{}' }) });
            if (LEAK.test(res.body)) bad.push(`LEAK ${r.method} ${url}`);
            if (r.method === 'GET' && (res.statusCode < 300 || res.statusCode >= 500) && /download|source|upload|file|blob|asset/.test(r.url))
              bad.push(`${res.statusCode} ${r.method} ${url}`);
            if (res.statusCode >= 500) bad.push(`${res.statusCode} ${r.method} ${url}`);
          }
      }
    expect(bad).toEqual([]);
    // Static assets: no traversal out of the asset routes either.
    for (const url of ['/assets/../../package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await app.inject({ method: 'GET', url });
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.body).not.toMatch(LEAK);
      expect(res.body).not.toContain('"devDependencies"');
    }
  });
});

/** A multipart body with one file part and some fields (built by hand: the filename is the attack). */
function multipart(fields: Record<string, string>, filename: string, content: string) {
  const boundary = `----h3${randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/xml\r\n\r\n${content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

describe('path traversal in uploaded file names', () => {
  it('stores nothing outside the blob store and never answers 5xx', async () => {
    const editor = await signInAs(app, services, 'editor');
    const token = await apiToken(services, editor.userId!, ['standard.edit', 'standard.read_unpublished', 'text.upload', 'import.bulk']);
    const bearer = { authorization: `Bearer ${token}` };
    const rev = await app.inject({ method: 'POST', url: `/api/v1/editor/standards/${SEEDED_ID}/revision`, headers: bearer });
    expect(rev.statusCode).toBe(200);
    const draft = rev.json() as { id: string; version: number };
    const marker = `h3-traversal-${randomBytes(6).toString('hex')}`;
    const names = [`../../../../../../tmp/${marker}.xml`, `..\\..\\..\\${marker}.xml`, `%2e%2e%2f%2e%2e%2f${marker}.xml`, `/tmp/${marker}.xml`, `....//....//${marker}.xml`];
    const before = new Set(filesUnder(services.dir));
    const statuses: number[] = [];
    let version = draft.version;
    for (const name of names) {
      const text = multipart({ version: String(version), importer: 'auto' }, name, '<standard><front/></standard>');
      const up = await app.inject({ method: 'PUT', url: `/api/v1/editor/drafts/${draft.id}/text`, headers: { ...bearer, 'content-type': text.type }, payload: text.payload });
      expect(up.statusCode, `text ${name}: ${up.body.slice(0, 200)}`).toBeLessThan(500);
      statuses.push(up.statusCode);
      if (up.statusCode === 200) version = (up.json() as { version: number }).version;
      const imp = multipart({ importer: 'sts' }, name, '<standard><front/></standard>');
      const run = await app.inject({ method: 'POST', url: '/api/v1/editor/imports', headers: { ...bearer, 'content-type': imp.type }, payload: imp.payload });
      expect(run.statusCode, `import ${name}: ${run.body.slice(0, 200)}`).toBeLessThan(500);
      statuses.push(run.statusCode);
    }
    console.log(`upload traversal: statuses ${statuses.join(' ')}`);
    // The uploads were accepted (so the names really reached the storage code), not just refused early.
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThan(0);
    // Let background import runs finish before looking at the disk.
    await new Promise((r) => setTimeout(r, 500));
    for (const dir of ['/tmp', services.dir, dirname(services.dir), process.cwd()]) expect(readdirSync(dir).filter((n) => n.includes(marker)), dir).toEqual([]);
    // Whatever was stored went under the test's own folder, with no '..' segment surviving in a stored name.
    const added = filesUnder(services.dir).filter((f) => !before.has(f));
    for (const f of added) expect(f.startsWith(services.dir + '/')).toBe(true);
  });
});
