/**
 * Bulk import from the web UI: an uploaded file for any registered importer runs in the background inside the
 * process (the request returns at once), through the same runner as `stdhub import` (import_run, diagnostics,
 * 'import.run' event). Progress and the final report are kept in editorial_import, so the progress page reads
 * them from the database; a run cut short by a restart is marked 'interrupted' at the next start. Running imports
 * write a heartbeat, so with several app instances on one database a starting instance marks only runs whose
 * process is gone (stale heartbeat), never those another live instance is working on.
 *
 * Scope: the importer writes through guarded ports. A record whose body is not a publisher the caller holds
 * 'standard.create' (new) / 'standard.edit' (existing) for is refused — the store throws, and the importer reports
 * it as an error diagnostic naming the record (never silently dropped); texts need 'text.upload' on the record's
 * publisher; classification codes (site-wide lists) need a site-wide right. Admins may import anything.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { authorize, can } from '../accounts/policy.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { CatalogueStore, UpsertOutcome } from '../catalogue/ports.js';
import type { ClassificationCode, ClassificationStore } from '../classification/ports.js';
import type { ContentDocument } from '../content/model.js';
import type { ContentStore } from '../content/ports.js';
import type { Database } from '../db/schema.js';
import type { ImportReport } from '../kernel/diagnostics.js';
import { AppError } from '../kernel/errors.js';
import { getImporter, listImporters } from '../importers/registry.js';
import { runImport } from '../importers/runner.js';
import { displayName, readBlob, type Caller, type EditorialDeps } from './service.js';
import { CatalogueReadThrough } from './staging.js';
import type { EditorialImportTable } from './tables.js';

/** Imports one person may have running at once (each holds its upload in memory and keeps the writer busy). */
export const MAX_RUNNING_PER_ACTOR = 2;
/** How often a running import writes its heartbeat, and after how long without one it counts as interrupted. */
const HEARTBEAT_MS = 30_000;
export const STALE_AFTER_MS = 5 * 60_000;

/** Extensions an upload may keep in the temporary file name (importers choose their reader by extension). */
const KEEP_EXT = /\.(tar\.gz|tar\.xz|tgz|txz|tar|xml|json|ya?ml|txt)$/i;

/** A publisher-scoped view of the catalogue for one caller (refuses records of other publishers). */
export class ScopedCatalogue extends CatalogueReadThrough implements CatalogueStore {
  constructor(
    inner: CatalogueStore,
    private readonly p: Principal,
  ) {
    super(inner);
  }
  private async check(r: StandardRecord): Promise<void> {
    const existing = await this.inner.get(r.id);
    const action = existing ? 'standard.edit' : 'standard.create';
    const ok = can(this.p, action, { publisher: r.body }) && (!existing || existing.body === r.body || can(this.p, 'standard.edit', { publisher: existing.body }));
    if (!ok) throw new AppError('forbidden', `refused: ${r.id} belongs to publisher "${existing?.body ?? r.body}", which you may not ${existing ? 'edit' : 'create standards for'}`);
  }
  async upsert(r: StandardRecord, ctx: { actor: string }): Promise<UpsertOutcome> {
    await this.check(r);
    return this.inner.upsert(r, ctx);
  }
  async upsertMany(rs: StandardRecord[], ctx: { actor: string }): Promise<(UpsertOutcome | { error: Error })[]> {
    const refused = new Map<number, Error>();
    for (let i = 0; i < rs.length; i++) await this.check(rs[i]).catch((e: Error) => refused.set(i, e));
    const allowed = rs.filter((_, i) => !refused.has(i));
    const written = allowed.length ? await this.inner.upsertMany(allowed, ctx) : [];
    let j = 0;
    return rs.map((_, i) => (refused.has(i) ? { error: refused.get(i)! } : written[j++]));
  }
  async remove(id: string, ctx: { actor: string }): Promise<boolean> {
    const r = await this.inner.get(id);
    if (r) await this.check(r);
    return this.inner.remove(id, ctx);
  }
  get = (id: string) => this.inner.get(id);
  resolve = (t: string) => this.inner.resolve(t);
}

