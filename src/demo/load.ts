import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../app/container.js';
import type { ImportReport } from '../kernel/diagnostics.js';
import { runImport } from '../importers/runner.js';
import { optimizeSearchIndex } from '../search/adapters/fts5-indexer.js';
import { parseSts } from '../importers/sts-parse.js';
import { readFile, readdir } from 'node:fs/promises';
import { ensureDemoAccounts } from '../accounts/demo.js';

/**
 * The demo: the data the repository ships in demo/ (see demo/README.md), loaded through the ordinary importers so
 * the demo exercises exactly the code a real import runs. Nothing here parses data itself.
 */

/** The shipped demo folder: demo/ at the package root (src/demo and dist/demo are both two levels below it). */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));

/** One step of the demo load: which importer reads which source. */
export interface DemoStep {
  importer: string;
  source: string;
}

export interface LoadDemoOptions {
  /** Folder holding the shipped demo data (default: the repository's demo/). */
  dir?: string;
  /**
   * Folder with the reference data (config.STDHUB_SHARED_DATA by default). CCS codes are not redistributable, so
   * they are loaded only from there, and only when its codes/ccs folder exists.
   */
  sharedData?: string;
  /** Called before each importer runs. */
  onStep?: (step: DemoStep, index: number, total: number) => void;
  /** Progress of the running importer (done units and, when known, the total). */
  onProgress?: (step: DemoStep, done: number, total?: number) => void;
}

/** The demo's import steps in order: classification codes first so the browse trees have their labels. */
export function demoSteps(opts: { dir?: string; sharedData?: string } = {}): DemoStep[] {
  const dir = opts.dir ?? DEMO_DIR;
  const steps: DemoStep[] = [
    { importer: 'ics', source: join(dir, 'ics', 'ics-ed7.jsonl') },
    { importer: 'rfc-index', source: join(dir, 'ietf', 'rfc-index.txt') },
    { importer: 'samr-json', source: join(dir, 'gb', 'national-standards.json') },
    { importer: 'relaton', source: join(dir, 'stdhub') },
  ];
  const ccs = opts.sharedData ? join(opts.sharedData, 'codes', 'ccs') : null;
  if (ccs && existsSync(ccs)) steps.push({ importer: 'ccs', source: ccs });
  return steps;
}

/**
 * Loads the demo data into the services' database, one importer after another, and returns one report per step.
 * Idempotent: a second run finds every record unchanged. It never throws for bad data; problems are in the reports.
 */
export async function loadDemo(services: Services, opts: LoadDemoOptions = {}): Promise<ImportReport[]> {
  const steps = demoSteps({ dir: opts.dir, sharedData: opts.sharedData ?? services.config.STDHUB_SHARED_DATA });
  const reports: ImportReport[] = [];
  for (const [i, step] of steps.entries()) {
    opts.onStep?.(step, i, steps.length);
    reports.push(
      await runImport(services, step.importer, step.source, {
        actor: `demo:${step.importer}`,
        onProgress: (done, total) => opts.onProgress?.(step, done, total),
      }),
    );
  }
  await loadDemoTexts(services, { dir: opts.dir });
  await ensureDemoAccounts(services);
  if (reports.some((r) => r.counts.created + r.counts.updated > 0)) optimizeSearchIndex(services.sqlite);
  return reports;
}

/**
 * The demo standard's full text (demo/stdhub-text/*.xml, NISO STS, one file per language), parsed by the `sts`
 * importer's parser and stored for the catalogue record the `relaton` step created. Only the text is written: the
 * relaton record carries more metadata than the STS front matter and must not be replaced by it. Idempotent
 * (ContentStore.put answers 'unchanged'). Our own shipped files: a parse failure is a bug and throws.
 */
export async function loadDemoTexts(services: Services, opts: { dir?: string } = {}): Promise<{ file: string; outcome: string }[]> {
  const dir = join(opts.dir ?? DEMO_DIR, 'stdhub-text');
  if (!existsSync(dir)) return [];
  const out: { file: string; outcome: string }[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.xml')).sort()) {
    const bytes = await readFile(join(dir, file));
    const r = parseSts(bytes, { file });
    if (r.failed || !r.docs.length) throw new Error(`demo text ${file} does not parse: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
    for (const doc of r.docs) {
      const record = await services.catalogue.resolve(doc.edition);
      if (!record) throw new Error(`demo text ${file}: no catalogue record for ${doc.edition}`);
      out.push({ file, outcome: await services.content.put({ ...doc, stdId: record.id }, bytes, { actor: 'demo:sts' }) });
    }
  }
  return out;
}

/** True when the catalogue holds no standard yet (the server then loads the demo if STDHUB_DEMO=auto). */
export async function isEmpty(services: Services): Promise<boolean> {
  return (await services.catalogue.count()) === 0;
}

/** True when any report of a run has a failed record or an abort: the CLI exits non-zero. */
export function anyFailed(reports: ImportReport[]): boolean {
  return reports.some((r) => r.counts.failed > 0 || r.diagnostics.some((d) => d.severity === 'abort'));
}
