/**
 * The editorial use cases — the one module the web back office, the API and the CLI all call: drafts of new
 * standards and revisions, staged full texts, disclosure, publish and withdraw. Every use case checks the caller's
 * right on the record's publisher (record.body) with authorize(), and writes an event in the transaction of its
 * change.
 *
 * Unpublished work never enters the public catalogue: a draft lives in editorial_draft until it is published, so
 * every public read path (pages, API, search, feeds) cannot see it. Drafts of a publisher the caller holds no
 * 'standard.read_unpublished' for are answered as not_found (invisible, not merely forbidden).
 *
 * Publishing spans three stores that share no transaction (CatalogueStore.upsert, the disclosure table,
 * ContentStore.put — each atomic with its own event). Publish is therefore idempotent and resumable:
 *   1. the draft is marked publish_started_at (with the version check: two editors cannot both publish);
 *   2. the record is upserted (record + children + search index + event, one transaction);
 *   3. the draft's disclosure is applied BEFORE the text, so a restricted text is never readable, even briefly;
 *   4. the staged text is put (document + sections + clause index + event, one transaction);
 *   5. the draft becomes 'published' with a 'standard.published' event (one transaction).
 * Each step is idempotent ('unchanged' when repeated), so a crash between steps is completed by running them again:
 * resumeInterrupted() does that at start-up for every draft left with publish_started_at set. The visible
 * in-between state is a whole record without its new text, never half a record (the FK from content to
 * standard makes text-before-record impossible).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { authorize, can, scopesFor } from '../accounts/policy.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import type { ClassificationStore } from '../classification/ports.js';
import type { ContentStore } from '../content/ports.js';
import type { BlobStore } from '../blobs/ports.js';
import { writeEvent, type NewEvent } from '../db/events.js';
import type { Database } from '../db/schema.js';
import { today, type Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { getDisclosure, isDisclosureMode, setDisclosure as storeDisclosure, type Disclosure, type DisclosureMode } from '../reader/disclosure.js';
import { stageText, sniffTextImporter, isTextImporter, type StagedReport, type TextImporter } from './staging.js';
import type { EditorialDraftTable } from './tables.js';
import { buildRecord, inputOf, type DraftInput, type FieldErrors } from './validate.js';
import { assertDraftTransition, assertWithdrawable, INITIAL_DRAFT_STATE, isEditable } from './workflow.js';

/** The ports the use cases need (a subset of Services, so tests and the CLI can pass theirs). */
export interface EditorialDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, 'STDHUB_DB'> & Partial<Pick<Config, 'UPLOAD_MAX_BYTES'>>;
  catalogue: CatalogueStore;
  classifications: ClassificationStore;
  content: ContentStore;
  blobs: BlobStore;
}

/** Who acts: the principal whose rights are checked, and the actor string written to events. */
export interface Caller {
  principal: Principal;
  /** Defaults to actorOf(principal); the CLI passes 'cli'. */
  actor?: string;
}

/**
 * The operator at the command line: whoever can run `stdhub` on the server can open the database anyway, so the
 * CLI acts with a site-wide right; its events carry the actor given (default 'cli').
 */
export function cliCaller(actor = 'cli'): Caller {
  return { principal: { kind: 'user', userId: null, name: actor, grants: [{ role: 'admin' }] }, actor };
}

/** Disclosure a draft applies when it is published. */
export interface DraftDisclosure {
  mode: DisclosureMode;
  reason: { en?: string; zh?: string };
}

/** A staged text as the draft keeps it. */
export interface DraftText {
  blob: string;
  importer: TextImporter;
  /** The uploaded file's name, for display only (never a path). */
  name: string;
  report: StagedReport;
}

