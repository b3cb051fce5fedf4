#!/usr/bin/env node
// Catalogue search benchmark: the same fixed query mix (Chinese, English, numbers, a few filtered/browse queries)
// measured (a) raw — the search adapter inline (workers = 0) on one thread, and (b) over HTTP — the real server
// (GET /api/v1/search, search in SEARCH_WORKERS worker threads) in a child process, loaded at concurrency 16 from
// this process over loopback. Every loop is bounded in count and in time. Results: bench/results/catalogue-search.json.
//
// The database (ISO Relaton + RFC index + a few Chinese records) is built once under bench/work/ and reused while
// its marker (sources, importers present, index code) is unchanged.
//
// Usage: npm run build && node bench/catalogue-search.mjs [--rebuild] [--prepare-only] [--requests N] [--seconds S]
//        [--rounds R] [--workers W]
// Needs the compiled dist/ (the bench measures what production runs).

import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST, ROOT, SHARED, args, benchPaths, dist, opt, percentile, round, summary, stopChild } from './lib.mjs';

const { WORK, RESULTS } = benchPaths('catalogue-search');
const DB = join(WORK, 'catalogue.sqlite');
const MARKER = join(WORK, 'marker.json');

const CONCURRENCY = 16;
const HTTP_REQUESTS = opt('requests', 6000); // bound by count …
const HTTP_SECONDS = opt('seconds', 30); // … and by time
const RAW_ROUNDS = opt('rounds', 15);
const RAW_SECONDS = 30;
const WORKERS = opt('workers', 2);

/** The fixed query mix: [q, extra query-string parameters]. Shared by the raw and HTTP runs. */
export const MIX = [
  // Chinese
  ['防火门'], ['换电站'], ['碳足迹'], ['电动汽车'], ['信用承诺'], ['温室气体'], ['国家标准'], ['安全'],
  // English
  ['quality management'], ['information security'], ['safety'], ['http'], ['transport layer security'],
  ['fire resistance'], ['road vehicles'], ['water quality'], ['electric vehicles'], ['internet protocol'],
  ['dns security extensions'], ['medical devices'], ['test methods'], ['information technology'], ['plastics'],
  ['artificial intelligence'], ['email'], ['ipv6 address'], ['requirements'], ['soil'],
  // Numbers and identifiers
  ['9001'], ['9001:2015'], ['ISO 27001'], ['rfc9110'], ['RFC 2616'], ['gb 12955'], ['GB/T29772'], ['29772'],
  ['14001'], ['iso 8601'], ['3166-1'], ['ISO/IEC 42001'],
  // Filters, sorting, browsing
  ['safety', { body: 'ISO', status: 'current' }], ['security', { body: 'IETF', sort: 'newest' }],
  ['', { body: 'IETF', sort: 'newest' }], ['', { ics: '13' }], ['management', { page: '3' }],
];

/** A few real Chinese national standards (facts from the project's seed document), so Chinese queries have targets. */
function chineseRecords(parse) {
  const rec = (number, zh, en, status, nature, ics, relations = []) => {
    const p = parse(number);
    return {
      id: p.slug, identifiers: [{ type: 'GB', value: p.canonical, primary: true }], body: 'SAC', docType: 'standard',
      nature, titles: [{ lang: 'zh', type: 'main', text: zh }, { lang: 'en', type: 'main', text: en }], dates: [],
      status, year: p.year, classifications: ics.map((code) => ({ scheme: 'ics', code })), contributors: [],
      abstracts: [], relations, links: [], keywords: [], source: { importer: 'bench', ref: p.slug },
    };
  };
  return [
    rec('GB 12955-2024', '防火门', 'Fire-resistant doorsets', 'current', 'mandatory', ['13.220.50'], [{ type: 'replaces', target: 'GB 12955-2008' }]),
    rec('GB 12955-2008', '防火门', 'Fire-resistant doorsets', 'replaced', 'mandatory', ['13.220.50']),
    rec('GB/T 29772-2024', '电动汽车换电站通用要求', 'General requirements of electric vehicle battery swap station', 'current', 'recommended', ['43.120']),
    rec('GB/T 24067-2024', '温室气体 产品碳足迹 量化要求和指南', 'Greenhouse gases—Carbon footprint of products—Requirements and guidelines for quantification', 'current', 'recommended', ['13.020.40']),
    rec('GB/T 46277-2025', '经营主体信用承诺实施指南', 'Implementation guidelines for credit commitment of business entities', 'current', 'recommended', []),
    rec('GB/T 35185-2017', '石油天然气工业用复合增强管线管', 'Composite reinforced line pipe for the petroleum and natural gas industry', 'current', 'recommended', ['75.200']),
  ];
}

