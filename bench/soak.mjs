#!/usr/bin/env node
// Load and soak (issue "several instances", evidence: "two app instances on PostgreSQL behind a simple round-robin
// (or a local nginx), a fixed request mix (search 40 %, standard pages 30 %, reader 25 %, downloads 5 %) at a fixed
// rate for 10 minutes; report throughput, p50/p95/p99, errors (target: zero) and memory over time (target: flat);
// the same mix on one SQLite instance in the same run for comparison" and "kill one of the two instances during the
// soak: the other keeps serving, no request is lost except those in flight").
//
// In one run, loopback only, every loop bounded in count and time:
//   1. the site's SQLite database (bench/work/soak/site.sqlite, reused while its inputs are unchanged): the demo data,
//      plus, when ../shared/data exists, the ISO catalogue (relaton) and the first --rfc-texts RFC texts;
//   2. `stdhub migrate-to-postgres` (the use case, from dist/) into a fresh PostgreSQL database, files into an
//      S3-compatible object store (s3rver, in its own process on 127.0.0.1) — verification must pass;
//   3. two `stdhub serve` processes on that PostgreSQL + object store (+ Redis for shared rate limits) behind nginx
//      (round-robin upstream, 127.0.0.1), and one `stdhub serve` on the SQLite file;
//   4. an open-loop load at --rate req/s (default 100) for --duration s (default 600) against nginx, killing one
//      PostgreSQL instance (SIGKILL) at half time, then the same mix and rate for --sqlite-duration s (default: the
//      same) against the SQLite instance;
//   5. per setup: throughput, p50/p95/p99 per kind and overall, errors (status ≠ 200 or network error) split into
//      "in flight at the kill" and "others", RSS of every instance every 10 s with its trend.
// Clients are 400 simulated visitors (X-Forwarded-For, the apps trust one proxy hop), so the per-client rate limits
// are exercised (Redis on PostgreSQL, in memory on SQLite) without refusing this load.
// Result: bench/results/soak.json. Usage: npm run build && node bench/soak.mjs [--duration S] [--rate R]
//   [--sqlite-duration S] [--rfc-texts N] [--no-kill] [--rebuild | --reuse] [--keep-pg | --pg-url URL]

import { fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, ROOT, SHARED, args, benchPaths, dist, freePort, opt, percentile, round, sleep, waitFor } from './lib.mjs';

const { WORK, RESULTS } = benchPaths('soak');
const DB = join(WORK, 'site.sqlite');
const MARKER = join(WORK, 'site.marker.json');
const NGINX = '/usr/sbin/nginx';
const PG_ADMIN = process.env.STDHUB_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.STDHUB_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const DURATION = opt('duration', 600);
const RATE = opt('rate', 100);
const SQLITE_DURATION = opt('sqlite-duration', DURATION);
const RFC_TEXTS = opt('rfc-texts', 300);
const KILL = !args.includes('--no-kill');
const CLIENTS = 400;
const SAMPLE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Waiting for a starting server: up to 3 min, polled every 200 ms, each request bounded to 20 s. */
const SERVER_UP = { ms: 180_000, pollMs: 200, requestTimeoutMs: 20_000 };