export interface Draft {
  id: string;
  stdId: string;
  publisher: string;
  kind: 'new' | 'revision';
  record: StandardRecord;
  disclosure: DraftDisclosure | null;
  state: string;
  text: DraftText | null;
  publishing: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Longest uploaded name kept for display. */
const MAX_NAME = 200;
const MAX_REASON = 500;

/** Field-level validation failure: AppError invalid_input with { fields } (the form re-renders them). */
export function fieldError(errors: FieldErrors): AppError {
  return new AppError('invalid_input', `invalid fields: ${Object.entries(errors).map(([k, e]) => `${k} (${e.code})`).join(', ')}`, { fields: errors });
}

/** The FieldErrors of an invalid_input AppError thrown by a use case, or null. */
export function fieldErrorsOf(e: unknown): FieldErrors | null {
  if (e instanceof AppError && e.code === 'invalid_input' && e.details && typeof e.details.fields === 'object') return e.details.fields as FieldErrors;
  return null;
}

function toDraft(row: EditorialDraftTable): Draft {
  return {
    id: row.id,
    stdId: row.std_id,
    publisher: row.publisher,
    kind: row.kind,
    record: JSON.parse(row.record) as StandardRecord,
    disclosure: row.disclosure ? (JSON.parse(row.disclosure) as DraftDisclosure) : null,
    state: row.state,
    text:
      row.text_blob && row.text_importer && row.text_report
        ? { blob: row.text_blob, importer: row.text_importer as TextImporter, name: row.text_name ?? '', report: JSON.parse(row.text_report) as StagedReport }
        : null,
    publishing: row.publish_started_at !== null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Safe display form of an uploaded file name: its last path segment, control characters removed, bounded. */
export function displayName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  return last.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_NAME) || 'upload';
}

export class Editorial {
  constructor(private readonly deps: EditorialDeps) {}

  private actor(c: Caller): string {
    return c.actor ?? actorOf(c.principal);
  }
  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async event(tx: Kysely<Database>, e: Omit<NewEvent, 'at'> & { at?: string }) {
    await writeEvent(tx, { ...e, at: e.at ?? this.now() });
  }

  private async row(id: string): Promise<EditorialDraftTable | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{16}$/.test(id)) return undefined;
    return this.deps.db.selectFrom('editorial_draft').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The draft, or not_found when it does not exist or the caller may not see its publisher's unpublished work. */
  async getDraft(c: Caller, id: string): Promise<Draft> {
    const row = await this.row(id);
    if (!row) throw new AppError('not_found');
    authorize(c.principal, 'standard.read_unpublished', { publisher: row.publisher }, { hide: true });
    return toDraft(row);
  }

  /** Open drafts of the publishers the caller may see, most recently changed first. */
  async listDrafts(c: Caller, opts: { state?: string; limit?: number } = {}): Promise<Draft[]> {
    const scopes = scopesFor(c.principal, 'standard.read_unpublished', 'publisher');
    if (scopes !== 'all' && !scopes.length) return [];
    let q = this.deps.db.selectFrom('editorial_draft').selectAll().where('state', '=', opts.state ?? INITIAL_DRAFT_STATE);
    if (scopes !== 'all') q = q.where('publisher', 'in', scopes);
    const rows = await q.orderBy('updated_at', 'desc').orderBy('id').limit(Math.min(opts.limit ?? 100, 500)).execute();
    return rows.map(toDraft);
  }

  /** Publishers (body codes) the caller may create standards for; 'all' for site-wide roles. */
  publishersFor(c: Caller): 'all' | string[] {
    return scopesFor(c.principal, 'standard.create', 'publisher');
  }

  private async openDraftFor(stdId: string): Promise<EditorialDraftTable | undefined> {
    return this.deps.db.selectFrom('editorial_draft').selectAll().where('std_id', '=', stdId).where('state', '=', INITIAL_DRAFT_STATE).executeTakeFirst();
  }

  /** Creates the draft of a new standard. Field errors → invalid_input { fields }; another publisher → 403. */
  async createDraft(c: Caller, input: DraftInput): Promise<Draft> {
    const id = randomBytes(8).toString('hex');
    const { record, errors } = await buildRecord(input, { classifications: this.deps.classifications, source: { importer: 'editorial', ref: `draft:${id}` } });
    if (!record) throw fieldError(errors);
    authorize(c.principal, 'standard.create', { publisher: record.body });
    if (await this.deps.catalogue.get(record.id)) throw fieldError({ identifier: { code: 'exists', params: { id: record.id } } });
    if (await this.openDraftFor(record.id)) throw fieldError({ identifier: { code: 'draft_exists', params: { id: record.id } } });
    return this.insertDraft(c, id, record, 'new', { record });
  }

  /**
   * Opens a revision of a published record (or returns the open draft of it, so two editors work on one draft).
   * The record stays public and unchanged until the revision is published.
   */
  async openRevision(c: Caller, stdId: string): Promise<Draft> {
    const record = await this.findRecord(stdId);
    authorize(c.principal, 'standard.edit', { publisher: record.body });
    const open = await this.openDraftFor(record.id);
    if (open) {
      authorize(c.principal, 'standard.read_unpublished', { publisher: open.publisher }, { hide: true });
      return toDraft(open);
    }
    const id = randomBytes(8).toString('hex');
    return this.insertDraft(c, id, record, 'revision');
  }