/** Classification codes are site-wide lists: only a site-wide import right may change them. */
export class ScopedClassifications implements ClassificationStore {
  constructor(
    private readonly inner: ClassificationStore,
    private readonly p: Principal,
  ) {}
  async upsert(c: ClassificationCode, ctx: { actor: string }) {
    if (!can(this.p, 'import.bulk', {})) throw new AppError('forbidden', `refused: classification code ${c.scheme} ${c.code} — code lists may be changed by administrators only`);
    return this.inner.upsert(c, ctx);
  }
  get = (s: string, c: string) => this.inner.get(s, c);
  children = (s: string, p: string | null) => this.inner.children(s, p);
  ancestors = (s: string, c: string) => this.inner.ancestors(s, c);
  count = (s: string) => this.inner.count(s);
}

/** Texts need 'text.upload' on the publisher of the record they belong to. */
export class ScopedContent implements ContentStore {
  constructor(
    private readonly inner: ContentStore,
    private readonly catalogue: CatalogueStore,
    private readonly p: Principal,
  ) {}
  async put(doc: ContentDocument, source: Buffer, ctx: { actor: string }) {
    const r = await this.catalogue.get(doc.stdId);
    if (!r || !can(this.p, 'text.upload', { publisher: r.body })) throw new AppError('forbidden', `refused: the text of ${doc.stdId} — you may not upload texts for its publisher`);
    return this.inner.put(doc, source, ctx);
  }
  list = (id: string) => this.inner.list(id);
  get = (id: string, lang?: string) => this.inner.get(id, lang);
  section = (id: string, a: string, lang?: string) => this.inner.section(id, a, lang);
  source = (id: string, lang?: string) => this.inner.source(id, lang);
  count = () => this.inner.count();
}

export interface BulkRun {
  id: string;
  importer: string;
  fileName: string;
  state: EditorialImportTable['state'];
  done: number;
  total: number | null;
  report: ImportReport | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

function toRun(r: EditorialImportTable): BulkRun {
  return {
    id: r.id,
    importer: r.importer,
    fileName: r.file_name,
    state: r.state,
    done: r.done,
    total: r.total,
    report: r.report ? (JSON.parse(r.report) as ImportReport) : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** The temporary name an upload is imported under: its own name only when that is a plain safe file name. */
export function importFileName(name: string | undefined): string {
  const n = displayName(name);
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(n) && !n.includes('..')) return n;
  const ext = KEEP_EXT.exec(n)?.[0]?.toLowerCase() ?? '';
  return `upload${ext}`;
}

export class BulkImports {
  private readonly running = new Map<string, Promise<void>>();
  constructor(private readonly deps: EditorialDeps) {}

  /** Importer names a caller may choose (all registered ones; scope is enforced record by record). */
  importers(): { name: string; description: string; accepts: string }[] {
    return listImporters().map((i) => ({ name: i.name, description: i.description, accepts: i.accepts }));
  }

  /** Stores the upload and starts the import in the background; returns the run id at once. */
  async start(c: Caller, importer: string, upload: { bytes: Buffer; name?: string }): Promise<BulkRun> {
    authorize(c.principal, 'import.bulk');
    getImporter(importer); // unknown_importer (400) before anything is stored
    const max = this.deps.config.UPLOAD_MAX_BYTES ?? 50 * 1024 * 1024;
    if (upload.bytes.length > max) throw new AppError('payload_too_large', `the file is larger than ${max} bytes`);
    if (!upload.bytes.length) throw new AppError('invalid_input', 'the file is empty', { fields: { file: { code: 'empty_file' } } });
    const actor = c.actor ?? actorOf(c.principal);
    const running = await this.deps.db.selectFrom('editorial_import').select('id').where('created_by', '=', actor).where('state', '=', 'running').execute();
    if (running.filter((r) => this.running.has(r.id)).length >= MAX_RUNNING_PER_ACTOR)
      throw new AppError('rate_limited', `at most ${MAX_RUNNING_PER_ACTOR} imports may run at once; wait for one to finish`);
    const id = randomBytes(8).toString('hex');
    const blob = `editorial/imports/${id}/upload`;
    await this.deps.blobs.put(blob, upload.bytes);
    const now = this.deps.clock.now().toISOString();
    const row: EditorialImportTable = { id, importer, file_name: displayName(upload.name), blob, state: 'running', done: 0, total: null, report: null, created_by: actor, created_at: now, finished_at: null, heartbeat_at: now };
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('editorial_import').values(row).execute();
      await tx
        .insertInto('event')
        .values({ at: now, actor, verb: 'import.started', object_type: 'editorial_import', object_id: id, before: null, after: JSON.stringify({ importer, file: row.file_name, bytes: upload.bytes.length }) })
        .execute();
    });
    const p = this.run(c.principal, actor, row).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return toRun(row);
  }