function toQuery(q, extra = {}) {
  const filters = {};
  if (extra.body) filters.body = [extra.body];
  if (extra.status) filters.status = [extra.status];
  if (extra.ics) filters.ics = extra.ics;
  return { q, filters, sort: extra.sort ?? (q ? 'relevance' : 'newest'), page: Number(extra.page ?? 1), pageSize: 20 };
}

/** Opens the catalogue with the real adapters (the container when it loads; the same wiring by hand otherwise). */
async function openCatalogue(workers) {
  const { openSqlite, kyselyOf, migrate } = await dist('db/sqlite.js');
  const { KyselyCatalogueStore } = await dist('catalogue/adapters/kysely-store.js');
  const { Fts5Indexer, createSqliteSearch } = await dist('search/adapters/fts5.js');
  const { systemClock } = await dist('kernel/clock.js');
  const sqlite = openSqlite(DB);
  const db = kyselyOf(sqlite);
  await migrate(db);
  const catalogue = new KyselyCatalogueStore(db, systemClock, [new Fts5Indexer()]);
  let classifications = null;
  try {
    const { KyselyClassificationStore } = await dist('classification/adapters/kysely-store.js');
    classifications = new KyselyClassificationStore(db, systemClock);
  } catch {}
  const search = await createSqliteSearch({ path: DB, sqlite, workers });
  return { sqlite, db, catalogue, classifications, search, clock: systemClock, async close() { await search.close?.(); await db.destroy(); } };
}

/** Importers to run, by what is compiled and what data is present. */
async function plannedImports() {
  const registry = await dist('importers/registry.js');
  for (const m of ['importers/rfc-index.js', 'importers/relaton.js']) {
    if (existsSync(join(DIST, m))) await dist(m);
  }
  const names = new Set(registry.listImporters().map((i) => i.name));
  const plan = [];
  const relatonIso = join(SHARED, 'relaton-iso', 'relaton-data-iso.tar.xz');
  if (names.has('relaton') && existsSync(relatonIso)) plan.push(['relaton', relatonIso]);
  const rfc = join(SHARED, 'ietf-rfc', 'rfc-index.txt');
  if (names.has('rfc-index') && existsSync(rfc)) plan.push(['rfc-index', rfc]);
  return plan;
}

function codeHash(files) {
  const h = createHash('sha256');
  for (const f of files) {
    const p = join(DIST, f);
    h.update(f).update(existsSync(p) ? readFileSync(p) : 'absent');
  }
  return h.digest('hex').slice(0, 16);
}

/** What the database depends on: the sources, the importers' code, and (separately) the search index's code. */
function markerOf(plan) {
  const index = codeHash(['search/index-rows.js', 'search/segment.js', 'search/adapters/fts5-indexer.js', 'db/migrations/002_search.js']);
  return {
    plan: plan.map(([name, src]) => ({ name, src, size: statSync(src).size })),
    importers: codeHash(['importers/relaton.js', 'importers/rfc-index.js', 'catalogue/identifier.js', 'catalogue/adapters/kysely-store.js']),
    index: `${index}:${createHash('sha256').update(readFileSync(join(ROOT, 'src', 'search', 'dict', 'domain.txt'))).digest('hex').slice(0, 8)}`,
  };
}

/**
 * Rebuilds only the search index of an imported database (the search code changed, the catalogue did not): drops
 * the search tables and re-runs migration 002, whose backfill indexes every stored record. Returns false when other
 * migrations ran after 002 (re-running it would be out of order): the caller then rebuilds everything.
 */
