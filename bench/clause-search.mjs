#!/usr/bin/env node
// Clause full-text search benchmark over the whole RFC series (RFC index + all 9,823 RFC texts, 323,770 sections).
// The same fixed query mix is measured in one run:
//   (a) raw: the clause engine inline on one thread, straight on SQLite (sequential);
//   (b) direct: the ClauseSearch port with its worker pool (same worker count as the server) at concurrency 16,
//       no HTTP — the same queries "directly against SQLite", in parallel;
//   (c) HTTP: the real server (GET /api/v1/clauses) in a child process, loaded over loopback at concurrency 1 and 16.
// Every loop is bounded in count and in time. Results: bench/results/clause-search.json.
//
// The database: the rfc-text import benchmark already builds the full import (bench/work/rfc-text-import/
// bench.sqlite); it is copied (SQLite online backup) to bench/work/clause-search/clause.sqlite and migrated, which
// runs migration 005's backfill of the clause index (timed). Reused while it exists; --rebuild copies again.
//
// Usage: npm run build && node bench/clause-search.mjs [--rebuild] [--requests N] [--seconds S] [--workers W]

import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { numberOption, percentile, round, summary, stopChild } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const WORK = join(ROOT, 'bench', 'work', 'clause-search');
const DB = join(WORK, 'clause.sqlite');
const BUILD_INFO = join(WORK, 'build.json');
const SOURCE_DB = join(ROOT, 'bench', 'work', 'rfc-text-import', 'bench.sqlite');
const RESULTS = join(ROOT, 'bench', 'results', 'clause-search.json');

const args = process.argv.slice(2);
const opt = (name, dflt) => numberOption(args, name, dflt);
const CONCURRENCY = 16;
const REQUESTS = opt('requests', 3000);
const SECONDS = opt('seconds', 30);
const RAW_ROUNDS = 5;
const WORKERS = opt('workers', 2);
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);

/** The fixed mix: specific technical phrases (most), a few broad words, filters, number queries, Chinese. */
const MIX = [
  ['congestion control'],
  ['retransmission timeout'],
  ['TLS handshake'],
  ['idempotent methods'],
  ['IPv6 address autoconfiguration'],
  ['DNSSEC signature validation'],
  ['BGP route selection'],
  ['HTTP/2 stream priority'],
  ['percent-encoding reserved characters'],
  ['mandatory to implement'],
  ['security considerations replay attack'],
  ['SIP INVITE transaction'],
  ['MPLS label stack'],
  ['OSPF link state advertisement'],
  ['certificate revocation list'],
  ['JSON text encoding'],
  ['cache validation ETag'],
  ['multicast listener discovery'],
  ['QUIC connection migration'],
  ['SMTP message submission'],
  ['network'],
  ['must not'],
  ['congestion control', { status: 'obsoleted' }],
  ['routing', { yearFrom: '2015' }],
  ['RFC 9110'],
  ['rfc 793'],
  ['拥塞控制'],
  ['域名系统 安全'],
];

function toQuery(q, extra = {}) {
  const filters = {};
  if (extra.status) filters.status = [extra.status];
  if (extra.yearFrom) filters.yearFrom = Number(extra.yearFrom);
  return { q, filters, page: 1, pageSize: 10 };
}
function url(base, [q, extra = {}]) {
  const u = new URL('/api/v1/clauses', base);
  u.searchParams.set('q', q);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.href;
}