  private async run(principal: Principal, actor: string, row: EditorialImportTable): Promise<void> {
    const db = this.deps.db as Kysely<Database>;
    const dir = await mkdtemp(join(tmpdir(), 'stdhub-bulk-'));
    let lastWrite = 0;
    let pending: Promise<unknown> = Promise.resolve();
    // Sign of life for other instances (markInterrupted), also while one large record takes long.
    const beat = () => {
      pending = pending.then(() => db.updateTable('editorial_import').set({ heartbeat_at: this.deps.clock.now().toISOString() }).where('id', '=', row.id).execute()).catch(() => undefined);
    };
    const heartbeat = setInterval(beat, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const bytes = await readBlob(this.deps.blobs, row.blob);
      if (!bytes) throw new Error('the uploaded file is missing from the blob store');
      const name = importFileName(row.file_name);
      const path = join(dir, name);
      await writeFile(path, bytes);
      const catalogue = new ScopedCatalogue(this.deps.catalogue, principal);
      const report = await runImport(
        { db, clock: this.deps.clock, catalogue, classifications: new ScopedClassifications(this.deps.classifications, principal), content: new ScopedContent(this.deps.content, this.deps.catalogue, principal) },
        row.importer,
        path,
        {
          actor,
          onProgress: (done, total) => {
            // Throttled: at most one progress write per 250 ms (the page refreshes every few seconds).
            const t = Date.now();
            if (t - lastWrite < 250) return;
            lastWrite = t;
            const at = this.deps.clock.now().toISOString();
            pending = pending.then(() => db.updateTable('editorial_import').set({ done, total: total ?? null, heartbeat_at: at }).where('id', '=', row.id).execute()).catch(() => undefined);
          },
        },
      );
      await pending;
      // The report names the file as uploaded, not the temporary path.
      const shown: ImportReport = { ...report, source: row.file_name, diagnostics: report.diagnostics.map((d) => ({ ...d, location: { ...d.location, ...(d.location.file ? { file: d.location.file.replaceAll(dir, '').replace(/^[\\/]+/, '') || row.file_name } : {}) } })) };
      const failed = report.diagnostics.some((d) => d.severity === 'abort');
      await db
        .updateTable('editorial_import')
        .set({ state: failed ? 'failed' : 'done', done: report.counts.seen, report: JSON.stringify(shown), finished_at: this.deps.clock.now().toISOString() })
        .where('id', '=', row.id)
        .execute();
    } catch (e) {
      await pending;
      const report = { importer: row.importer, source: row.file_name, startedAt: row.created_at, finishedAt: this.deps.clock.now().toISOString(), counts: { seen: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0 }, diagnostics: [{ id: 'import.crashed', severity: 'abort' as const, category: 'source', message: (e as Error).message, location: { file: row.file_name } }] };
      await db.updateTable('editorial_import').set({ state: 'failed', report: JSON.stringify(report), finished_at: report.finishedAt }).where('id', '=', row.id).execute();
    } finally {
      clearInterval(heartbeat);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** A run the caller started (admins: any run); not_found otherwise. */
  async get(c: Caller, id: string): Promise<BulkRun> {
    if (typeof id !== 'string' || !/^[a-f0-9]{16}$/.test(id)) throw new AppError('not_found');
    const row = await this.deps.db.selectFrom('editorial_import').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found');
    const actor = c.actor ?? actorOf(c.principal);
    if (row.created_by !== actor && !can(c.principal, 'audit.read')) throw new AppError('not_found');
    return toRun(row);
  }

  /** The caller's recent runs. */
  async list(c: Caller, limit = 20): Promise<BulkRun[]> {
    const actor = c.actor ?? actorOf(c.principal);
    const rows = await this.deps.db.selectFrom('editorial_import').selectAll().where('created_by', '=', actor).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toRun);
  }

  /** Resolves when the run is finished (tests; the web UI polls instead). */
  async wait(id: string): Promise<void> {
    await this.running.get(id);
  }

  /**
   * Marks runs left 'running' by a process that is gone as interrupted (called at start-up): only runs whose
   * heartbeat is older than STALE_AFTER_MS, so runs of other live instances sharing the database are left alone.
   */
  async markInterrupted(): Promise<number> {
    const now = this.deps.clock.now();
    const staleBefore = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
    const r = await this.deps.db
      .updateTable('editorial_import')
      .set({ state: 'interrupted', finished_at: now.toISOString() })
      .where('state', '=', 'running')
      .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
