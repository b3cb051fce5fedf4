#!/usr/bin/env node
// Reader page throughput against nginx (issue 3, evidence: "reader page throughput against nginx (Debian package)
// serving a saved copy of the same page in the same run; target ≥ 0.3 of nginx").
// In one run:
//   1. the built app (dist/, in a child process, one Node process) on 127.0.0.1:<random>, with the demo standard's
//      bilingual text loaded (relaton record + demo/stdhub-text STS files);
//   2. GET /std/<id>/read?text=zh once, saved to bench/work/reader-vs-nginx/www/read.html;
//   3. nginx (Debian nginx-light, worker_processes 1, so both sides have one process) with a temporary config on
//      another loopback port serving that file;
//   4. 16 concurrent keep-alive clients (Node's fetch / undici) against each server in alternating phases of
//      --seconds S (default 5), --rounds R (default 2); per target: requests/s, p50/p95 latency, bytes checked.
// Result: bench/results/reader-vs-nginx.json with ratio = app req/s ÷ nginx req/s.
// Usage: npm run build && node bench/reader-vs-nginx.mjs [--seconds S] [--rounds R]

import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, ROOT, args, benchPaths, dist, freePort, opt, waitFor } from './lib.mjs';

const { WORK, RESULTS } = benchPaths('reader-vs-nginx');
const NGINX = '/usr/sbin/nginx';
const CONCURRENCY = 16;
const SECONDS = opt('seconds', 5);
const ROUNDS = opt('rounds', 2);

