import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import { openServices, type Services } from '../app/container.js';
import { anyFailed, isEmpty, loadDemo } from '../demo/load.js';
import '../importers/all.js';
import { getImporter, listImporters } from '../importers/registry.js';
import { runImport } from '../importers/runner.js';
import { optimizeSearchIndex } from '../search/adapters/fts5-indexer.js';
import { loadConfig, type Config } from '../kernel/config.js';
import { formatDiagnostic, type ImportReport } from '../kernel/diagnostics.js';
import { isAppError } from '../kernel/errors.js';
import { createProgress, type ProgressSink } from './progress.js';
import { registerOpsCommands } from './ops-commands.js';
import { registerUserCommands } from './user-commands.js';
import { DISCLOSURE_MODES, isDisclosureMode } from '../reader/disclosure.js';
import { cliCaller } from '../editorial/service.js';

/**
 * The `stdhub` command line. Commands are thin: they load configuration, open the services and call a use case
 * (src/importers, src/demo, src/web); formatting the outcome for a terminal is all they add.
 *
 * Exit codes: 0 success; 1 an import had failed records or aborted; 2 usage or configuration error.
 */

/** What the CLI talks to; the real process in main.ts, a recorder in tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Registers a handler for SIGINT/SIGTERM (serve's graceful shutdown). */
  onSignal(handler: (signal: string) => void): void;
}

/** Thrown by a command to end with an exit code after printing its message. */
class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function parsePort(v: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return Number(v);
}

/** Configuration from the environment with command-line overrides (flags win over variables). */
function configFrom(io: CliIo, overrides: Partial<Config>): Config {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<Config>;
  return loadConfig(io.env, defined);
}

