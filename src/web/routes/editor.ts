/**
 * The editorial back office (web): thin handlers over the editorial use cases (src/editorial), the same ones the
 * API and the CLI call. Every route declares its coarse policy; the use cases check the record's publisher with
 * authorize() (403, or 404 for other publishers' unpublished drafts). Forms post and redirect (303); a refused form
 * re-renders with the submitted values and a message per field. Uploads are multipart, parsed only inside this
 * plugin's scope (@fastify/multipart with UPLOAD_MAX_BYTES, one file, bounded fields); the CSRF token of a
 * multipart form rides in its action URL (src/web/csrf.ts).
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { can, scopesFor } from '../../accounts/policy.js';
import type { Caller } from '../../editorial/service.js';
import { fieldErrorsOf } from '../../editorial/service.js';
import { inputOf } from '../../editorial/validate.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import { getDisclosure, isDisclosureMode } from '../../reader/disclosure.js';
import { pageContext } from '../context.js';
import { csrfField, csrfToken } from '../csrf.js';
import { sendHtml } from '../respond.js';
import { stdHref } from '../views/components.js';
import { dashboardPage, disclosurePage, draftHref, draftPage, editorStdHref, newDraftPage, revisionPage, withdrawPage, type DraftPageData } from '../views/editor.js';
import { formFromInput, formValuesOf, inputFromForm, type FormValues } from '../views/editor-form.js';
import { importFormPage, importRunPage } from '../views/editor-import.js';
import { textPage } from '../views/editor-text.js';

type IdParams = { Params: { id: string } };

const caller = (req: FastifyRequest): Caller => ({ principal: req.principal });

/** The posted `version` (optimistic concurrency); a missing or odd value can only be a conflict. */
function versionOf(body: unknown): number {
  const v = (body as Record<string, unknown> | undefined)?.version;
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new AppError('conflict', 'the form has no version; reload it');
  return n;
}

/** Reads a multipart form with at most one file (bytes in memory, bounded by UPLOAD_MAX_BYTES). */
export async function readMultipart(req: FastifyRequest): Promise<{ fields: Record<string, string>; file: { bytes: Buffer; name: string } | null }> {
  if (!req.isMultipart()) throw new AppError('invalid_input', 'expected a multipart/form-data upload');
  const fields: Record<string, string> = {};
  let file: { bytes: Buffer; name: string } | null = null;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      // The name is kept for display only; it never becomes a path (see src/editorial).
      if (!file && bytes.length) file = { bytes, name: part.filename ?? '' };
    } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  return { fields, file };
}

/** Registers routes inside their own plugin scope that parses multipart uploads (UPLOAD_MAX_BYTES, one file, bounded fields). */
export function withMultipart(app: FastifyInstance, services: Services, register: (scope: FastifyInstance, services: Services) => void): void {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: services.config.UPLOAD_MAX_BYTES, files: 1, fields: 10, fieldSize: 10_000, parts: 12, headerPairs: 100 },
      throwFileSizeLimit: true,
    });
    register(scope, services);
  });
}

/** Registers the back-office pages (inside their own plugin scope, for multipart). */
export function editorRoutes(app: FastifyInstance, services: Services): void {
  app.addHook('onReady', async () => {
    await services.editorial.start();
  });
  withMultipart(app, services, routes);
}