// ---------------------------------------------------------------------------------------------------------------
// Child mode: the S3-compatible object store (s3rver) in its own process, so it does not share the load
// generator's event loop.
// (The entry point is at the end of the file: main() uses constants defined below.)

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Least-squares slope of y over x (MB per minute when x is minutes). */
function slope(points) {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den ? num / den : null;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The site's SQLite database.

function planOf() {
  const iso = join(SHARED, 'relaton-iso', 'relaton-data-iso.tar.xz');
  const rfcTar = join(SHARED, 'ietf-rfc', 'rfcs-all-txt.tar.xz');
  const code = createHash('sha256');
  for (const f of ['db/migrations/index.js', 'importers/relaton.js', 'importers/rfc-text.js', 'search/index-rows.js', 'demo/load.js']) {
    const p = join(DIST, f);
    code.update(existsSync(p) ? readFileSync(p) : 'absent');
  }
  return {
    iso: existsSync(iso) ? { path: iso, size: statSync(iso).size } : null,
    rfcTexts: existsSync(rfcTar) ? { path: rfcTar, size: statSync(rfcTar).size, count: RFC_TEXTS } : null,
    code: code.digest('hex').slice(0, 16),
  };
}

async function buildSite() {
  const plan = planOf();
  const old = existsSync(MARKER) && existsSync(DB) ? JSON.parse(readFileSync(MARKER, 'utf8')) : null;
  if (!args.includes('--rebuild') && old && JSON.stringify(old.plan) === JSON.stringify(plan)) return { reused: true, ...old };
  // --reuse: keep the existing database even if the importers' code changed since (a rebuild takes minutes).
  if (args.includes('--reuse') && old) return { reused: true, ...old, note: 'reused with --reuse' };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const t0 = performance.now();
  const { openServices } = await dist('app/container.js');
  const { loadConfig } = await dist('kernel/config.js');
  const { loadDemo, loadDemoTexts } = await dist('demo/load.js');
  const { runImport } = await dist('importers/runner.js');
  const { readSource } = await dist('importers/sources.js');
  const { optimizeSearchIndex } = await dist('search/adapters/fts5-indexer.js');
  const services = await openServices(loadConfig({}, { STDHUB_DB: DB, SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }));
  const imports = [];
  try {
    const demo = await loadDemo(services, { sharedData: existsSync(SHARED) ? SHARED : undefined });
    await loadDemoTexts(services);
    imports.push({ name: 'demo', counts: demo.map((r) => ({ importer: r.importer, ...r.counts })) });
    if (plan.iso) {
      const t = performance.now();
      const r = await runImport(services, 'relaton', plan.iso.path, { actor: 'bench' });
      imports.push({ name: 'relaton (ISO)', seconds: round((performance.now() - t) / 1000), counts: r.counts });
      console.log(`  ISO catalogue: ${JSON.stringify(r.counts)}`);
    }
    if (plan.rfcTexts) {
      // The first N texts of the archive, written to a folder (the importer then reads the folder).
      const folder = join(WORK, 'rfc-texts');
      mkdirSync(folder, { recursive: true });
      let n = 0;
      for await (const f of readSource(plan.rfcTexts.path, (x) => /(?:^|\/)rfc\d{1,5}\.txt$/i.test(x))) {
        writeFileSync(join(folder, f.name.split('/').pop()), f.data);
        if (++n >= RFC_TEXTS) break;
      }
      const t = performance.now();
      const r = await runImport(services, 'rfc-text', folder, { actor: 'bench' });
      imports.push({ name: 'rfc-text', seconds: round((performance.now() - t) / 1000), counts: r.counts });
      console.log(`  RFC texts: ${JSON.stringify(r.counts)}`);
      rmSync(folder, { recursive: true, force: true });
    }
    optimizeSearchIndex(services.sqlite);
    services.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await services.close();
  }
  const info = { plan, imports, buildSeconds: round((performance.now() - t0) / 1000) };
  writeFileSync(MARKER, JSON.stringify(info, null, 2));
  return { reused: false, ...info };
}

/** What the load asks for: sampled standards, texts, clauses and a fixed list of queries. */
function targets() {
  // better-sqlite3 through the app's own opener (read-only).
  return dist('db/sqlite.js').then(({ openSqlite }) => {
    const db = openSqlite(DB, { readonly: true });
    try {
      const standards = db.prepare('SELECT id FROM standard ORDER BY random() LIMIT 3000').pluck().all();
      const texts = db.prepare('SELECT std_id AS id, lang FROM content_doc').all();
      const clauses = db
        .prepare('SELECT d.std_id AS id, d.lang, s.anchor FROM content_section s JOIN content_doc d ON d.id = s.doc_id ORDER BY random() LIMIT 3000')
        .all();
      const counts = {
        standards: db.prepare('SELECT COUNT(*) FROM standard').pluck().get(),
        texts: texts.length,
        sections: db.prepare('SELECT COUNT(*) FROM content_section').pluck().get(),
      };
      return { standards, texts, clauses, counts };
    } finally {
      db.close();
    }
  });
}

const QUERIES = [
  '电池', '信息安全', '电动汽车', '环境管理', '标准化', '质量管理体系', '安全', '水', '食品', '能源',
  'internet protocol', 'HTTP', 'TLS', 'DNS', 'routing', 'quality management', 'information security', 'water quality',
  'safety of machinery', 'road vehicles', 'ISO 9001', 'ISO/IEC 27001', 'GB/T 1.1', 'RFC 9110', '27001', '9001:2015',
  'ISO 14001', 'concrete', 'steel', 'medical devices',
];
const TEXT_QUERIES = ['congestion control', 'security considerations', 'MUST NOT', 'authentication', 'IANA', 'header field', '标准编号', 'TCP'];

/** A deterministic pseudo-random sequence (mulberry32), so both setups get the same requests in the same order. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The i-th request of the fixed mix: search 40 %, standard pages 30 %, reader 25 %, downloads 5 %. */
function requestMaker(t) {
  const r = rng(20261126);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const enc = encodeURIComponent;
  return () => {
    const x = r();
    const client = `10.${Math.floor(r() * 2)}.${Math.floor(r() * 200)}.${1 + Math.floor(r() * 1)}`;
    const lang = r() < 0.5 ? 'zh-CN' : 'en';
    let kind;
    let path;
    if (x < 0.3) {
      kind = 'search';
      const page = r() < 0.2 ? '&page=2' : '';
      path = `/search?q=${enc(pick(QUERIES))}${page}`;
    } else if (x < 0.4) {
      kind = 'search';
      path = `/search/text?q=${enc(pick(TEXT_QUERIES))}`;
    } else if (x < 0.7) {
      kind = 'standard';
      path = `/std/${enc(pick(t.standards))}`;
    } else if (x < 0.95) {
      kind = 'reader';
      if (r() < 0.4 && t.texts.length) {
        const d = pick(t.texts);
        path = `/std/${enc(d.id)}/read?text=${d.lang}`;
      } else {
        const c = pick(t.clauses);
        path = `/std/${enc(c.id)}/clause/${enc(c.anchor)}?text=${c.lang}`;
      }
    } else {
      kind = 'download';
      const d = pick(t.texts);
      path = r() < 0.6 ? `/std/${enc(d.id)}/source?text=${d.lang}` : `/std/${enc(d.id)}/download.pdf?text=${d.lang}`;
    }
    return { kind, path, headers: { 'accept-language': lang, 'x-forwarded-for': client, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) stdhub-soak/1' } };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 4. The open-loop load.

/**
 * Sends `rate` requests a second for `seconds` (each at its scheduled time, whatever the previous ones do), records
 * latency from the scheduled time (no coordinated omission), status, and start/end times. `events` run at given
 * offsets (the kill). Bounded: at most rate × seconds requests, each with a 30 s timeout, and 2000 in flight.
 */
async function drive(base, seconds, rate, next, pids, events = []) {
  const total = Math.floor(seconds * rate);
  const results = [];
  const memory = [];
  const inflight = new Set();
  let dropped = 0;
  const start = performance.now();
  const wallStart = Date.now();
  const sample = () => memory.push({ t: round((performance.now() - start) / 1000), rssMb: Object.fromEntries(Object.entries(pids()).map(([k, pid]) => [k, rssMb(pid)])) });
  sample();
  let nextSample = SAMPLE_MS;
  let issued = 0;
  const pending = [...events].sort((a, b) => a.at - b.at);
  const fire = (i) => {
    const req = next();
    const scheduled = start + (i * 1000) / rate;
    const rec = { i, kind: req.kind, start: performance.now() - start, end: 0, ms: 0, status: 0 };
    const p = (async () => {
      try {
        const res = await fetch(base + req.path, { headers: req.headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'manual' });
        await res.arrayBuffer();
        rec.status = res.status;
      } catch (e) {
        rec.status = 0;
        rec.error = String(e?.cause?.code ?? e?.name ?? e).slice(0, 60);
      }
      rec.end = performance.now() - start;
      rec.ms = performance.now() - scheduled;
      if (rec.status !== 200) rec.path = req.path;
      results.push(rec);
    })();
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  };
  const deadline = start + seconds * 1000 + 5_000;
  while (issued < total && performance.now() < deadline) {
    const now = performance.now() - start;
    while (pending.length && pending[0].at * 1000 <= now) await pending.shift().run(now);
    const due = Math.min(total, Math.floor((now * rate) / 1000) + 1);
    while (issued < due) {
      if (inflight.size >= 2000) {
        dropped++;
        issued++;
        next();
        continue;
      }
      fire(issued++);
    }
    if (now >= nextSample) {
      sample();
      nextSample += SAMPLE_MS;
    }
    await sleep(4);
  }
  await Promise.race([Promise.allSettled([...inflight]), sleep(REQUEST_TIMEOUT_MS + 1000)]);
  sample();
  return { results, memory, dropped, seconds: (performance.now() - start) / 1000, wallStart };
}

function summarise(run, opts = {}) {
  const ok = run.results.filter((r) => r.status === 200);
  const byKind = {};
  for (const kind of ['search', 'standard', 'reader', 'download']) {
    const list = run.results.filter((r) => r.kind === kind);
    const lat = list.map((r) => r.ms).sort((a, b) => a - b);
    byKind[kind] = {
      requests: list.length,
      errors: list.filter((r) => r.status !== 200).length,
      p50ms: round(percentile(lat, 50)),
      p95ms: round(percentile(lat, 95)),
      p99ms: round(percentile(lat, 99)),
    };
  }
  const lat = run.results.map((r) => r.ms).sort((a, b) => a - b);
  const errors = run.results.filter((r) => r.status !== 200);
  const statuses = {};
  for (const e of errors) statuses[e.status === 0 ? e.error : e.status] = (statuses[e.status === 0 ? e.error : e.status] ?? 0) + 1;
  // In flight at the kill: started before it and ended after it.
  const killAt = opts.killAtMs;
  const inFlightAtKill = killAt === undefined ? [] : run.results.filter((r) => r.start <= killAt && r.end >= killAt);
  const errInFlight = killAt === undefined ? 0 : errors.filter((r) => r.start <= killAt && r.end >= killAt).length;
  const series = [];
  for (let t = 0; t < run.seconds; t += 10) {
    const w = run.results.filter((r) => r.end >= t * 1000 && r.end < (t + 10) * 1000);
    const wl = w.map((r) => r.ms).sort((a, b) => a - b);
    series.push({ t, perSecond: round(w.filter((r) => r.status === 200).length / 10), errors: w.filter((r) => r.status !== 200).length, p95ms: round(percentile(wl, 95)) });
  }
  const rssSeries = {};
  for (const m of run.memory) for (const [k, v] of Object.entries(m.rssMb)) if (v !== null) (rssSeries[k] ??= []).push([m.t / 60, v]);
  const memory = Object.fromEntries(
    Object.entries(rssSeries).map(([k, pts]) => {
      // The trend over the second half (after warm-up: caches filled, JIT done).
      const half = pts.filter((p) => p[0] >= pts[pts.length - 1][0] / 2);
      return [k, { firstMb: pts[0][1], lastMb: pts[pts.length - 1][1], maxMb: Math.max(...pts.map((p) => p[1])), secondHalfSlopeMbPerMin: round(slope(half)) }];
    }),
  );
  return {
    requests: run.results.length,
    ok: ok.length,
    seconds: round(run.seconds),
    throughputPerSecond: round(ok.length / run.seconds),
    p50ms: round(percentile(lat, 50)),
    p95ms: round(percentile(lat, 95)),
    p99ms: round(percentile(lat, 99)),
    maxms: round(lat[lat.length - 1] ?? null),
    errors: errors.length,
    errorsByStatus: statuses,
    errorExamples: errors.slice(0, 5).map((e) => ({ t: round(e.start / 1000), status: e.status, error: e.error, path: e.path })),
    droppedByClient: run.dropped,
    ...(killAt === undefined
      ? {}
      : { kill: { atSeconds: round(killAt / 1000), inFlightAtKill: inFlightAtKill.length, errorsInFlight: errInFlight, errorsOther: errors.length - errInFlight } }),
    byKind,
    memory,
    memorySamples: run.memory,
    timeline: series,
  };
}

// ---------------------------------------------------------------------------------------------------------------

function serve(name, env, port, log) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'stdhub.js'), 'serve', '--port', String(port)], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', STDHUB_DEMO: 'off', RATE_LIMIT_TRUST_PROXY: '1', RATE_LIMIT_EXEMPT_IPS: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, sig) => log(`${name} exited (${code ?? sig})`));
  return { name, child, port, url: `http://127.0.0.1:${port}`, tail: () => tail };
}

async function stop(p) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => p.child.once('exit', r)), sleep(15_000)]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