async function buildDatabase(rebuild) {
  if (existsSync(DB) && !rebuild) return { reused: true, ...(existsSync(BUILD_INFO) ? JSON.parse(readFileSync(BUILD_INFO, 'utf8')) : {}) };
  if (!existsSync(SOURCE_DB)) {
    console.error(`clause-search: ${SOURCE_DB} is missing: run \`node bench/rfc-text-import.mjs\` first (it builds the full RFC import)`);
    process.exit(2);
  }
  mkdirSync(WORK, { recursive: true });
  for (const f of [DB, `${DB}-wal`, `${DB}-shm`]) rmSync(f, { force: true });
  const { default: Database } = await import('better-sqlite3');
  const src = new Database(SOURCE_DB, { readonly: true });
  let t = performance.now();
  await src.backup(DB);
  src.close();
  const copySeconds = (performance.now() - t) / 1000;
  const { openSqlite, kyselyOf, migrate } = await dist('db/sqlite.js');
  const sqlite = openSqlite(DB);
  const db = kyselyOf(sqlite);
  t = performance.now();
  await migrate(db);
  const backfillSeconds = (performance.now() - t) / 1000;
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await db.destroy();
  const info = { source: 'copy of bench/work/rfc-text-import/bench.sqlite', copySeconds: round(copySeconds), backfillSeconds: round(backfillSeconds) };
  writeFileSync(BUILD_INFO, JSON.stringify(info));
  return { reused: false, ...info };
}

async function measureRaw() {
  const { openSqlite } = await dist('db/sqlite.js');
  const { ClauseSearchEngine } = await dist('search/clause/engine.js');
  const sqlite = openSqlite(DB, { readonly: true });
  const engine = new ClauseSearchEngine(sqlite);
  engine.warm();
  const queries = MIX.map(([q, e]) => toQuery(q, e));
  const totals = queries.map((q) => { const r = engine.search(q); return { total: r.total, clauses: r.clauses, exact: r.exact }; });
  const perQuery = queries.map(() => []);
  const lat = [];
  const t0 = performance.now();
  for (let r = 0; r < RAW_ROUNDS && performance.now() - t0 < SECONDS * 1000; r++) {
    queries.forEach((q, i) => {
      const s = performance.now();
      engine.search(q);
      const d = performance.now() - s;
      lat.push(d);
      perQuery[i].push(d);
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const counts = {
    texts: sqlite.prepare('SELECT count(*) FROM content_doc').pluck().get(),
    sections: sqlite.prepare('SELECT count(*) FROM content_section').pluck().get(),
    indexedClauses: sqlite.prepare('SELECT count(*) FROM clause_row').pluck().get(),
  };
  sqlite.close();
  const perQueryOut = MIX.map(([q, e], i) => ({ q, ...(e ? { filters: e } : {}), ...totals[i], p50ms: round(percentile(perQuery[i].slice().sort((a, b) => a - b), 50)) }));
  return { ...counts, ...summary(lat, seconds), perQuery: perQueryOut };
}

/** The port with its worker pool, at concurrency 16, in this process: the same queries without HTTP. */
async function measureDirect() {
  const { openSqlite } = await dist('db/sqlite.js');
  const { createClauseSearch } = await dist('search/clause/service.js');
  const { createSqliteSearch } = await dist('search/adapters/fts5.js');
  const sqlite = openSqlite(DB);
  const catalogue = await createSqliteSearch({ path: DB, sqlite, workers: 1 });
  const clauses = await createClauseSearch({ path: DB, sqlite, workers: WORKERS, catalogue });
  const queries = MIX.map(([q, e]) => toQuery(q, e));
  for (const q of queries) await clauses.search(q);
  const r = await drive(CONCURRENCY, async (i) => { await clauses.search(queries[i % queries.length]); });
  await clauses.close();
  await catalogue.close();
  sqlite.close();
  return { mode: clauses.mode, workers: WORKERS, ...r };
}

async function drive(concurrency, task) {
  const lat = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  async function client() {
    while (next < REQUESTS && performance.now() < deadline) {
      const i = next++;
      const s = performance.now();
      try {
        await task(i);
      } catch {
        errors++;
      }
      lat.push(performance.now() - s);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  return { concurrency, ...summary(lat, (performance.now() - t0) / 1000), errors };
}

async function serve() {
  const { openServices } = await dist('app/container.js');
  const { loadConfig } = await dist('kernel/config.js');
  const { buildServer } = await dist('web/server.js');
  const config = loadConfig({}, { STDHUB_DB: DB, SEARCH_WORKERS: WORKERS, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
  const services = await openServices(config);
  const app = await buildServer(services);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ address, mode: services.clauses.mode ?? null });
  process.on('message', async (m) => {
    if (m === 'stop') {
      await app.close();
      await services.close();
      process.exit(0);
    }
  });
}

async function measureHttp() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--workers', String(WORKERS)], { stdio: 'inherit' });
  const info = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('server did not start within 180 s')), 180_000);
    child.once('message', (m) => (clearTimeout(timer), res(m)));
    child.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
  });
  const urls = MIX.map((m) => url(info.address, m));
  const statuses = {};
  const get = async (i) => {
    const res = await fetch(urls[i % urls.length]);
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status !== 200) throw new Error(String(res.status));
  };
  try {
    for (let i = 0; i < urls.length; i++) await get(i); // warm-up
    const single = await drive(1, get);
    const concurrent = await drive(CONCURRENCY, get);
    return { mode: info.mode, workers: WORKERS, single, concurrent, statuses };
  } finally {
    await stopChild(child);
  }
}