  /** Inserts a new draft of `record` with its 'draft.created' event (`extra` is added to the event's after). */
  private async insertDraft(c: Caller, id: string, record: StandardRecord, kind: 'new' | 'revision', extra: object = {}): Promise<Draft> {
    const now = this.now();
    const actor = this.actor(c);
    const row: EditorialDraftTable = {
      id,
      std_id: record.id,
      publisher: record.body,
      kind,
      record: JSON.stringify(record),
      disclosure: null,
      state: INITIAL_DRAFT_STATE,
      text_blob: null,
      text_importer: null,
      text_name: null,
      text_report: null,
      text_stats: null,
      publish_started_at: null,
      publish_actor: null,
      created_by: actor,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('editorial_draft').values(row).execute();
      await this.event(tx, { actor, verb: 'draft.created', type: 'draft', id, after: { stdId: record.id, kind, ...extra } });
    });
    return toDraft(row);
  }

  private async editable(c: Caller, id: string, version: number, action: 'standard.edit' | 'text.upload' | 'disclosure.set'): Promise<EditorialDraftTable> {
    const row = await this.row(id);
    if (!row) throw new AppError('not_found');
    authorize(c.principal, 'standard.read_unpublished', { publisher: row.publisher }, { hide: true });
    authorize(c.principal, action, { publisher: row.publisher });
    if (!isEditable(row.state) || row.publish_started_at) throw new AppError('invalid_transition', `a draft in state "${row.state}" cannot be changed`);
    if (row.version !== version) throw new AppError('conflict', 'the draft was changed by someone else; reload it', { version: row.version });
    return row;
  }

  /** Writes a changed draft row if its version is still `version` (else conflict), with its event. */
  private async save(row: EditorialDraftTable, set: Partial<EditorialDraftTable>, ev: { actor: string; verb: string; before?: unknown; after?: unknown }): Promise<Draft> {
    const now = this.now();
    const next = { ...row, ...set, updated_at: now, version: row.version + 1 };
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('editorial_draft')
        .set({ ...set, updated_at: now, version: row.version + 1 })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', 'the draft was changed by someone else; reload it');
      await this.event(tx, { actor: ev.actor, verb: ev.verb, type: 'draft', id: row.id, before: ev.before, after: { stdId: next.std_id, ...(ev.after as object) } });
    });
    return toDraft(next);
  }

  /** Saves the form of a draft (optimistic concurrency: `version` is the one the editor loaded). */
  async updateDraft(c: Caller, id: string, version: number, input: DraftInput): Promise<Draft> {
    const row = await this.editable(c, id, version, 'standard.edit');
    const base = row.kind === 'revision' ? await this.deps.catalogue.get(row.std_id) : null;
    if (row.kind === 'revision' && !base) throw new AppError('invalid_transition', 'the published record of this revision no longer exists');
    const { record, errors } = await buildRecord(input, { base, classifications: this.deps.classifications, source: { importer: 'editorial', ref: `draft:${id}` } });
    if (!record) throw fieldError(errors);
    // Moving a draft to another publisher needs the right there too.
    authorize(c.principal, 'standard.edit', { publisher: record.body });
    if (row.kind === 'new' && record.id !== row.std_id) {
      if (await this.deps.catalogue.get(record.id)) throw fieldError({ identifier: { code: 'exists', params: { id: record.id } } });
      if (await this.openDraftFor(record.id)) throw fieldError({ identifier: { code: 'draft_exists', params: { id: record.id } } });
    }
    const before = JSON.parse(row.record) as StandardRecord;
    const set: Partial<EditorialDraftTable> = { std_id: record.id, publisher: record.body, record: JSON.stringify(record) };
    // A staged text was checked against the old identifier: stage it again.
    if (record.id !== row.std_id) Object.assign(set, { text_blob: null, text_importer: null, text_name: null, text_report: null, text_stats: null });
    return this.save(row, set, { actor: this.actor(c), verb: 'draft.updated', before: { record: before }, after: { record } });
  }

  /**
   * Stages an uploaded full text: stores the bytes in the blob store (key from the draft id, never the uploaded
   * name), runs the importer in dry-run mode and keeps its report on the draft. Returns the updated draft.
   */
  async stageText(c: Caller, id: string, version: number, upload: { bytes: Buffer; name?: string; importer?: string }): Promise<Draft> {
    const row = await this.editable(c, id, version, 'text.upload');
    const max = this.deps.config.UPLOAD_MAX_BYTES ?? 50 * 1024 * 1024;
    if (upload.bytes.length > max) throw new AppError('payload_too_large', `the file is larger than ${max} bytes`);
    if (!upload.bytes.length) throw fieldError({ file: { code: 'empty_file' } });
    let importer: TextImporter;
    if (upload.importer === undefined || upload.importer === '' || upload.importer === 'auto') importer = sniffTextImporter(upload.bytes);
    else if (isTextImporter(upload.importer)) importer = upload.importer;
    else throw fieldError({ importer: { code: 'unknown_code', params: { code: String(upload.importer).slice(0, 40) } } });
    const record = JSON.parse(row.record) as StandardRecord;
    const staged = await stageText(this.deps, importer, record, upload.bytes);
    const key = `editorial/drafts/${row.id}/${randomBytes(6).toString('hex')}.${importer === 'sts' ? 'xml' : 'txt'}`;
    await this.deps.blobs.put(key, upload.bytes, { contentType: importer === 'sts' ? 'application/xml' : 'text/plain' });
    const report: StagedReport = { importer, counts: staged.counts, diagnostics: staged.diagnostics.slice(0, 1000), stats: staged.stats, blocked: staged.blocked };
    const name = displayName(upload.name);
    const old = row.text_blob;
    const draft = await this.save(
      row,
      { text_blob: key, text_importer: importer, text_name: name, text_report: JSON.stringify(report), text_stats: staged.stats ? JSON.stringify(staged.stats) : null },
      { actor: this.actor(c), verb: 'text.staged', after: { importer, name, bytes: upload.bytes.length, blocked: report.blocked, stats: staged.stats, diagnostics: staged.diagnostics.length } },
    );
    if (old && old !== key) await this.deps.blobs.delete(old).catch(() => false);
    return draft;
  }

  /** Sets the disclosure a draft applies when published (null = keep the current one / the default). */
  async setDraftDisclosure(c: Caller, id: string, version: number, d: DraftDisclosure | null): Promise<Draft> {
    const row = await this.editable(c, id, version, 'disclosure.set');
    const clean = d ? checkDisclosure(d) : null;
    return this.save(row, { disclosure: clean ? JSON.stringify(clean) : null }, { actor: this.actor(c), verb: 'draft.disclosure_set', after: { disclosure: clean } });
  }

  /** Discards an unpublished draft (kept as history in state 'discarded'). */
  async discardDraft(c: Caller, id: string, version: number): Promise<Draft> {
    const row = await this.editable(c, id, version, 'standard.edit');
    assertDraftTransition(row.state, 'discarded');
    return this.save(row, { state: 'discarded' }, { actor: this.actor(c), verb: 'draft.discarded' });
  }

  /**
   * Publishes a draft: the record (and its disclosure, then its staged text) enter the public catalogue. Refused
   * while the record has field errors (invalid_input) or the staged text has an 'abort' diagnostic
   * (invalid_transition); a stale version is a conflict. See the module comment for crash safety.
   */
  async publish(c: Caller, id: string, version: number): Promise<{ stdId: string }> {
    const row = await this.row(id);
    if (!row) throw new AppError('not_found');
    authorize(c.principal, 'standard.read_unpublished', { publisher: row.publisher }, { hide: true });
    authorize(c.principal, 'standard.publish', { publisher: row.publisher });
    if (row.publish_started_at) throw new AppError('invalid_transition', 'this draft is being published');
    assertDraftTransition(row.state, 'published');
    if (row.version !== version) throw new AppError('conflict', 'the draft was changed by someone else; reload it', { version: row.version });
    const draft = toDraft(row);
    const base = row.kind === 'revision' ? await this.deps.catalogue.get(row.std_id) : null;
    if (row.kind === 'revision' && !base) throw new AppError('invalid_transition', 'the published record of this revision no longer exists');
    // A record this very draft wrote (a publish that failed after step 2) does not count as someone else's.
    const existing = row.kind === 'new' ? await this.deps.catalogue.get(row.std_id) : null;
    if (existing && existing.source.ref !== `draft:${row.id}`) throw new AppError('conflict', `${row.std_id} was published meanwhile`);
    // Write strictly: the stored draft is validated again (vocabularies or classification codes may have changed).
    const { errors } = await buildRecord(inputOf(draft.record), { base, classifications: this.deps.classifications, source: draft.record.source });
    if (Object.keys(errors).length) throw fieldError(errors);
    if (draft.text?.report.blocked) throw new AppError('invalid_transition', 'the staged text has an abort diagnostic; upload a corrected file', { reason: 'text_blocked' });
    const now = this.now();
    const actor = this.actor(c);
    const marked = await this.deps.db
      .updateTable('editorial_draft')
      .set({ publish_started_at: now, publish_actor: actor, version: row.version + 1, updated_at: now })
      .where('id', '=', id)
      .where('version', '=', version)
      .where('publish_started_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) throw new AppError('conflict', 'the draft was changed by someone else; reload it');
    try {
      await this.complete(id);
    } catch (e) {
      // A refusal (not a crash): give the draft back to the editor, who can fix it and publish again; the steps
      // already done are idempotent and are simply repeated.
      await this.deps.db.updateTable('editorial_draft').set({ publish_started_at: null, publish_actor: null }).where('id', '=', id).where('state', '=', INITIAL_DRAFT_STATE).execute();
      throw e;
    }
    return { stdId: row.std_id };
  }

  /** Runs (or re-runs) the idempotent publish steps of a draft marked publish_started_at. */
  private async complete(id: string): Promise<void> {
    const row = await this.row(id);
    if (!row || !row.publish_started_at || row.state !== INITIAL_DRAFT_STATE) return;
    const actor = row.publish_actor ?? row.created_by;
    const draft = toDraft(row);
    const outcome = await this.deps.catalogue.upsert(draft.record, { actor });
    if (draft.disclosure) await storeDisclosure(this.deps, draft.stdId, draft.disclosure.mode, draft.disclosure.reason, actor);
    let text: unknown = null;
    if (draft.text) {
      const bytes = await readBlob(this.deps.blobs, draft.text.blob);
      if (!bytes) throw new AppError('internal_error', `the staged text ${draft.text.blob} is missing from the blob store`);
      const staged = await stageText(this.deps, draft.text.importer, draft.record, bytes);
      if (!staged.doc || !staged.source || staged.blocked) throw new AppError('invalid_transition', 'the staged text no longer imports cleanly', { reason: 'text_blocked' });
      const put = await this.deps.content.put(staged.doc, staged.source, { actor });
      text = { outcome: put, lang: staged.doc.lang, stats: staged.stats };
    }
    const now = this.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('editorial_draft')
        .set({ state: 'published', publish_started_at: null, updated_at: now, version: row.version + 1 })
        .where('id', '=', id)
        .where('state', '=', INITIAL_DRAFT_STATE)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return;
      await this.event(tx, {
        actor,
        verb: 'standard.published',
        type: 'standard',
        id: draft.stdId,
        after: { draft: id, kind: draft.kind, record: outcome, status: draft.record.status, disclosure: draft.disclosure?.mode ?? null, text },
      });
    });
  }

  /** Completes every publish a crash interrupted (called at start-up). Returns the draft ids completed. */
  async resumeInterrupted(): Promise<string[]> {
    const rows = await this.deps.db.selectFrom('editorial_draft').select('id').where('publish_started_at', 'is not', null).where('state', '=', INITIAL_DRAFT_STATE).execute();
    const done: string[] = [];
    for (const r of rows) {
      try {
        await this.complete(r.id);
        done.push(r.id);
      } catch {
        // Left marked: the dashboard shows it as publishing, and the next start tries again.
      }
    }
    return done;
  }

  private async findRecord(idOrNumber: string): Promise<StandardRecord> {
    if (typeof idOrNumber !== 'string' || !idOrNumber || idOrNumber.length > 200) throw new AppError('standard_not_found');
    const record = (await this.deps.catalogue.get(idOrNumber)) ?? (await this.deps.catalogue.resolve(idOrNumber));
    if (!record) throw new AppError('standard_not_found');
    return record;
  }

  /**
   * Withdraws a published standard: status 'withdrawn' with a 'withdrawn' date of today (clock port), written
   * through CatalogueStore.upsert (its 'standard.updated' event) plus a 'standard.withdrawn' event with the reason.
   */
  async withdraw(c: Caller, idOrNumber: string, reason?: string): Promise<StandardRecord> {
    const record = await this.findRecord(idOrNumber);
    authorize(c.principal, 'standard.withdraw', { publisher: record.body });
    assertWithdrawable(record.status);
    const why = (reason ?? '').replace(/\s+/g, ' ').trim();
    if (why.length > MAX_REASON) throw fieldError({ reason: { code: 'too_long', params: { max: MAX_REASON } } });
    const date = today(this.deps.clock);
    const next: StandardRecord = {
      ...record,
      status: 'withdrawn',
      dates: [...record.dates.filter((d) => d.type !== 'withdrawn'), { type: 'withdrawn', value: date }],
      source: { importer: 'editorial', ref: `withdrawn:${date}` },
    };
    delete next.statusSource;
    const actor = this.actor(c);
    await this.deps.catalogue.upsert(next, { actor });
    await this.event(this.deps.db, { actor, verb: 'standard.withdrawn', type: 'standard', id: record.id, before: { status: record.status }, after: { status: 'withdrawn', date, ...(why ? { reason: why } : {}) } });
    return next;
  }

  /** Sets the disclosure of a published standard (the web form, the API and `stdhub disclose` all come here). */
  async setDisclosure(c: Caller, idOrNumber: string, d: DraftDisclosure): Promise<Disclosure> {
    const record = await this.findRecord(idOrNumber);
    authorize(c.principal, 'disclosure.set', { publisher: record.body });
    const clean = checkDisclosure(d);
    return storeDisclosure(this.deps, record.id, clean.mode, clean.reason, this.actor(c));
  }

  /** The current disclosure of a standard the caller may set it for. */
  async disclosureOf(c: Caller, idOrNumber: string): Promise<{ record: StandardRecord; disclosure: Disclosure }> {
    const record = await this.findRecord(idOrNumber);
    authorize(c.principal, 'disclosure.set', { publisher: record.body });
    return { record, disclosure: await getDisclosure(this.deps, record.id) };
  }

  /** A published record the caller may edit (for the edit and withdraw pages). */
  async editableRecord(c: Caller, idOrNumber: string, action: 'standard.edit' | 'standard.withdraw' = 'standard.edit'): Promise<StandardRecord> {
    const record = await this.findRecord(idOrNumber);
    authorize(c.principal, action, { publisher: record.body });
    return record;
  }

  /** The open draft of a published record, if the caller may see it (the edit page goes straight to it). */
  async openDraftOf(c: Caller, stdId: string): Promise<Draft | null> {
    const row = await this.openDraftFor(stdId);
    return row && can(c.principal, 'standard.read_unpublished', { publisher: row.publisher }) ? toDraft(row) : null;
  }

  /** Recently published drafts in the caller's publishers (dashboard). */
  async recentlyPublished(c: Caller, limit = 20): Promise<Draft[]> {
    return this.listDrafts(c, { state: 'published', limit });
  }

}