async function reindex() {
  const { openSqlite, kyselyOf, migrate } = await dist('db/sqlite.js');
  const sqlite = openSqlite(DB);
  const later = sqlite.prepare("SELECT count(*) FROM kysely_migration WHERE name > '002_search'").pluck().get();
  if (later > 0) {
    sqlite.close();
    return false;
  }
  sqlite.exec(`DROP TABLE IF EXISTS catalogue_fts; DROP TABLE IF EXISTS catalogue_fts_abstract; DROP TABLE IF EXISTS search_doc;
    DROP TABLE IF EXISTS search_number; DROP TABLE IF EXISTS search_state; DELETE FROM kysely_migration WHERE name = '002_search';`);
  const db = kyselyOf(sqlite);
  await migrate(db);
  const { optimizeSearchIndex } = await dist('search/adapters/fts5.js');
  optimizeSearchIndex(sqlite);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('ANALYZE');
  await db.destroy();
  return true;
}

async function buildDatabase(rebuild) {
  const plan = await plannedImports();
  const marker = markerOf(plan);
  const old = existsSync(DB) && existsSync(MARKER) ? JSON.parse(readFileSync(MARKER, 'utf8')) : null;
  const sameCatalogue = old && JSON.stringify([old.plan, old.importers]) === JSON.stringify([marker.plan, marker.importers]);
  if (!rebuild && sameCatalogue && old.index === marker.index) return { reused: true, plan: marker.plan };
  if (!rebuild && sameCatalogue) {
    const t0 = performance.now();
    if (await reindex()) {
      writeFileSync(MARKER, JSON.stringify(marker));
      return { reused: true, reindexedSeconds: round((performance.now() - t0) / 1000), plan: marker.plan };
    }
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const { runImport } = await dist('importers/runner.js');
  const { parseIdentifier } = await dist('catalogue/identifier.js');
  const c = await openCatalogue(0);
  const imports = [];
  for (const [name, src] of plan) {
    const t0 = performance.now();
    let last = 0;
    const report = await runImport(c, name, src, {
      actor: 'bench',
      onProgress: (done, total) => {
        if (done - last >= 5000) (last = done), process.stderr.write(`  ${name}: ${done}${total ? `/${total}` : ''}\r`);
      },
    });
    imports.push({ name, seconds: round((performance.now() - t0) / 1000), counts: report.counts });
    process.stderr.write(`  ${name}: done in ${Math.round((performance.now() - t0) / 1000)} s\n`);
  }
  for (const r of chineseRecords(parseIdentifier)) await c.catalogue.upsert(r, { actor: 'bench' });
  // What an operator does after a bulk import (see optimizeSearchIndex).
  const { optimizeSearchIndex } = await dist('search/adapters/fts5.js');
  optimizeSearchIndex(c.sqlite);
  c.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  c.sqlite.exec('ANALYZE');
  await c.close();
  writeFileSync(MARKER, JSON.stringify(marker));
  return { reused: false, plan: marker.plan, imports };
}

async function measureRaw() {
  const c = await openCatalogue(0);
  const queries = MIX.map(([q, extra]) => toQuery(q, extra));
  const perQuery = new Map(MIX.map(([q, extra]) => [JSON.stringify([q, extra ?? {}]), []]));
  for (const q of queries) await c.search.search(q); // warm-up: segmenter, facet table, page cache
  const lat = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < RAW_ROUNDS && performance.now() - t0 < RAW_SECONDS * 1000; r++) {
    for (let i = 0; i < queries.length; i++) {
      const s = performance.now();
      await c.search.search(queries[i]);
      const d = performance.now() - s;
      lat.push(d);
      perQuery.get(JSON.stringify([MIX[i][0], MIX[i][1] ?? {}])).push(d);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerQuery = (cpu.user + cpu.system) / 1000 / lat.length;
  const totals = {};
  for (const [q, extra] of MIX) totals[JSON.stringify([q, extra ?? {}])] = (await c.search.search(toQuery(q, extra))).total;
  const count = Number(c.sqlite.prepare('SELECT count(*) FROM standard').pluck().get());
  await c.close();
  const slowest = [...perQuery]
    .map(([k, v]) => ({ query: k, total: totals[k], p50ms: round(percentile(v.slice().sort((a, b) => a - b), 50)) }))
    .sort((a, b) => b.p50ms - a.p50ms)
    .slice(0, 8);
  return { records: count, ...summary(lat, seconds), cpuMsPerQuery: round(cpuMsPerQuery), slowest };
}

function searchUrl(base, [q, extra = {}]) {
  const u = new URL('/api/v1/search', base);
  if (q) u.searchParams.set('q', q);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.href;
}

/** Child process: the server alone, so the load generator does not share its event loop. */
async function serve() {
  let app;
  let server = 'buildServer (src/web/server.ts) on openServices (src/app/container.ts)';
  let services;
  try {
    const { openServices } = await dist('app/container.js');
    const { loadConfig } = await dist('kernel/config.js');
    const config = loadConfig({}, { STDHUB_DB: DB, SEARCH_WORKERS: WORKERS, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
    services = await openServices(config);
    const { buildServer } = await dist('web/server.js');
    app = await buildServer(services);
  } catch (e) {
    // The real server or container does not load yet: a minimal Fastify route over the same CatalogueSearch.
    await services?.close();
    server = `minimal fastify (real server unavailable: ${String(e?.message ?? e).slice(0, 160)})`;
    services = await openCatalogue(WORKERS);
    const c = services;
    const { default: Fastify } = await import('fastify');
    app = Fastify({ logger: false });
    app.get('/api/v1/search', async (req) => {
      const p = req.query;
      return c.search.search(toQuery(p.q ?? '', p));
    });
  }
  const c = services;
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ address, server, mode: c.search.mode });
  process.on('message', async (m) => {
    // CPU time of the whole server process (main thread + search workers), for the cost per request.
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'stop') {
      await app.close();
      await c.close();
      process.exit(0);
    }
  });
}

async function load(address, concurrency, maxRequests, maxSeconds) {
  const urls = MIX.map((m) => searchUrl(address, m));
  for (const u of urls) await (await fetch(u)).arrayBuffer(); // warm-up
  const lat = [];
  let next = 0;
  let errors = 0;
  const statuses = {};
  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  async function client() {
    while (next < maxRequests && performance.now() < deadline) {
      const url = urls[next++ % urls.length];
      const s = performance.now();
      try {
        const res = await fetch(url);
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      lat.push(performance.now() - s);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  return { concurrency, ...summary(lat, (performance.now() - t0) / 1000), errors, statuses };
}

async function measureHttp() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--workers', String(WORKERS)], { stdio: 'inherit' });
  const info = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('server did not start within 120 s')), 120_000);
    child.once('message', (m) => (clearTimeout(timer), res(m)));
    child.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
  });
  const serverCpu = () =>
    new Promise((res) => {
      child.once('message', (m) => res(m.cpu));
      child.send('cpu');
    });
  const cpuMs = (a, b) => (b.user - a.user + b.system - a.system) / 1000;
  try {
    const single = await load(info.address, 1, Math.min(1500, HTTP_REQUESTS), 15);
    const s0 = await serverCpu();
    const c0 = process.cpuUsage();
    const concurrent = await load(info.address, CONCURRENCY, HTTP_REQUESTS, HTTP_SECONDS);
    const c1 = process.cpuUsage();
    const s1 = await serverCpu();
    // Machine-independent view: CPU spent per request by the server (all its threads) and by the load generator.
    // On a shared machine throughput follows the CPU we get; CPU per request says what 2 free cores would serve.
    const serverMsPerRequest = cpuMs(s0, s1) / concurrent.count;
    const clientMsPerRequest = cpuMs(c0, c1) / concurrent.count;
    const cost = {
      serverCpuMsPerRequest: round(serverMsPerRequest),
      clientCpuMsPerRequest: round(clientMsPerRequest),
      cpuSecondsAvailablePerSecond: round((cpuMs(s0, s1) + cpuMs(c0, c1)) / 1000 / concurrent.seconds),
      estimatedRequestsPerSecondOnTwoFreeCores: round(2000 / (serverMsPerRequest + clientMsPerRequest)),
      estimatedServerOnlyRequestsPerSecondOnTwoCores: round(2000 / serverMsPerRequest),
    };
    return { server: info.server, searchMode: info.mode, workers: WORKERS, single, concurrent, cost };
  } finally {
    await stopChild(child);
  }
}