async function main() {
  if (!existsSync(join(DIST, 'search', 'clause', 'engine.js'))) {
    console.error('dist/ is missing or stale: run `npm run build` first');
    process.exit(2);
  }
  const started = new Date().toISOString();
  console.error('clause-search: preparing the database …');
  const database = await buildDatabase(args.includes('--rebuild'));
  console.error('clause-search: raw (engine inline, one thread) …');
  const raw = await measureRaw();
  console.error(`  ${raw.indexedClauses} clauses: p50 ${raw.p50ms} ms, p95 ${raw.p95ms} ms, ${raw.perSecond} q/s`);
  console.error(`clause-search: direct (port + ${WORKERS} workers, c=${CONCURRENCY}) …`);
  const direct = await measureDirect();
  console.error(`  p50 ${direct.p50ms} ms, p95 ${direct.p95ms} ms, ${direct.perSecond} q/s`);
  console.error(`clause-search: HTTP (c=1, then c=${CONCURRENCY}) …`);
  const http = await measureHttp();
  const c = http.concurrent;
  console.error(`  c=1 p50 ${http.single.p50ms} ms; c=${CONCURRENCY}: p50 ${c.p50ms} ms, p95 ${c.p95ms} ms, ${c.perSecond} req/s, errors ${c.errors}`);
  const result = {
    benchmark: 'clause-search',
    started,
    machine: { cpus: cpus().length, loadavg: loadavg().map(round), node: process.version, note: 'shared with other engineers during the run' },
    database: { path: DB.slice(ROOT.length + 1), bytes: statSync(DB).size, ...database },
    mix: { queries: MIX.length },
    raw,
    direct,
    http,
    ratios: {
      // The price of HTTP (+ JSON) on the same pool and the same load: HTTP p95 at c=16 over direct p95 at c=16.
      httpP95OverDirectP95_c16: round(c.p95ms / direct.p95ms),
      httpP50OverDirectP50_c16: round(c.p50ms / direct.p50ms),
      // One request alone: HTTP at c=1 over the engine inline.
      httpP50c1OverRawP50: round(http.single.p50ms / raw.p50ms),
      directPerSecondOverHttpPerSecond: round(direct.perSecond / c.perSecond),
    },
    targets: {
      'p95 <= 50 ms (HTTP, c=16)': c.p95ms <= 50,
      'HTTP/direct p95 ratio <= 1.5 (c=16)': c.p95ms / direct.p95ms <= 1.5,
    },
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`clause-search: written ${RESULTS.slice(ROOT.length + 1)}`);
  console.log(JSON.stringify({ raw: { p50: raw.p50ms, p95: raw.p95ms }, direct: { p50: direct.p50ms, p95: direct.p95ms, qps: direct.perSecond }, http: { c1p50: http.single.p50ms, p50: c.p50ms, p95: c.p95ms, rps: c.perSecond }, ratios: result.ratios, targets: result.targets }));
}

if (args.includes('--serve')) await serve();
else await main();
