#!/usr/bin/env node
// Usage-recording benchmark (issue 3 §6: "recording an event must not slow the page it counts"; target ≥ 5,000
// events/s while serving pages). In one run:
//   (a) HTTP: the real server (dist/, in a child process) serves standard pages (GET /std/:id, each one a page view)
//       to 16 concurrent keep-alive clients on loopback, in alternating phases with recording OFF and ON (the hook's
//       record() replaced by a no-op for OFF); per phase: pages/s, p50/p95 latency, and events written to SQLite/s;
//       a third phase per round records EXTRA synthetic events/s inside the server (default 5,000) while it serves,
//       to show pages keep their throughput while ≥ 5,000 events/s are recorded;
//   (b) recorder capacity: record() + the timer's flush on the same database in-process, with no HTTP in the way
//       (how many events/s the recorder itself sustains; the HTTP numbers are bounded by page rendering).
// Bounded in time: PHASE_SECONDS per phase (default 6), ROUNDS rounds of OFF+ON (default 2).
// Usage: npm run build && node bench/usage-recording.mjs [--seconds S] [--rounds R] [--extra EVENTS_PER_S]
// Results: bench/results/usage-recording.json. Pages are 300 synthetic catalogue records (titles, ICS, nature).

import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { numberOption } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const RESULTS = join(ROOT, 'bench', 'results', 'usage-recording.json');
const args = process.argv.slice(2);
const opt = (name, dflt) => numberOption(args, name, dflt);
const CONCURRENCY = 16;
const PHASE_SECONDS = opt('seconds', 6);
const ROUNDS = opt('rounds', 2);
const N_STANDARDS = 300;
const EXTRA = opt('extra', 5000); // synthetic events/s recorded in the server during the third phase of a round
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);

const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

function record(i) {
  const id = `GB-T-${40000 + i}-2024`;
  return {
    id,
    identifiers: [{ type: 'GB', value: `GB/T ${40000 + i}-2024`, primary: true }],
    body: 'SAC',
    docType: 'standard',
    nature: i % 5 === 0 ? 'mandatory' : 'recommended',
    titles: [
      { lang: 'zh', type: 'main', text: `信息技术 数据交换格式 第${i}部分：通用要求` },
      { lang: 'en', type: 'main', text: `Information technology — Data interchange formats — Part ${i}: General requirements` },
    ],
    dates: [{ type: 'issued', value: '2024-03-15' }],
    status: 'valid',
    year: 2024,
    classifications: [{ scheme: 'ics', code: i % 2 ? '35.240.60' : '13.220.50' }],
    contributors: [],
    abstracts: [],
    relations: [],
    links: [],
    keywords: [],
    source: { importer: 'bench', ref: 'usage-recording' },
  };
}