// ---------------------------------------------------------------------------------------------------------------
// Child: the app server.
if (args.includes('--serve')) {
  const dir = args[args.indexOf('--serve') + 1];
  const { openServices } = await dist('app/container.js');
  const { loadConfig } = await dist('kernel/config.js');
  const { runImport } = await dist('importers/runner.js');
  const { loadDemoTexts } = await dist('demo/load.js');
  const { buildServer } = await dist('web/server.js');
  const services = await openServices(loadConfig({}, { STDHUB_DB: join(dir, 'bench.sqlite'), SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }));
  await runImport(services, 'relaton', join(ROOT, 'demo', 'stdhub'));
  await loadDemoTexts(services, { dir: join(ROOT, 'demo') });
  const record = await services.catalogue.resolve('T/STDHUB 1-2025');
  const app = await buildServer(services);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ address, id: record.id });
  process.on('message', async (m) => {
    if (m?.cmd === 'stop') {
      await app.close();
      await services.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

/** 16 keep-alive clients for `seconds`; every response is checked (status 200 and the expected length). */
async function load(url, headers, seconds, expectLength) {
  const lat = [];
  let bytes = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const r = await fetch(url, { headers });
        const b = await r.arrayBuffer();
        if (r.status !== 200 || b.byteLength !== expectLength) errors++;
        bytes += b.byteLength;
      } catch {
        errors++;
      }
      lat.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { requests: lat.length, seconds: elapsed, rps: lat.length / elapsed, p50ms: q(0.5), p95ms: q(0.95), bytes, errors };
}

async function main() {
  if (!existsSync(join(DIST, 'web', 'routes', 'reader.js'))) throw new Error('dist/ is missing the reader: run npm run build first');
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found (Debian package nginx-light)`);
  const tmp = mkdtempSync(join(tmpdir(), 'stdhub-bench-reader-'));
  const www = join(WORK, 'www');
  mkdirSync(www, { recursive: true });
  let child;
  let nginx;
  try {
    child = fork(fileURLToPath(import.meta.url), ['--serve', tmp], { stdio: 'inherit' });
    const { address, id } = await new Promise((res, rej) => {
      child.once('message', res);
      child.once('exit', (c) => rej(new Error(`server exited (${c})`)));
    });
    const path = `/std/${encodeURIComponent(id)}/read?text=zh`;
    const headers = { 'accept-language': 'zh-CN' };
    const first = await fetch(`${address}${path}`, { headers });
    if (first.status !== 200) throw new Error(`reader page answered ${first.status}`);
    const page = Buffer.from(await first.arrayBuffer());
    writeFileSync(join(www, 'read.html'), page);

    const port = await freePort();
    const conf = join(tmp, 'nginx.conf');
    writeFileSync(
      conf,
      `worker_processes 1;
pid ${tmp}/nginx.pid;
error_log ${tmp}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fcgi; uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 65;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location / { default_type text/html; charset utf-8; }
  }
}
`,
    );
    nginx = spawn(NGINX, ['-p', tmp, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const nginxUrl = `http://127.0.0.1:${port}/read.html`;
    await waitFor(nginxUrl);

    // Warm-up, then alternating phases so drift in machine load hits both sides alike.
    await load(`${address}${path}`, headers, 1, page.length);
    await load(nginxUrl, headers, 1, page.length);
    // Reference: the app's own catalogue record page (not the reader), to show the app's per-request floor.
    const recPath = `/std/${encodeURIComponent(id)}`;
    const recLen = (await (await fetch(`${address}${recPath}`, { headers })).arrayBuffer()).byteLength;
    const phases = { app: [], nginx: [], record: [] };
    for (let r = 0; r < ROUNDS; r++) {
      phases.record.push(await load(`${address}${recPath}`, headers, SECONDS, recLen));
      phases.app.push(await load(`${address}${path}`, headers, SECONDS, page.length));
      phases.nginx.push(await load(nginxUrl, headers, SECONDS, page.length));
      console.log(
        `round ${r + 1}: app reader ${phases.app.at(-1).rps.toFixed(0)} req/s, nginx ${phases.nginx.at(-1).rps.toFixed(0)} req/s, app record page ${phases.record.at(-1).rps.toFixed(0)} req/s`,
      );
    }
    const sum = (list) => {
      const requests = list.reduce((a, x) => a + x.requests, 0);
      const seconds = list.reduce((a, x) => a + x.seconds, 0);
      return {
        requests,
        seconds,
        rps: requests / seconds,
        p50ms: Math.max(...list.map((x) => x.p50ms)),
        p95ms: Math.max(...list.map((x) => x.p95ms)),
        errors: list.reduce((a, x) => a + x.errors, 0),
        phases: list.map((x) => ({ rps: x.rps, p50ms: x.p50ms, p95ms: x.p95ms })),
      };
    };
    const app = sum(phases.app);
    const ngx = sum(phases.nginx);
    const result = {
      bench: 'reader-vs-nginx',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), node: process.version },
      setup: {
        concurrency: CONCURRENCY,
        phaseSeconds: SECONDS,
        rounds: ROUNDS,
        page: `GET ${path} (demo standard T/STDHUB 1-2025, Chinese text, ${page.length} bytes)`,
        app: 'dist/ Fastify server, 1 Node process, SQLite (content tree parsed and rendered per request)',
        nginx: 'nginx-light, worker_processes 1, the saved HTML file with sendfile',
        client: "Node fetch (undici), keep-alive, each response checked for status 200 and the page's length",
      },
      app,
      nginx: ngx,
      appRecordPage: { ...sum(phases.record), path: recPath, note: 'reference only: the catalogue record page of the same app (not part of the ratio)' },
      ratio: app.rps / ngx.rps,
      target: 0.3,
      pass: app.rps / ngx.rps >= 0.3 && app.errors === 0 && ngx.errors === 0,
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`app ${app.rps.toFixed(0)} req/s (p95 ${app.p95ms.toFixed(1)} ms), nginx ${ngx.rps.toFixed(0)} req/s (p95 ${ngx.p95ms.toFixed(1)} ms), ratio ${result.ratio.toFixed(2)} (target ≥ 0.3)`);
  } finally {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx.once('exit', r));
    }
    if (child && child.exitCode === null) {
      child.send({ cmd: 'stop' });
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}
