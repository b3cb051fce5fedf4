import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import { DiagnosticLog, type ImportReport } from '../kernel/diagnostics.js';
import { SourceError } from './sources.js';
import { getImporter } from './registry.js';
import type { ImportContext } from './types.js';

export interface RunOptions {
  actor?: string;
  onProgress?: (done: number, total?: number) => void;
}

/**
 * Runs a registered importer against a source and records the run (import_run + diagnostic rows + an
 * 'import.run' event). An unreadable source becomes an 'abort' diagnostic, never a crash; the report says all.
 */
export async function runImport(
  deps: { db: Kysely<Database>; clock: Clock } & Pick<ImportContext, 'catalogue' | 'classifications' | 'content'>,
  importerName: string,
  source: string,
  opts: RunOptions = {},
): Promise<ImportReport> {
  const importer = getImporter(importerName);
  const log = new DiagnosticLog();
  const startedAt = deps.clock.now().toISOString();
  const actor = opts.actor ?? `importer:${importer.name}`;
  const run = await deps.db
    .insertInto('import_run')
    .values({ importer: importer.name, source, started_at: startedAt, counts: '{}', status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    await importer.run(source, {
      catalogue: deps.catalogue,
      classifications: deps.classifications,
      content: deps.content,
      log,
      actor,
      progress: (d, t) => opts.onProgress?.(d, t),
    });
  } catch (e) {
    const err = e as Error & { file?: string };
    log.add({
      id: e instanceof SourceError ? 'source.unreadable' : 'import.crashed',
      severity: 'abort',
      category: 'source',
      message: err.message,
      location: { file: err.file ?? source },
    });
  }
  const finishedAt = deps.clock.now().toISOString();
  const report: ImportReport = {
    importer: importer.name,
    source,
    startedAt,
    finishedAt,
    counts: log.counts,
    diagnostics: log.items,
  };
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('import_run')
      .set({ finished_at: finishedAt, counts: JSON.stringify(log.counts), status: log.failed ? 'failed' : 'ok' })
      .where('id', '=', run.id)
      .execute();
    for (let i = 0; i < log.items.length; i += 200) {
      const chunk = log.items.slice(i, i + 200).map((d, j) => ({
        run_id: run.id,
        seq: i + j,
        diag_id: d.id,
        severity: d.severity,
        category: d.category,
        message: d.message,
        file: d.location.file ?? null,
        line: d.location.line ?? null,
        col: d.location.col ?? null,
        record: d.location.record ?? null,
      }));
      await tx.insertInto('diagnostic').values(chunk).execute();
    }
    await tx
      .insertInto('event')
      .values({
        at: finishedAt,
        actor,
        verb: 'import.run',
        object_type: 'import_run',
        object_id: String(run.id),
        before: null,
        after: JSON.stringify({ importer: importer.name, source, counts: log.counts, diagnostics: log.items.length }),
      })
      .execute();
  });
  return report;
}