async function openBenchServices(dir) {
  const { openServices } = await dist('app/container.js');
  const { loadConfig } = await dist('kernel/config.js');
  const config = loadConfig({}, { STDHUB_DB: join(dir, 'bench.sqlite'), SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
  return openServices(config);
}

// ---------------------------------------------------------------------------------------------------------------
// Child: the server.
if (args.includes('--serve')) {
  const dir = args[args.indexOf('--serve') + 1];
  const services = await openBenchServices(dir);
  const { buildServer } = await dist('web/server.js');
  const realRecord = services.usage.record.bind(services.usage);
  let recording = true;
  services.usage.record = (hit) => (recording ? realRecord(hit) : undefined);
  const app = await buildServer(services);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ address });
  process.on('message', async (m) => {
    if (m.cmd === 'recording') {
      recording = m.on;
      // Extra load: synthetic events recorded inside the server at `extra` events/s (10 ms ticks) while it serves.
      clearInterval(globalThis.__extraTimer);
      let n = 0;
      const t0 = performance.now();
      // Catches up on late ticks (a busy event loop fires timers late), so the rate holds on average.
      if (m.extra) globalThis.__extraTimer = setInterval(() => {
        const due = Math.floor(((performance.now() - t0) / 1000) * m.extra);
        for (; n < due; n++) realRecord({ stdId: `GB-T-${40000 + (n % 300)}-2024`, kind: 'download', ip: `10.9.${(n >> 8) & 255}.${n & 255}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
      }, 10);
      process.send({ ok: true });
    } else if (m.cmd === 'stats') {
      services.usage.flush();
      const total = services.sqlite.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM usage_count').get().n;
      process.send({ recorder: services.usage.recorder.stats(), rowsTotal: total });
    } else if (m.cmd === 'stop') {
      await app.close();
      await services.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-usage-bench-'));
  try {
    // Seed the catalogue once (in this process), then the server opens the same file.
    {
      const s = await openBenchServices(dir);
      for (let i = 0; i < N_STANDARDS; i++) await s.catalogue.upsert(record(i), { actor: 'bench' });
      await s.close();
    }
    const capacity = await recorderCapacity(dir);
    console.log(`recorder capacity: ${capacity.eventsPerSecond.toFixed(0)} events/s (${capacity.events} events, ${capacity.flushes} flushes)`);

    const child = fork(fileURLToPath(import.meta.url), ['--serve', dir], { stdio: 'inherit' });
    const ask = (msg) =>
      new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error('child timeout')), 30_000);
        child.once('message', (m) => (clearTimeout(t), res(m)));
        if (msg) child.send(msg);
      });
    const { address } = await ask(null);
    const url = new URL(address);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    // Warm-up (JIT, SQLite cache), not measured.
    await load(url, agent, 2, 2000);
    const phases = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const [on, extra] of [[false, 0], [true, 0], [true, EXTRA]]) {
        await ask({ cmd: 'recording', on, extra });
        const before = await ask({ cmd: 'stats' });
        const res = await load(url, agent, PHASE_SECONDS, Infinity);
        const after = await ask({ cmd: 'stats' });
        const written = after.rowsTotal - before.rowsTotal;
        const phase = {
          recording: on,
          extraEventsPerSecond: extra,
          seconds: res.seconds,
          pages: res.ok,
          errors: res.errors,
          pagesPerSecond: res.ok / res.seconds,
          p50ms: res.p50,
          p95ms: res.p95,
          eventsWritten: written,
          eventsPerSecond: written / res.seconds,
          dropped: after.recorder.dropped - before.recorder.dropped,
        };
        phases.push(phase);
        console.log(
          `${on ? (extra ? 'ON+' : 'ON ') : 'OFF'} ${phase.pagesPerSecond.toFixed(0)} pages/s p50 ${phase.p50ms.toFixed(1)} ms p95 ${phase.p95ms.toFixed(1)} ms, ${phase.eventsPerSecond.toFixed(0)} events/s written, errors ${phase.errors}`,
        );
      }
    }
    const final = await ask({ cmd: 'stats' });
    child.send({ cmd: 'stop' });
    await new Promise((r) => child.once('exit', r));
    agent.destroy();
    const sel = (on, extra) => phases.filter((p) => p.recording === on && p.extraEventsPerSecond === extra);
    const agg = (ps) => {
      const secs = ps.reduce((a, p) => a + p.seconds, 0);
      return {
        pagesPerSecond: ps.reduce((a, p) => a + p.pages, 0) / secs,
        eventsPerSecond: ps.reduce((a, p) => a + p.eventsWritten, 0) / secs,
        dropped: ps.reduce((a, p) => a + p.dropped, 0),
      };
    };
    const off = agg(sel(false, 0));
    const on = agg(sel(true, 0));
    const heavy = agg(sel(true, EXTRA));
    const result = {
      bench: 'usage-recording',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), node: process.version },
      setup: { concurrency: CONCURRENCY, phaseSeconds: PHASE_SECONDS, rounds: ROUNDS, standards: N_STANDARDS, page: 'GET /std/:id (one page view each; 1 in 4 user agents is a bot, counted apart)' },
      http: {
        recordingOff: off,
        recordingOn: on,
        recordingOnPlusSynthetic: { extraEventsPerSecond: EXTRA, ...heavy },
        pageThroughputRatioOnOff: on.pagesPerSecond / off.pagesPerSecond,
        pageThroughputRatioHeavyOff: heavy.pagesPerSecond / off.pagesPerSecond,
        phases,
        recorder: final.recorder,
      },
      recorderCapacity: capacity,
      target: { eventsPerSecond: 5000 },
      note: 'HTTP events/s equal pages/s (one event per page) and are bounded by page rendering on this machine; recorderCapacity is what record()+flush sustain on the same SQLite file without HTTP.',
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    console.log(
      `pages/s OFF ${off.pagesPerSecond.toFixed(0)} ON ${on.pagesPerSecond.toFixed(0)} (ratio ${result.http.pageThroughputRatioOnOff.toFixed(3)}) ON+${EXTRA}/s ${heavy.pagesPerSecond.toFixed(0)} (ratio ${result.http.pageThroughputRatioHeavyOff.toFixed(3)}, ${heavy.eventsPerSecond.toFixed(0)} events/s written, dropped ${heavy.dropped}), events/s over HTTP ${on.eventsPerSecond.toFixed(0)}, recorder capacity ${capacity.eventsPerSecond.toFixed(0)} events/s → ${RESULTS}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Recorder alone: record() in a tight loop with a flush every 1,000 ms-equivalent of events, bounded by 3 s. */
async function recorderCapacity(dir) {
  const services = await openBenchServices(dir);
  const usage = services.usage;
  const t0 = performance.now();
  let events = 0;
  let flushes = 0;
  while (performance.now() - t0 < 3000) {
    for (let i = 0; i < 5000; i++, events++)
      usage.record({ stdId: `GB-T-${40000 + (events % N_STANDARDS)}-2024`, kind: 'view', ip: `10.${(events >> 16) & 255}.${(events >> 8) & 255}.${events & 255}`, userAgent: UAS[events % UAS.length] });
    usage.flush();
    flushes++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const stats = usage.recorder.stats();
  services.sqlite.prepare('DELETE FROM usage_count').run();
  services.sqlite.prepare('DELETE FROM usage_visitor').run();
  await services.close();
  return { events, flushes, seconds, eventsPerSecond: stats.flushed / seconds, dropped: stats.dropped };
}

/** Keeps CONCURRENCY requests in flight for `seconds` (or `maxRequests`); returns counts and latency percentiles. */
async function load(url, agent, seconds, maxRequests) {
  const lat = [];
  let ok = 0;
  let errors = 0;
  let sent = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const one = (i) =>
    new Promise((res) => {
      const start = performance.now();
      const req = http.get(
        { host: url.hostname, port: url.port, agent, path: `/std/GB-T-${40000 + (i % N_STANDARDS)}-2024`, headers: { 'user-agent': UAS[i % UAS.length], 'accept-language': i % 2 ? 'zh-CN' : 'en' } },
        (r) => {
          r.resume();
          r.on('end', () => {
            if (r.statusCode === 200) ok++;
            else errors++;
            lat.push(performance.now() - start);
            res();
          });
        },
      );
      req.on('error', () => (errors++, res()));
    });
  const worker = async () => {
    while (performance.now() < end && sent < maxRequests) await one(sent++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : 0);
  return { ok, errors, seconds: secs, p50: pct(0.5), p95: pct(0.95) };
}
