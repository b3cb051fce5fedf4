// Small helpers shared by the benchmarks: paths, the compiled app, numeric command-line options, loopback servers
// and latency summaries.

import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (the parent of bench/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled application the benchmarks measure. */
export const DIST = join(ROOT, 'dist');
/** Shared data sets (ISO Relaton, RFC texts), used when present. */
export const SHARED = process.env.STDHUB_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data');

/** Imports a module of the compiled app, e.g. dist('app/container.js'). */
export const dist = (p) => import(pathToFileURL(join(DIST, p)).href);

/** A benchmark's work folder (bench/work/<name>) and result file (bench/results/<name>.json). */
export function benchPaths(name) {
  return { WORK: join(ROOT, 'bench', 'work', name), RESULTS: join(ROOT, 'bench', 'results', `${name}.json`) };
}

/** The command-line arguments of this run. */
export const args = process.argv.slice(2);


/** Reads `--name N` from the command line as a number, else the default. */
export function numberOption(args, name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
}

/** `--name N` of this run's command line as a number, else the default. */
export const opt = (name, dflt) => numberOption(args, name, dflt);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Polls `url` until it answers 2xx, at most `ms` milliseconds (then throws), every `pollMs`; each request is
 * aborted after `requestTimeoutMs` when given.
 */
export async function waitFor(url, { ms = 10_000, pollMs = 100, requestTimeoutMs } = {}) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url, requestTimeoutMs ? { signal: AbortSignal.timeout(requestTimeoutMs) } : undefined);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`${url} did not come up`);
    await sleep(pollMs);
  }
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Rounds to 3 decimals (null stays null). */
export const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);

/** Count, rate and p50/p95/p99/max of latencies (ms) measured over `seconds`. */
export function summary(latencies, seconds) {
  const s = latencies.slice().sort((a, b) => a - b);
  return {
    count: s.length, seconds: round(seconds), perSecond: round(s.length / seconds),
    p50ms: round(percentile(s, 50)), p95ms: round(percentile(s, 95)), p99ms: round(percentile(s, 99)),
    maxms: round(s[s.length - 1] ?? null),
  };
}

/** Asks a forked server child to stop ('stop' message) and waits for it to exit; kills it after 10 s. */
export async function stopChild(child) {
  child.removeAllListeners('exit');
  child.send('stop');
  await new Promise((r) => {
    const t = setTimeout(() => (child.kill(), r()), 10_000);
    child.once('exit', () => (clearTimeout(t), r()));
  });
}
