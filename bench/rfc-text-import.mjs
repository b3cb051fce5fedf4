#!/usr/bin/env node
// RFC full-text import benchmark. Two measurements over the same archive (all 9,823 RFC texts,
// ../shared/data/ietf-rfc/rfcs-all-txt.tar.xz, streamed through `xz -dc`):
//   1. read + split only: decompress, decode and parse every rfcNNNN.txt into the content model, no database
//      (with the decompression alone measured first, to separate the xz cost);
//   2. the real import: `rfc-text` through runImport into a fresh SQLite database that has the RFC index imported
//      first (one transaction per document: tree JSON, flat sections, source bytes, event);
// then, optionally, a re-run of the import on the same database (every document unchanged: idempotence at scale).
// The baseline is measurement 1 in the same run; the result is the ratio import / read+split.
// Results: bench/results/rfc-text-import.json. Work files: bench/work/rfc-text-import/ (deleted and rebuilt each run).
//
// Usage: npm run build && node bench/rfc-text-import.mjs [--no-rerun] [--limit N]
// Needs the compiled dist/ (the bench measures what production runs).

import { mkdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const WORK = join(ROOT, 'bench', 'work', 'rfc-text-import');
const DB = join(WORK, 'bench.sqlite');
const RESULTS = join(ROOT, 'bench', 'results', 'rfc-text-import.json');
const SHARED = process.env.STDHUB_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data');
const TAR = join(SHARED, 'ietf-rfc', 'rfcs-all-txt.tar.xz');
const INDEX = join(SHARED, 'ietf-rfc', 'rfc-index.txt');

const args = process.argv.slice(2);
const RERUN = !args.includes('--no-rerun');
const limitAt = args.indexOf('--limit');
/** Optional cap on the number of texts (for a quick try); the reported run uses all of them. */
const LIMIT = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;

const dist = (p) => import(pathToFileURL(join(DIST, p)).href);
const secs = (ms) => Math.round(ms) / 1000;
/** CPU seconds of this process since `c0` (user + system). Less sensitive than wall time to other work on the
 * machine; the xz child's CPU is not included. */
const cpuSince = (c0) => {
  const u = process.cpuUsage(c0);
  return Math.round((u.user + u.system) / 1000) / 1000;
};
const FILE_RE = /(?:^|\/)rfc(\d{1,5})\.txt$/i;

if (!existsSync(join(DIST, 'importers', 'rfc-text.js'))) {
  console.error('dist/ is missing or stale: run `npm run build` first');
  process.exit(2);
}
if (!existsSync(TAR) || !existsSync(INDEX)) {
  console.error(`shared data missing: ${TAR} / ${INDEX}`);
  process.exit(2);
}

const { readSource, decodeText } = await dist('importers/sources.js');
const { parseRfcText } = await dist('importers/rfc-text-parse.js');
const { openServices } = await dist('app/container.js');
const { loadConfig } = await dist('kernel/config.js');
const { runImport } = await dist('importers/runner.js');

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memGB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100) };
console.log(`machine: ${machine.cpus} cores, load ${machine.loadavgStart.join(' ')} (shared with other work)`);

// 1a. Decompression and tar reading alone.
let t0 = performance.now();
let c0 = process.cpuUsage();
let files = 0;
let bytes = 0;
// (Never `break` out of readSource: the xz child would be left blocked on its pipe; skip instead.)
for await (const f of readSource(TAR, (n) => FILE_RE.test(n))) {
  if (files >= LIMIT) continue;
  files++;
  bytes += f.data.length;
}
const decompressMs = performance.now() - t0;
const decompressCpu = cpuSince(c0);
console.log(`decompress+read: ${files} files, ${(bytes / 1e6).toFixed(0)} MB in ${secs(decompressMs)} s`);

// 1b. Decompress + decode + parse (the importer's work minus the database).
t0 = performance.now();
c0 = process.cpuUsage();
let parsed = 0;
let sections = 0;
let latin1 = 0;
let noHeadings = 0;
let parseOnlyMs = 0;
for await (const f of readSource(TAR, (n) => FILE_RE.test(n))) {
  if (parsed >= LIMIT) continue;
  const { text, encoding } = decodeText(f.data);
  if (encoding === 'latin1') latin1++;
  const a = performance.now();
  const p = parseRfcText(text);
  parseOnlyMs += performance.now() - a;
  parsed++;
  sections += p.stats.sections;
  if (p.notes.some((n) => n.id === 'rfc_text.no_headings')) noHeadings++;
}
const readSplitMs = performance.now() - t0;
const readSplitCpu = cpuSince(c0);
console.log(`read+split: ${parsed} texts, ${sections} sections in ${secs(readSplitMs)} s (cpu ${readSplitCpu} s; parser alone ${secs(parseOnlyMs)} s)`);