function routes(app: FastifyInstance, services: Services): void {
  const ed = services.editorial;
  const page = (req: FastifyRequest, reply: FastifyReply) => pageContext(req, reply, services);

  app.get('/editor', { config: { policy: { action: 'standard.read_unpublished' } } }, async (req, reply) => {
    const c = caller(req);
    const [drafts, published, imports] = await Promise.all([ed.listDrafts(c), ed.recentlyPublished(c), ed.imports.list(c, 10)]);
    const q = req.query as Record<string, unknown>;
    const ctx = page(req, reply);
    const flash = q.withdrawn === '1' ? ctx.t('editorial.withdraw.done') : q.discarded === '1' ? ctx.t('editorial.discarded') : undefined;
    return sendHtml(reply, dashboardPage(ctx, { drafts, published, imports, canCreate: can(req.principal, 'standard.create'), canImport: can(req.principal, 'import.bulk'), flash }));
  });

  app.get('/editor/standards/new', { config: { policy: { action: 'standard.create' } } }, async (req, reply) => {
    const publishers = ed.publishersFor(caller(req));
    const values: FormValues = { docType: 'standard', status: 'to-be-implemented', body: publishers === 'all' ? '' : (publishers[0] ?? '') };
    return sendHtml(reply, newDraftPage(page(req, reply), { values, errors: null, csrf: csrfField(req), publishers }));
  });

  app.post('/editor/standards/new', { config: { policy: { action: 'standard.create' } } }, async (req, reply) => {
    const values = formValuesOf(req.body);
    try {
      const d = await ed.createDraft(caller(req), inputFromForm(values));
      return reply.redirect(draftHref(d.id), 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return sendHtml(reply, newDraftPage(page(req, reply), { values, errors, csrf: csrfField(req), publishers: ed.publishersFor(caller(req)) }), 400);
    }
  });

  const draftData = async (req: FastifyRequest, draft: Awaited<ReturnType<typeof ed.getDraft>>, over: Partial<DraftPageData> = {}): Promise<DraftPageData> => ({
    draft,
    values: formFromInput(inputOf(draft.record)),
    errors: null,
    csrf: csrfField(req),
    publishers: ed.publishersFor(caller(req)),
    canPublish: can(req.principal, 'standard.publish', { publisher: draft.publisher }),
    canDisclose: can(req.principal, 'disclosure.set', { publisher: draft.publisher }),
    current: draft.kind === 'revision' ? await getDisclosure(services, draft.stdId) : undefined,
    ...over,
  });

  /** A refused form: field errors or a stale version re-render it (with the draft as it is now); anything else is thrown. */
  const refusedForm = async (req: FastifyRequest, reply: FastifyReply, id: string, e: unknown) => {
    const errors = fieldErrorsOf(e);
    const conflict = isAppError(e) && e.code === 'conflict';
    if (!errors && !conflict) throw e;
    const draft = await ed.getDraft(caller(req), id);
    return { errors, conflict, draft, ctx: page(req, reply) };
  };

  app.get<IdParams>('/editor/drafts/:id', { config: { policy: { action: 'standard.read_unpublished' } } }, async (req, reply) => {
    const draft = await ed.getDraft(caller(req), req.params.id);
    const ctx = page(req, reply);
    const q = req.query as Record<string, unknown>;
    const flash = q.saved === '1' ? { kind: 'ok' as const, text: ctx.t('editorial.saved') } : undefined;
    return sendHtml(reply, draftPage(ctx, await draftData(req, draft, { flash })));
  });

  app.post<IdParams>('/editor/drafts/:id', { config: { policy: { action: 'standard.edit' } } }, async (req, reply) => {
    const values = formValuesOf(req.body);
    try {
      await ed.updateDraft(caller(req), req.params.id, versionOf(req.body), inputFromForm(values));
      return reply.redirect(`${draftHref(req.params.id)}?saved=1`, 303);
    } catch (e) {
      // Re-render with what was typed; on a conflict, with the current version so a second save is deliberate.
      const { errors, conflict, draft, ctx } = await refusedForm(req, reply, req.params.id, e);
      const flash = conflict ? { kind: 'error' as const, text: ctx.t('editorial.err.conflict') } : undefined;
      return sendHtml(reply, draftPage(ctx, await draftData(req, draft, { values, errors, flash })), conflict ? 409 : 400);
    }
  });

  app.post<IdParams>('/editor/drafts/:id/disclosure', { config: { policy: { action: 'disclosure.set' } } }, async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const mode = typeof b.mode === 'string' ? b.mode : '';
    const reason = { en: typeof b.reason_en === 'string' ? b.reason_en : undefined, zh: typeof b.reason_zh === 'string' ? b.reason_zh : undefined };
    try {
      // Stored as chosen: publishing applies it before the text (the same setting again writes nothing).
      await ed.setDraftDisclosure(caller(req), req.params.id, versionOf(req.body), { mode: mode as never, reason });
      return reply.redirect(`${draftHref(req.params.id)}?saved=1`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      const draft = await ed.getDraft(caller(req), req.params.id);
      const shown = { ...draft, disclosure: isDisclosureMode(mode) ? { mode, reason } : draft.disclosure };
      return sendHtml(reply, draftPage(page(req, reply), await draftData(req, shown), errors), 400);
    }
  });

  app.post<IdParams>('/editor/drafts/:id/publish', { config: { policy: { action: 'standard.publish' } } }, async (req, reply) => {
    try {
      const { stdId } = await ed.publish(caller(req), req.params.id, versionOf(req.body));
      return reply.redirect(`${stdHref(stdId)}?published=1`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors && !(isAppError(e) && (e.code === 'invalid_transition' || e.code === 'conflict'))) throw e;
      const draft = await ed.getDraft(caller(req), req.params.id);
      const ctx = page(req, reply);
      const text = errors ? ctx.t('editorial.publish.invalid') : (e as AppError).details?.reason === 'text_blocked' ? ctx.t('editorial.publish.blocked') : (e as AppError).code === 'conflict' ? ctx.t('editorial.err.conflict') : (e as AppError).message;
      return sendHtml(reply, draftPage(ctx, await draftData(req, draft, { errors, flash: { kind: 'error', text } })), errors ? 400 : 409);
    }
  });

  app.post<IdParams>('/editor/drafts/:id/discard', { config: { policy: { action: 'standard.edit' } } }, async (req, reply) => {
    await ed.discardDraft(caller(req), req.params.id, versionOf(req.body));
    return reply.redirect('/editor?discarded=1', 303);
  });

  app.get<IdParams>('/editor/drafts/:id/text', { config: { policy: { action: 'text.upload' } } }, async (req, reply) => {
    const draft = await ed.getDraft(caller(req), req.params.id);
    return sendHtml(reply, textPage(page(req, reply), { draft, csrfToken: csrfToken(req) }));
  });

  app.post<IdParams>('/editor/drafts/:id/text', { config: { policy: { action: 'text.upload' } } }, async (req, reply) => {
    const { fields, file } = await readMultipart(req);
    try {
      if (!file) throw new AppError('invalid_input', 'no file', { fields: { file: { code: 'empty_file' } } });
      await ed.stageText(caller(req), req.params.id, versionOf(fields), { bytes: file.bytes, name: file.name, importer: fields.importer });
      return reply.redirect(draftHref(req.params.id, 'text'), 303);
    } catch (e) {
      const { errors, conflict, draft, ctx } = await refusedForm(req, reply, req.params.id, e);
      const error = conflict ? ctx.t('editorial.err.conflict') : Object.values(errors!).map((x) => ctx.t(`editorial.err.${x.code}` as never, x.params ?? {})).join(' ');
      return sendHtml(reply, textPage(ctx, { draft, csrfToken: csrfToken(req), error }), conflict ? 409 : 400);
    }
  });

  app.get<IdParams>('/editor/standards/:id/edit', { config: { policy: { action: 'standard.edit' } } }, async (req, reply) => {
    const record = await ed.editableRecord(caller(req), req.params.id);
    const open = await ed.openDraftOf(caller(req), record.id);
    if (open) return reply.redirect(draftHref(open.id), 303);
    return sendHtml(reply, revisionPage(page(req, reply), { record, csrf: csrfField(req) }));
  });

  app.post<IdParams>('/editor/standards/:id/edit', { config: { policy: { action: 'standard.edit' } } }, async (req, reply) => {
    const d = await ed.openRevision(caller(req), req.params.id);
    return reply.redirect(draftHref(d.id), 303);
  });

  app.get<IdParams>('/editor/standards/:id/disclosure', { config: { policy: { action: 'disclosure.set' } } }, async (req, reply) => {
    const { record, disclosure } = await ed.disclosureOf(caller(req), req.params.id);
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return sendHtml(reply, disclosurePage(page(req, reply), { record, disclosure, csrf: csrfField(req), errors: null, saved }));
  });

  app.post<IdParams>('/editor/standards/:id/disclosure', { config: { policy: { action: 'disclosure.set' } } }, async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const mode = typeof b.mode === 'string' ? b.mode.slice(0, 40) : '';
    const reason = { en: typeof b.reason_en === 'string' ? b.reason_en : undefined, zh: typeof b.reason_zh === 'string' ? b.reason_zh : undefined };
    try {
      const d = await ed.setDisclosure(caller(req), req.params.id, { mode: mode as never, reason });
      return reply.redirect(`${editorStdHref(d.stdId, 'disclosure')}?saved=1`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      const { record, disclosure } = await ed.disclosureOf(caller(req), req.params.id);
      return sendHtml(reply, disclosurePage(page(req, reply), { record, disclosure, csrf: csrfField(req), errors, values: { mode, reason } }), 400);
    }
  });

  app.get<IdParams>('/editor/standards/:id/withdraw', { config: { policy: { action: 'standard.withdraw' } } }, async (req, reply) => {
    const record = await ed.editableRecord(caller(req), req.params.id, 'standard.withdraw');
    return sendHtml(reply, withdrawPage(page(req, reply), { record, csrf: csrfField(req), errors: null }));
  });

  app.post<IdParams>('/editor/standards/:id/withdraw', { config: { policy: { action: 'standard.withdraw' } } }, async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const reason = typeof b.reason === 'string' ? b.reason.slice(0, 2000) : '';
    try {
      const r = await ed.withdraw(caller(req), req.params.id, reason);
      return reply.redirect(`${stdHref(r.id)}?withdrawn=1`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      const refused = isAppError(e) && e.code === 'invalid_transition';
      if (!errors && !refused) throw e;
      const record = await ed.editableRecord(caller(req), req.params.id, 'standard.withdraw');
      const ctx = page(req, reply);
      return sendHtml(reply, withdrawPage(ctx, { record, csrf: csrfField(req), errors, reason, refused: refused ? ctx.t('editorial.withdraw.refused') : undefined }), refused ? 409 : 400);
    }
  });

  app.get('/editor/import', { config: { policy: { action: 'import.bulk' } } }, async (req, reply) => {
    const c = caller(req);
    return sendHtml(reply, importFormPage(page(req, reply), { importers: ed.imports.importers(), runs: await ed.imports.list(c), csrfToken: csrfToken(req), scopes: scopesFor(req.principal, 'standard.create', 'publisher') }));
  });

  app.post('/editor/import', { config: { policy: { action: 'import.bulk' } } }, async (req, reply) => {
    const { fields, file } = await readMultipart(req);
    const c = caller(req);
    try {
      if (!file) throw new AppError('invalid_input', 'no file', { fields: { file: { code: 'empty_file' } } });
      const run = await ed.imports.start(c, fields.importer ?? '', { bytes: file.bytes, name: file.name });
      return reply.redirect(`/editor/import/${run.id}`, 303);
    } catch (e) {
      if (!isAppError(e) || !['invalid_input', 'unknown_importer'].includes(e.code)) throw e;
      const ctx = page(req, reply);
        const error = e.code === 'unknown_importer' ? ctx.t('editorial.err.unknown_code', { code: String(fields.importer ?? '').slice(0, 40) }) : ctx.t('editorial.err.empty_file');
      return sendHtml(reply, importFormPage(ctx, { importers: ed.imports.importers(), runs: await ed.imports.list(c), csrfToken: csrfToken(req), error, scopes: scopesFor(req.principal, 'standard.create', 'publisher') }), 400);
    }
  });

  app.get<{ Params: { runId: string } }>('/editor/import/:runId', { config: { policy: { action: 'import.bulk' } } }, async (req, reply) => {
    const run = await ed.imports.get(caller(req), req.params.runId);
    if (run.state === 'running') reply.header('cache-control', 'no-store');
    return sendHtml(reply, importRunPage(page(req, reply), run));
  });

}