/** Validates a disclosure: a known mode; 'not-disclosed' needs a reason; reasons bounded. */
export function checkDisclosure(d: DraftDisclosure): DraftDisclosure {
  if (!isDisclosureMode(d.mode)) throw fieldError({ mode: { code: 'unknown_code', params: { code: String(d.mode).slice(0, 40) } } });
  const reason: DraftDisclosure['reason'] = {};
  for (const l of ['en', 'zh'] as const) {
    const t = (d.reason?.[l] ?? '').replace(/\s+/g, ' ').trim();
    if (t.length > MAX_REASON) throw fieldError({ [`reason.${l}`]: { code: 'too_long', params: { max: MAX_REASON } } });
    if (t) reason[l] = t;
  }
  if (d.mode === 'not-disclosed' && !reason.en && !reason.zh) throw fieldError({ reason: { code: 'reason_required' } });
  return { mode: d.mode, reason };
}

/** Reads a whole blob into memory (staged texts are bounded by UPLOAD_MAX_BYTES). */
export async function readBlob(store: BlobStore, key: string): Promise<Buffer | null> {
  const got = await store.get(key);
  if (!got) return null;
  const chunks: Buffer[] = [];
  for await (const ch of got.stream) chunks.push(Buffer.from(ch as Buffer));
  return Buffer.concat(chunks);
}