async function main() {
  if (!existsSync(join(DIST, 'search', 'adapters', 'fts5.js'))) {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(2);
  }
  const started = new Date().toISOString();
  // Other work on the machine takes CPU from the run: the load average says how much.
  const loadavgAtStart = loadavg().map(round);
  console.error('catalogue-search: preparing the database …');
  const database = await buildDatabase(args.includes('--rebuild'));
  if (args.includes('--prepare-only')) return console.error(`catalogue-search: database ready ${JSON.stringify(database)}`);
  console.error('catalogue-search: raw (inline, one thread) …');
  const raw = await measureRaw();
  console.error(`  ${raw.records} records: p50 ${raw.p50ms} ms, p95 ${raw.p95ms} ms, ${raw.perSecond} q/s`);
  console.error(`catalogue-search: HTTP (concurrency 1, then ${CONCURRENCY}) …`);
  const http = await measureHttp();
  const c = http.concurrent;
  console.error(`  c=1: p50 ${http.single.p50ms} ms; c=${CONCURRENCY}: p50 ${c.p50ms} ms, p95 ${c.p95ms} ms, p99 ${c.p99ms} ms, ${c.perSecond} req/s, errors ${c.errors}`);
  console.error(`  CPU per request: server ${http.cost.serverCpuMsPerRequest} ms, client ${http.cost.clientCpuMsPerRequest} ms; CPU obtained ${http.cost.cpuSecondsAvailablePerSecond} cores`);
  const result = {
    benchmark: 'catalogue-search',
    started,
    machine: { cpus: cpus().length, loadavgAtStart, loadavgAtEnd: loadavg().map(round), node: process.version },
    database: { path: DB.slice(ROOT.length + 1), ...database, records: raw.records },
    mix: { queries: MIX.length, chinese: 8, english: 20, numbers: 12, filteredOrBrowse: 5 },
    raw,
    http,
    ratios: {
      // Per-request cost of HTTP + worker hop at concurrency 1: HTTP latency over the raw in-process latency.
      // The HTTP floor on this machine (a trivial route, fetch over loopback) is ~0.9 ms, the worker hop ~0.2 ms:
      // for a mix whose median raw query takes ~1.3 ms that alone makes the ratio ~2.
      httpP50OverRawP50_c1: round(http.single.p50ms / raw.p50ms),
      // Under load latency is queueing (Little's law: 16 in flight / throughput), so this one grows with concurrency.
      httpP50OverRawP50_c16: round(c.p50ms / raw.p50ms),
      // Throughput: one raw thread against the HTTP server with its worker pool (≤ 1 means HTTP serves more).
      rawPerSecondOverHttpPerSecond: round(raw.perSecond / c.perSecond),
      // The least mean latency any server can have at this throughput with 16 requests always in flight.
      littleLawMeanLatencyMs_c16: round((CONCURRENCY / c.perSecond) * 1000),
    },
    targets: {
      'p95 <= 20 ms (HTTP, c=16)': c.p95ms <= 20,
      '>= 500 req/s (HTTP, c=16)': c.perSecond >= 500,
      'HTTP/raw p50 latency ratio <= 1.5 (c=1)': http.single.p50ms / raw.p50ms <= 1.5,
      'raw/HTTP throughput ratio <= 1.5 (c=16)': raw.perSecond / c.perSecond <= 1.5,
    },
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`catalogue-search: written ${RESULTS.slice(ROOT.length + 1)}`);
  console.log(JSON.stringify({ raw: { p50: raw.p50ms, p95: raw.p95ms, qps: raw.perSecond, cpuMs: raw.cpuMsPerQuery }, http: { p50: c.p50ms, p95: c.p95ms, p99: c.p99ms, rps: c.perSecond }, cost: http.cost, ratios: result.ratios, targets: result.targets }));
}

if (import.meta.url !== pathToFileURL(process.argv[1] ?? '').href) {
  // Imported (for its MIX), not run: do nothing.
} else if (args.includes('--serve')) {
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
