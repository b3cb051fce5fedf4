// Small helpers shared by the benchmarks: numeric command-line options and latency summaries.

/** Reads `--name N` from the command line as a number, else the default. */
export function numberOption(args, name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
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