// 2. The real import into a fresh database with the RFC index.
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const config = loadConfig({}, { STDHUB_DB: DB, SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
const services = await openServices(config);
t0 = performance.now();
const indexReport = await runImport(services, 'rfc-index', INDEX);
const indexMs = performance.now() - t0;
console.log(`rfc-index: ${JSON.stringify(indexReport.counts)} in ${secs(indexMs)} s`);

let source = TAR;
if (Number.isFinite(LIMIT)) {
  // A quick try imports the first LIMIT texts from a folder instead of the archive.
  source = join(WORK, 'limited');
  mkdirSync(source, { recursive: true });
  let n = 0;
  for await (const f of readSource(TAR, (x) => FILE_RE.test(x))) {
    if (n++ >= LIMIT) continue;
    writeFileSync(join(source, f.name.split('/').pop()), f.data);
  }
}
t0 = performance.now();
c0 = process.cpuUsage();
let last = 0;
const report = await runImport(services, 'rfc-text', source, {
  onProgress: (done) => {
    if (done - last >= 1000) {
      last = done;
      console.log(`  … ${done} texts, ${secs(performance.now() - t0)} s`);
    }
  },
});
const importMs = performance.now() - t0;
const importCpu = cpuSince(c0);
const byId = {};
for (const d of report.diagnostics) byId[`${d.severity} ${d.id}`] = (byId[`${d.severity} ${d.id}`] ?? 0) + 1;
const docs = await services.content.count();
const sectionRows = Number((await services.db.selectFrom('content_section').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
console.log(`rfc-text import: ${JSON.stringify(report.counts)} in ${secs(importMs)} s (cpu ${importCpu} s); ${docs} documents, ${sectionRows} section rows`);

// 3. Re-run: every document must come back unchanged.
let rerun = null;
if (RERUN) {
  t0 = performance.now();
  c0 = process.cpuUsage();
  const again = await runImport(services, 'rfc-text', source);
  rerun = { seconds: secs(performance.now() - t0), cpuSeconds: cpuSince(c0), counts: again.counts };
  console.log(`re-run: ${JSON.stringify(again.counts)} in ${rerun.seconds} s`);
}
await services.close();
const dbBytes = statSync(DB).size + (existsSync(`${DB}-wal`) ? statSync(`${DB}-wal`).size : 0);

const result = {
  bench: 'rfc-text-import',
  date: new Date().toISOString(),
  machine: { ...machine, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100), note: 'the machine was shared with other engineers during the run: absolute times are noisy, the ratio less so' },
  source: { archive: 'ietf-rfc/rfcs-all-txt.tar.xz', texts: files, megabytes: Math.round(bytes / 1e5) / 10, limited: Number.isFinite(LIMIT) },
  baseline: {
    what: 'decompress (xz -dc) + tar + decode + parse into ContentDocument trees, no database',
    decompressReadSeconds: secs(decompressMs),
    decompressReadCpuSeconds: decompressCpu,
    readSplitSeconds: secs(readSplitMs),
    readSplitCpuSeconds: readSplitCpu,
    parserSeconds: secs(parseOnlyMs),
    texts: parsed,
    sections,
    latin1Texts: latin1,
    textsWithoutHeadings: noHeadings,
    megabytesPerSecond: Math.round((bytes / 1e6 / (readSplitMs / 1000)) * 10) / 10,
  },
  rfcIndex: { seconds: secs(indexMs), counts: indexReport.counts },
  import: {
    what: 'runImport rfc-text into SQLite (WAL, synchronous=NORMAL), one transaction per document',
    seconds: secs(importMs),
    cpuSeconds: importCpu,
    counts: report.counts,
    documents: docs,
    sectionRows,
    documentsPerSecond: Math.round((docs / (importMs / 1000)) * 10) / 10,
    databaseMegabytes: Math.round(dbBytes / 1e5) / 10,
    diagnostics: byId,
    targetSeconds: 300,
    withinTarget: importMs / 1000 <= 300,
  },
  ratioImportToReadSplit: Math.round((importMs / readSplitMs) * 100) / 100,
  ratioImportToReadSplitCpu: Math.round((importCpu / readSplitCpu) * 100) / 100,
  rerun,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
console.log(`ratio import / read+split = ${result.ratioImportToReadSplit}; written ${RESULTS}`);