/** Opens services for a one-shot command: search runs on the main thread (no worker threads to start and stop). */
async function withServices<T>(io: CliIo, overrides: Partial<Config>, fn: (s: Services) => Promise<T>): Promise<T> {
  const services = await openServices(configFrom(io, { SEARCH_WORKERS: 0, ...overrides }));
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

function line(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

function countsLine(r: ImportReport): string {
  const c = r.counts;
  return `seen ${c.seen}  created ${c.created}  updated ${c.updated}  unchanged ${c.unchanged}  failed ${c.failed}  skipped ${c.skipped}`;
}

/** The report of one import as text: header, counts, then every diagnostic on its own line. */
export function formatReport(r: ImportReport, opts: { diagnostics?: 'all' | 'serious' } = {}): string[] {
  const out = [`${r.importer} ← ${r.source}`, `  ${countsLine(r)}`];
  const shown = opts.diagnostics === 'serious' ? r.diagnostics.filter((d) => d.severity === 'abort' || d.severity === 'serious') : r.diagnostics;
  for (const d of shown) out.push(`  ${formatDiagnostic(d)}`);
  const hidden = r.diagnostics.length - shown.length;
  if (hidden > 0) out.push(`  (${hidden} minor/info diagnostics not shown; run \`stdhub import\` for the full list)`);
  return out;
}

function progressSink(io: CliIo, quiet: boolean): ProgressSink | null {
  return quiet ? null : { stream: io.stderr, isTTY: !!io.stderr.isTTY };
}

/** Builds the commander program bound to an io; exported for tests and for main.ts. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('stdhub')
    .description('stdhub — a self-hostable standards platform: catalogue, full text, search in Chinese and English.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nConfiguration comes from environment variables (see .env.sample); flags override them.\nExit codes: 0 ok, 1 import failed or aborted, 2 usage or configuration error.',
  );

  program
    .command('serve')
    .description('run the web server (site + API); loads the demo data into an empty database when STDHUB_DEMO=auto')
    .option('-p, --port <port>', 'TCP port (env PORT, default 3000; 0 = any free port)', parsePort)
    .option('-H, --host <address>', 'address to bind (env HOST, default 127.0.0.1)')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .action(async (o: { port?: number; host?: string; db?: string }) => {
      const config = configFrom(io, { PORT: o.port, HOST: o.host, STDHUB_DB: o.db });
      const services = await openServices(config);
      let app: FastifyInstance | null = null;
      try {
        if (config.STDHUB_DEMO === 'auto' && (await isEmpty(services))) {
          line(io.stderr, 'The database is empty: loading the demo data (STDHUB_DEMO=auto; set STDHUB_DEMO=off to skip)…');
          const reports = await runDemo(io, services, false);
          if (anyFailed(reports)) line(io.stderr, 'warning: the demo data did not load completely (see the diagnostics above).');
        }
        // Loaded on demand so one-shot commands do not pay for the web stack.
        const { buildServer } = await import('../web/server.js');
        app = await buildServer(services, { logger: config.LOG_LEVEL !== 'silent' });
        const address = await app.listen({ port: config.PORT, host: config.HOST });
        line(io.stdout, `stdhub listening on ${address}${config.PUBLIC_URL ? ` (public URL ${config.PUBLIC_URL})` : ''}`);
        line(io.stdout, `API: ${address}/api/v1  OpenAPI: ${address}/api/openapi.json`);
      } catch (e) {
        await app?.close().catch(() => undefined);
        await services.close();
        throw e;
      }
      const running = app;
      await new Promise<void>((done) => {
        let stopping = false;
        io.onSignal((signal) => {
          if (stopping) return;
          stopping = true;
          line(io.stderr, `${signal}: shutting down…`);
          // Stop accepting connections, let requests in flight finish, then close the database and workers.
          void running
            .close()
            .catch((e: Error) => line(io.stderr, `error while closing the server: ${e.message}`))
            .then(() => services.close())
            .catch((e: Error) => line(io.stderr, `error while closing the database: ${e.message}`))
            .finally(done);
        });
      });
      line(io.stderr, 'stopped.');
    });

  program
    .command('import')
    .description('import a source with a registered importer and print the report (see `stdhub importers`)')
    .argument('<importer>', 'importer name, e.g. rfc-index, relaton, ics, ccs, samr-json')
    .argument('<path>', 'file, folder or archive (.tar, .tar.gz, .tar.xz) to import')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .option('--json', 'print the report as JSON (no progress output)')
    .action(async (name: string, path: string, o: { db?: string; json?: boolean }) => {
      getImporter(name); // unknown importer → usage error before anything is opened
      if (!existsSync(path)) throw new CliExit(EXIT_USAGE, `stdhub import: no such file or folder: ${path}`);
      const source = resolve(path);
      const report = await withServices(io, { STDHUB_DB: o.db }, async (services) => {
        const progress = createProgress(name, progressSink(io, !!o.json));
        try {
          const r = await runImport(services, name, source, { actor: 'cli', onProgress: (d, t) => progress.update(d, t) });
          // Merge the search index's segments after a bulk write: broad queries get up to 3x cheaper.
          if (r.counts.created + r.counts.updated > 0) optimizeSearchIndex(services.sqlite);
          return r;
        } finally {
          progress.stop();
        }
      });
      if (o.json) line(io.stdout, JSON.stringify(report, null, 2));
      else for (const l of formatReport(report)) line(io.stdout, l);
      if (anyFailed([report])) throw new CliExit(EXIT_FAILED);
    });

  program
    .command('importers')
    .description('list the registered importers')
    .action(() => {
      const all = listImporters();
      const width = Math.max(...all.map((i) => i.name.length));
      for (const i of all) {
        line(io.stdout, `${i.name.padEnd(width)}  ${i.description}`);
        line(io.stdout, `${''.padEnd(width)}  accepts: ${i.accepts}`);
      }
    });

  program
    .command('stats')
    .description('count the standards in the catalogue by body and by status')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .option('--json', 'print the counts as JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const stats = await withServices(io, { STDHUB_DB: o.db }, (s) => s.catalogue.stats());
      if (o.json) {
        line(io.stdout, JSON.stringify(stats, null, 2));
        return;
      }
      line(io.stdout, `standards: ${stats.total}`);
      const table = (title: string, rows: { key: string; count: number }[]) => {
        line(io.stdout, title);
        const width = Math.max(0, ...rows.map((r) => r.key.length));
        for (const r of rows) line(io.stdout, `  ${r.key.padEnd(width)}  ${String(r.count).padStart(7)}`);
      };
      table('by body:', stats.byBody.map((r) => ({ key: r.body, count: r.count })));
      table('by status:', stats.byStatus.map((r) => ({ key: r.status, count: r.count })));
    });

  program
    .command('demo')
    .description('load the shipped demo data (RFC index, ICS codes, Chinese national standards, a demo association standard)')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .option('--json', 'print the reports as JSON (no progress output)')
    .action(async (o: { db?: string; json?: boolean }) => {
      const reports = await withServices(io, { STDHUB_DB: o.db }, (s) => runDemo(io, s, !!o.json));
      if (o.json) line(io.stdout, JSON.stringify(reports, null, 2));
      if (anyFailed(reports)) throw new CliExit(EXIT_FAILED);
    });

  program
    .command('disclose')
    .description('set whether a standard\'s text may be read and downloaded (read-download, read-only, not-disclosed, restricted)')
    .argument('<number>', 'standard number or record id (quote it: "GB/T 1.1-2020")')
    .requiredOption('--mode <mode>', `one of ${DISCLOSURE_MODES.join(', ')}`, (v: string) => {
      if (!isDisclosureMode(v)) throw new InvalidArgumentError(`must be one of ${DISCLOSURE_MODES.join(', ')}`);
      return v;
    })
    .option('--reason-en <text>', 'reason shown to English readers (required with not-disclosed unless --reason-zh)')
    .option('--reason-zh <text>', 'reason shown to Chinese readers')
    .option('--actor <name>', 'who made the change (recorded in the event log)', 'cli')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .action(async (number: string, o: { mode: string; reasonEn?: string; reasonZh?: string; actor: string; db?: string }) => {
      const d = await withServices(io, { STDHUB_DB: o.db }, (s) =>
        // The same use case as the web back office and the API (src/editorial), as the operator ('cli').
        s.editorial.setDisclosure(cliCaller(o.actor), number, { mode: o.mode as (typeof DISCLOSURE_MODES)[number], reason: { en: o.reasonEn, zh: o.reasonZh } }),
      );
      line(io.stdout, `${d.stdId}: ${d.mode}${d.reason.en ? ` — ${d.reason.en}` : ''}${d.reason.zh ? ` — ${d.reason.zh}` : ''}`);
    });

  // backup, restore, migrate-to-postgres (src/ops).
  registerOpsCommands(program, io);
  // user create, user grant (src/accounts).
  registerUserCommands(program, io);

  return program;
}

/** Runs the demo load with progress and a short report per importer (serious diagnostics listed). */
async function runDemo(io: CliIo, services: Services, json: boolean): Promise<ImportReport[]> {
  let progress = createProgress('demo', null);
  const reports = await loadDemo(services, {
    onStep: (step) => {
      progress.stop();
      progress = createProgress(`demo ${step.importer}`, progressSink(io, json));
    },
    onProgress: (_step, done, total) => progress.update(done, total),
  });
  progress.stop();
  if (!json) for (const r of reports) for (const l of formatReport(r, { diagnostics: 'serious' })) line(io.stdout, l);
  return reports;
}

/**
 * Runs the CLI with arguments (without `node stdhub`) and resolves to the exit code; never calls process.exit, so
 * tests run it in-process. Errors are printed as one line; AppError messages are safe to show.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; other parse errors were already printed by commander.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof CliExit) {
      if (e.message) line(io.stderr, e.message);
      return e.code;
    }
    if (isAppError(e)) {
      line(io.stderr, `stdhub: ${e.message}`);
      return e.code === 'import_failed' ? EXIT_FAILED : EXIT_USAGE;
    }
    const err = e as Error;
    line(io.stderr, `stdhub: ${err.message ?? String(e)}`);
    return EXIT_FAILED;
  }
}