async function main() {
  if (!existsSync(join(DIST, 'ops', 'migrate-to-postgres.js'))) throw new Error('dist/ is missing src/ops: run npm run build first');
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found (Debian package nginx-light)`);
  const log = (s) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  const startedAt = new Date().toISOString();
  const load0 = loadavg();
  log('building the site database (SQLite)…');
  const site = await buildSite();
  log(`site: ${site.reused ? 'reused' : `built in ${site.buildSeconds} s`}`);
  const t = await targets();
  log(`targets: ${t.counts.standards} standards, ${t.counts.texts} texts, ${t.counts.sections} sections`);

  const tmp = mkdtempSync(join(tmpdir(), 'stdhub-soak-'));
  const { createTempDatabase } = await dist('ops/pg-admin.js');
  const { migrateToPostgres } = await dist('ops/migrate-to-postgres.js');
  const { FsBlobStore } = await dist('blobs/fs.js');
  const { S3BlobStore } = await dist('blobs/s3.js');
  let s3child;
  let pgDb;
  let nginx;
  const procs = [];
  try {
    s3child = fork(fileURLToPath(import.meta.url), ['--s3rver', join(tmp, 's3')], { stdio: 'inherit' });
    mkdirSync(join(tmp, 's3'), { recursive: true });
    const { port: s3port } = await new Promise((res, rej) => {
      s3child.once('message', res);
      s3child.once('exit', (c) => rej(new Error(`s3rver exited (${c})`)));
    });
    const s3env = { BLOB_STORE: 's3', S3_ENDPOINT: `http://127.0.0.1:${s3port}`, S3_BUCKET: 'stdhub', S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };

    // 2. migrate-to-postgres (or --pg-url: a database an earlier run migrated and kept with --keep-pg).
    const MIGRATION = join(WORK, 'migration.json');
    let migration;
    let migrateSeconds;
    let pgUrl;
    const given = args.includes('--pg-url') ? args[args.indexOf('--pg-url') + 1] : null;
    if (given) {
      pgUrl = given;
      const saved = existsSync(MIGRATION) ? JSON.parse(readFileSync(MIGRATION, 'utf8')) : null;
      migration = saved?.url === given ? saved.report : null;
      migrateSeconds = saved?.url === given ? saved.seconds : null;
      log(`using the migrated database ${given}${migration ? ` (migrated ${saved.at}, verification ${migration.ok ? 'ok' : 'FAILED'})` : ''}`);
    } else {
      pgDb = await createTempDatabase('stdhub_soak', PG_ADMIN);
      pgUrl = pgDb.url;
      log(`migrate-to-postgres → ${pgDb.name} (+ s3rver on :${s3port})…`);
      const bucket = new S3BlobStore({ endpoint: s3env.S3_ENDPOINT, bucket: 'stdhub', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      const m0 = performance.now();
      migration = await migrateToPostgres({ sqlitePath: DB, pgUrl, sourceBlobs: new FsBlobStore(join(WORK, 'blobs')), targetBlobs: bucket, log: (l) => log(`  ${l}`) });
      bucket.close();
      migrateSeconds = round((performance.now() - m0) / 1000);
      writeFileSync(MIGRATION, JSON.stringify({ url: pgUrl, at: new Date().toISOString(), seconds: migrateSeconds, report: migration }, null, 2));
      log(`migration ${migration.ok ? 'verified' : 'FAILED'} in ${migrateSeconds} s`);
      if (!migration.ok) throw new Error(`migration verification failed: ${migration.problems.join('; ')}`);
      if (args.includes('--keep-pg')) {
        log(`keeping ${pgUrl} (--keep-pg): rerun with --pg-url ${pgUrl}`);
        pgDb = null;
      }
    }

    // 3. Instances and nginx.
    const [p1, p2, pn, ps] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const pgEnv = { DATABASE_URL: pgUrl, DATABASE_POOL_MAX: '10', REDIS_URL, ...s3env };
    const pgA = serve('pg-1', pgEnv, p1, log);
    const pgB = serve('pg-2', pgEnv, p2, log);
    const lite = serve('sqlite', { STDHUB_DB: DB, BLOB_DIR: join(WORK, 'blobs'), SEARCH_WORKERS: '2' }, ps, log);
    procs.push(pgA, pgB, lite);
    for (const p of procs) await waitFor(`${p.url}/`, SERVER_UP).catch((e) => Promise.reject(new Error(`${e.message}\n${p.tail()}`)));
    const conf = join(tmp, 'nginx.conf');
    writeFileSync(
      conf,
      `worker_processes 1;
pid ${tmp}/nginx.pid;
error_log ${tmp}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fcgi; uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  upstream stdhub {
    server 127.0.0.1:${p1} max_fails=1 fail_timeout=10s;
    server 127.0.0.1:${p2} max_fails=1 fail_timeout=10s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${pn};
    location / {
      proxy_pass http://stdhub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # The simulated visitor's address (a real edge proxy would set it from the connection).
      proxy_set_header X-Forwarded-For $http_x_forwarded_for;
      # A refused or reset connection (an instance gone) is retried once on the other instance (GETs only).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
`,
    );
    mkdirSync(join(tmp, 'body'), { recursive: true });
    nginx = spawn(NGINX, ['-p', tmp, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const nginxUrl = `http://127.0.0.1:${pn}`;
    await waitFor(`${nginxUrl}/`, SERVER_UP);
    log(`pg-1 :${p1}, pg-2 :${p2} behind nginx :${pn}; sqlite :${ps}`);

    // Short warm-up of both setups (JIT, first page renders), not measured.
    for (const base of [nginxUrl, lite.url]) await drive(base, 5, Math.min(RATE, 50), requestMaker(t), () => ({}));

    // 4a. PostgreSQL ×2 behind nginx, one instance killed at half time.
    log(`PostgreSQL ×2 behind nginx: ${RATE} req/s for ${DURATION} s${KILL ? `, killing pg-2 at ${DURATION / 2} s` : ''}…`);
    let killAtMs;
    const pgPids = () => ({ 'pg-1': pgA.child.pid, ...(pgB.child.exitCode === null && pgB.child.signalCode === null ? { 'pg-2': pgB.child.pid } : {}), nginx: nginx.pid });
    const pgRun = await drive(nginxUrl, DURATION, RATE, requestMaker(t), pgPids, KILL ? [{ at: DURATION / 2, run: (now) => ((killAtMs = now), pgB.child.kill('SIGKILL'), log('killed pg-2 (SIGKILL)')) }] : []);
    const pgSummary = summarise(pgRun, { killAtMs });
    log(`PostgreSQL: ${pgSummary.throughputPerSecond} req/s ok, p50 ${pgSummary.p50ms} ms, p95 ${pgSummary.p95ms} ms, p99 ${pgSummary.p99ms} ms, errors ${pgSummary.errors}`);
    const survivorAfter = await fetch(`${nginxUrl}/search?q=ISO`, { headers: { 'x-forwarded-for': '10.9.9.9' } }).then((r) => r.status);

    // 4b. One SQLite instance.
    log(`SQLite ×1: ${RATE} req/s for ${SQLITE_DURATION} s…`);
    const liteRun = await drive(lite.url, SQLITE_DURATION, RATE, requestMaker(t), () => ({ sqlite: lite.child.pid }));
    const liteSummary = summarise(liteRun);
    log(`SQLite: ${liteSummary.throughputPerSecond} req/s ok, p50 ${liteSummary.p50ms} ms, p95 ${liteSummary.p95ms} ms, p99 ${liteSummary.p99ms} ms, errors ${liteSummary.errors}`);

    const result = {
      bench: 'soak',
      started: startedAt,
      finished: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavgAtStart: load0.map(round), loadavgAtEnd: loadavg().map(round), node: process.version, note: 'one 2-core machine runs the load generator, nginx, s3rver, PostgreSQL, Redis and the app instances; shared with other engineers during the run' },
      setup: {
        rate: RATE,
        durationSeconds: DURATION,
        sqliteDurationSeconds: SQLITE_DURATION,
        mix: { search: '40 % (30 % /search catalogue, 10 % /search/text clauses)', standard: '30 % /std/:id', reader: '25 % (40 % whole text /read, 60 % clause permalinks)', download: '5 % (60 % original source, 40 % PDF; both through the blob store)' },
        clients: `${CLIENTS} simulated visitors (X-Forwarded-For; per-client rate limits on, Redis-shared on PostgreSQL)`,
        latency: 'from the scheduled send time (open loop: no coordinated omission); timeout 30 s',
        postgres: 'two `stdhub serve` processes (DATABASE_URL, pool 10 each, BLOB_STORE=s3 on s3rver, REDIS_URL) behind nginx-light round robin (max_fails=1 fail_timeout=10s, proxy_next_upstream error/timeout/502/503, 2 tries)',
        sqlite: 'one `stdhub serve` process on the same data (SQLite file, 2 search worker threads, BLOB_STORE=fs)',
        kill: KILL ? `pg-2 killed with SIGKILL at ${DURATION / 2} s` : 'none',
      },
      data: { ...t.counts, site: { reused: site.reused, buildSeconds: site.buildSeconds, imports: site.imports } },
      migration: migration
        ? { reusedDatabase: !!given, seconds: migrateSeconds, ok: migration.ok, tables: migration.tables.map((x) => ({ table: x.table, rows: x.target.rows, ok: x.ok })), search: migration.search, blobs: migration.blobs, problems: migration.problems }
        : { reusedDatabase: true, note: 'no saved migration report for this database' },
      postgres: { ...pgSummary, afterKillStatus: survivorAfter },
      sqlite: liteSummary,
      verdict: {
        postgresErrorsBesidesInFlight: KILL ? pgSummary.kill.errorsOther : pgSummary.errors,
        sqliteErrors: liteSummary.errors,
        survivorServedAfterKill: survivorAfter === 200,
        pass: (KILL ? pgSummary.kill.errorsOther : pgSummary.errors) === 0 && liteSummary.errors === 0 && survivorAfter === 200,
      },
    };
    // The raw samples stay in the file (memory over time), the per-request records do not.
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${RESULTS}: ${result.verdict.pass ? 'PASS' : 'FAIL'}`);
  } finally {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await Promise.race([new Promise((r) => nginx.once('exit', r)), sleep(10_000)]);
    }
    for (const p of procs) await stop(p);
    if (s3child && s3child.exitCode === null) {
      s3child.send({ cmd: 'stop' });
      await Promise.race([new Promise((r) => s3child.once('exit', r)), sleep(10_000)]);
      if (s3child.exitCode === null) s3child.kill('SIGKILL');
    }
    await pgDb?.drop().catch((e) => console.error(`dropping ${pgDb.name}: ${e.message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point.
if (args[0] === '--s3rver') {
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: args[1], silent: true, configureBuckets: [{ name: 'stdhub' }] });
  const { port } = await server.run();
  process.send({ port });
  process.on('message', async (m) => {
    if (m?.cmd === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
} else {
  await main();
}
