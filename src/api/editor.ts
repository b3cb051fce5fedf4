/**
 * The editorial API under /api/v1/editor: the same use cases as the web back office and the CLI (src/editorial),
 * JSON bodies validated with zod (bounded strings and lists), bearer tokens accepted (a token needs the action in
 * its scopes). Field errors answer 400 { error: 'invalid_input', details: { fields } }; a stale version 409.
 * Uploads (a draft's text, a bulk import) are multipart/form-data with one `file` part.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../app/container.js';
import type { Caller, Draft } from '../editorial/service.js';
import type { DraftInput } from '../editorial/validate.js';
import { AppError } from '../kernel/errors.js';
import { DISCLOSURE_MODES } from '../reader/disclosure.js';
import { readMultipart, withMultipart } from '../web/routes/editor.js';

const str = (max: number) => z.string().max(max);
const inputSchema = z.object({
  identifier: str(200),
  body: str(40),
  docType: str(60),
  status: str(60),
  nature: str(40).optional(),
  edition: str(50).optional(),
  committee: str(100).optional(),
  titles: z.object({ zh: str(2000).optional(), en: str(2000).optional() }).strict(),
  abstracts: z.object({ zh: str(10_000).optional(), en: str(10_000).optional() }).strict().optional(),
  dates: z.record(str(40), str(40)).refine((d) => Object.keys(d).length <= 30, 'at most 30 dates').default({}),
  ics: z.array(str(30)).max(50).default([]),
  ccs: z.array(str(30)).max(50).default([]),
  relations: z.array(z.object({ type: str(40), target: str(200), degree: str(10).optional() }).strict()).max(100).default([]),
  keywords: z.array(str(200)).max(60).optional(),
}).strict();
const version = z.number().int().min(1).max(1e9);
const disclosureSchema = z.object({
  mode: z.enum(DISCLOSURE_MODES),
  reason: z.object({ en: str(2000).optional(), zh: str(2000).optional() }).strict().default({}),
}).strict();

/** Parses a body with a schema; problems become invalid_input with per-field details. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const fields: Record<string, { code: string; message: string }> = {};
    for (const i of r.error.issues.slice(0, 50)) fields[i.path.join('.') || '_'] = { code: 'invalid', message: i.message };
    throw new AppError('invalid_input', 'the request body does not match the schema', { fields });
  }
  return r.data;
}

const caller = (req: FastifyRequest): Caller => ({ principal: req.principal });

/** The API shape of a draft (the record in full; the staged text's report without the stored key). */
function draftJson(d: Draft) {
  return {
    id: d.id,
    stdId: d.stdId,
    publisher: d.publisher,
    kind: d.kind,
    state: d.state,
    publishing: d.publishing,
    version: d.version,
    record: d.record,
    disclosure: d.disclosure,
    text: d.text ? { importer: d.text.importer, name: d.text.name, report: d.text.report } : null,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Registers the editorial API (inside its own scope for multipart). */
export function editorApi(app: FastifyInstance, services: Services): void {
  withMultipart(app, services, routes);
}

function routes(app: FastifyInstance, services: Services): void {
  const ed = services.editorial;
  type Id = { Params: { id: string } };

  app.get('/v1/editor/drafts', { config: { policy: { action: 'standard.read_unpublished' } } }, async (req) => ({ items: (await ed.listDrafts(caller(req))).map(draftJson) }));

  app.post('/v1/editor/drafts', { config: { policy: { action: 'standard.create' } } }, async (req, reply) => {
    const d = await ed.createDraft(caller(req), parse(inputSchema, req.body) as DraftInput);
    return reply.send(draftJson(d));
  });

  app.get<Id>('/v1/editor/drafts/:id', { config: { policy: { action: 'standard.read_unpublished' } } }, async (req) => draftJson(await ed.getDraft(caller(req), req.params.id)));

  app.put<Id>('/v1/editor/drafts/:id', { config: { policy: { action: 'standard.edit' } } }, async (req) => {
    const b = parse(z.object({ version, record: inputSchema }).strict(), req.body);
    return draftJson(await ed.updateDraft(caller(req), req.params.id, b.version, b.record as DraftInput));
  });

  app.put<Id>('/v1/editor/drafts/:id/disclosure', { config: { policy: { action: 'disclosure.set' } } }, async (req) => {
    const b = parse(z.object({ version, disclosure: disclosureSchema.nullable() }).strict(), req.body);
    return draftJson(await ed.setDraftDisclosure(caller(req), req.params.id, b.version, b.disclosure));
  });

  app.put<Id>('/v1/editor/drafts/:id/text', { config: { policy: { action: 'text.upload' } } }, async (req) => {
    const { fields, file } = await readMultipart(req);
    if (!file) throw new AppError('invalid_input', 'a multipart part named file is required', { fields: { file: { code: 'empty_file' } } });
    const v = parse(z.object({ version: z.string().regex(/^\d{1,9}$/), importer: str(40).optional() }).strict(), fields);
    return draftJson(await ed.stageText(caller(req), req.params.id, Number(v.version), { bytes: file.bytes, name: file.name, importer: v.importer }));
  });

  app.post<Id>('/v1/editor/drafts/:id/publish', { config: { policy: { action: 'standard.publish' } } }, async (req) => {
    const b = parse(z.object({ version }).strict(), req.body);
    const { stdId } = await ed.publish(caller(req), req.params.id, b.version);
    return { id: stdId, standard: await services.catalogue.get(stdId) };
  });

  app.post<Id>('/v1/editor/drafts/:id/discard', { config: { policy: { action: 'standard.edit' } } }, async (req) => {
    const b = parse(z.object({ version }).strict(), req.body);
    return draftJson(await ed.discardDraft(caller(req), req.params.id, b.version));
  });

  app.post<Id>('/v1/editor/standards/:id/revision', { config: { policy: { action: 'standard.edit' } } }, async (req, reply) => {
    return reply.send(draftJson(await ed.openRevision(caller(req), req.params.id)));
  });

  app.put<Id>('/v1/editor/standards/:id/disclosure', { config: { policy: { action: 'disclosure.set' } } }, async (req) => {
    const b = parse(disclosureSchema, req.body);
    return ed.setDisclosure(caller(req), req.params.id, b);
  });

  app.post<Id>('/v1/editor/standards/:id/withdraw', { config: { policy: { action: 'standard.withdraw' } } }, async (req) => {
    const b = parse(z.object({ reason: str(500).optional() }).strict(), req.body);
    return { standard: await ed.withdraw(caller(req), req.params.id, b.reason) };
  });

  app.get('/v1/editor/importers', { config: { policy: { action: 'import.bulk' } } }, async () => ({ items: ed.imports.importers() }));

  app.post('/v1/editor/imports', { config: { policy: { action: 'import.bulk' } } }, async (req, reply) => {
    const { fields, file } = await readMultipart(req);
    if (!file) throw new AppError('invalid_input', 'a multipart part named file is required', { fields: { file: { code: 'empty_file' } } });
    const v = parse(z.object({ importer: str(40) }).strict(), fields);
    const run = await ed.imports.start(caller(req), v.importer, { bytes: file.bytes, name: file.name });
    return reply.header('location', `/api/v1/editor/imports/${run.id}`).send(run);
  });

  app.get<Id>('/v1/editor/imports/:id', { config: { policy: { action: 'import.bulk' } } }, async (req) => ed.imports.get(caller(req), req.params.id));
}

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const pathId = (description: string): Schema => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string', maxLength: 200 } });
const anyObject: Schema = { type: 'object' };
const errors = (...codes: string[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [c.split(' ')[0], { description: c.split(' ').slice(1).join(' '), content: json(ref('Error')) }]));
const upload = (extra: Record<string, Schema>): Schema => ({
  required: true,
  content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { ...extra, file: { type: 'string', format: 'binary' } } } } },
});

/** OpenAPI paths of the editorial API (merged into the document by openapi.ts). */
export function editorPaths(prefix: string): Record<string, unknown> {
  const p = (path: string) => `${prefix}/v1/editor${path}`;
  const op = (operationId: string, summary: string, o: Schema = {}) => ({
    operationId,
    summary,
    tags: ['editorial'],
    description: 'Signed in (session cookie with x-csrf-token) or a bearer API token holding the action.',
    ...o,
  });
  const draftOut = { '200': { description: 'The draft', content: json(ref('EditorDraft')) } };
  const std = errors('401 unauthenticated', '403 forbidden (no right on this publisher)', '404 not_found (or another publisher\'s draft)');
  const version = { type: 'integer', minimum: 1, description: 'The draft version the change is based on (optimistic concurrency: 409 when stale)' };
  return {
    [p('/drafts')]: {
      get: op('listDrafts', 'Open drafts of the publishers the caller may see', { responses: { '200': { description: 'Drafts', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('EditorDraft') } } }) }, ...std } }),
      post: op('createDraft', 'Create the draft of a new standard (validated per field)', { requestBody: { required: true, content: json(ref('EditorRecordInput')) }, responses: { ...draftOut, ...std, ...errors('400 invalid_input (details.fields per field)') } }),
    },
    [p('/drafts/{id}')]: {
      get: op('getDraft', 'A draft', { parameters: [pathId('Draft id')], responses: { ...draftOut, ...std } }),
      put: op('updateDraft', 'Save a draft', { parameters: [pathId('Draft id')], requestBody: { required: true, content: json({ type: 'object', required: ['version', 'record'], properties: { version, record: ref('EditorRecordInput') } }) }, responses: { ...draftOut, ...std, ...errors('400 invalid_input', '409 conflict') } }),
    },
    [p('/drafts/{id}/disclosure')]: {
      put: op('setDraftDisclosure', 'Disclosure applied when the draft is published (null: keep)', { parameters: [pathId('Draft id')], requestBody: { required: true, content: json({ type: 'object', required: ['version', 'disclosure'], properties: { version, disclosure: { oneOf: [ref('EditorDisclosure'), { type: 'null' }] } } }) }, responses: { ...draftOut, ...std, ...errors('400 invalid_input', '409 conflict') } }),
    },
    [p('/drafts/{id}/text')]: {
      put: op('stageDraftText', 'Upload a full text (STS XML or RFC text); the import report is returned and nothing is published', { parameters: [pathId('Draft id')], requestBody: upload({ version: { type: 'string' }, importer: { type: 'string', enum: ['auto', 'sts', 'rfc-text'] } }), responses: { ...draftOut, ...std, ...errors('400 invalid_input', '409 conflict', '413 payload_too_large') } }),
    },
    [p('/drafts/{id}/publish')]: {
      post: op('publishDraft', 'Publish a draft: record, disclosure and staged text enter the public catalogue', { parameters: [pathId('Draft id')], requestBody: { required: true, content: json({ type: 'object', required: ['version'], properties: { version } }) }, responses: { '200': { description: 'The published standard', content: json({ type: 'object', properties: { id: { type: 'string' }, standard: anyObject } }) }, ...std, ...errors('400 invalid_input', '409 conflict or invalid_transition (e.g. the staged text has an abort diagnostic)') } }),
    },
    [p('/drafts/{id}/discard')]: {
      post: op('discardDraft', 'Discard an unpublished draft', { parameters: [pathId('Draft id')], requestBody: { required: true, content: json({ type: 'object', required: ['version'], properties: { version } }) }, responses: { ...draftOut, ...std, ...errors('409 conflict') } }),
    },
    [p('/standards/{id}/revision')]: {
      post: op('openRevision', 'Open (or return the open) revision draft of a published standard', { parameters: [pathId('Standard id or number')], responses: { ...draftOut, ...std } }),
    },
    [p('/standards/{id}/disclosure')]: {
      put: op('setDisclosure', 'Set the disclosure of a published standard (read-download, read-only, not-disclosed with a reason, restricted)', { parameters: [pathId('Standard id or number')], requestBody: { required: true, content: json(ref('EditorDisclosure')) }, responses: { '200': { description: 'The new setting', content: json(anyObject) }, ...std, ...errors('400 invalid_input') } }),
    },
    [p('/standards/{id}/withdraw')]: {
      post: op('withdrawStandard', 'Withdraw a published standard (status withdrawn, withdrawn date today)', { parameters: [pathId('Standard id or number')], requestBody: { content: json({ type: 'object', properties: { reason: { type: 'string', maxLength: 500 } } }) }, responses: { '200': { description: 'The withdrawn record', content: json({ type: 'object', properties: { standard: anyObject } }) }, ...std, ...errors('409 invalid_transition') } }),
    },
    [p('/importers')]: {
      get: op('listImporters', 'Importers a bulk import may use', { responses: { '200': { description: 'Importers', content: json({ type: 'object', properties: { items: { type: 'array', items: anyObject } } }) }, ...std } }),
    },
    [p('/imports')]: {
      post: op('startImport', 'Start a bulk import in the background (records of publishers the caller does not hold are refused, each with a diagnostic)', { requestBody: upload({ importer: { type: 'string' } }), responses: { '200': { description: 'The run (state running); poll its Location', content: json(ref('EditorImportRun')) }, ...std, ...errors('400 invalid_input or unknown_importer', '413 payload_too_large') } }),
    },
    [p('/imports/{id}')]: {
      get: op('getImport', 'Progress and, when finished, the report of a bulk import', { parameters: [pathId('Run id')], responses: { '200': { description: 'The run', content: json(ref('EditorImportRun')) }, ...std } }),
    },
  };
}

/** Component schemas of the editorial API. */
export const editorSchemas: Record<string, Schema> = {
  EditorRecordInput: {
    type: 'object',
    required: ['identifier', 'body', 'docType', 'status', 'titles'],
    properties: {
      identifier: { type: 'string', maxLength: 200, description: 'Standard number as printed (parsed; the record id is its slug)' },
      body: { type: 'string', description: 'Publisher code (vocabulary body); the caller needs standard.create/edit on it' },
      docType: { type: 'string' },
      status: { type: 'string' },
      nature: { type: 'string' },
      edition: { type: 'string', maxLength: 50 },
      committee: { type: 'string', maxLength: 100 },
      titles: { type: 'object', properties: { zh: { type: 'string' }, en: { type: 'string' } } },
      abstracts: { type: 'object', properties: { zh: { type: 'string' }, en: { type: 'string' } } },
      dates: { type: 'object', additionalProperties: { type: 'string', description: 'YYYY-MM-DD' } },
      ics: { type: 'array', items: { type: 'string' } },
      ccs: { type: 'array', items: { type: 'string' } },
      relations: { type: 'array', items: { type: 'object', required: ['type', 'target'], properties: { type: { type: 'string' }, target: { type: 'string' }, degree: { type: 'string', enum: ['IDT', 'MOD', 'NEQ'] } } } },
      keywords: { type: 'array', items: { type: 'string' } },
    },
  },
  EditorDisclosure: {
    type: 'object',
    required: ['mode'],
    properties: { mode: { type: 'string', enum: [...DISCLOSURE_MODES] }, reason: { type: 'object', properties: { en: { type: 'string' }, zh: { type: 'string' } } } },
  },
  EditorDraft: {
    type: 'object',
    properties: {
      id: { type: 'string' }, stdId: { type: 'string' }, publisher: { type: 'string' }, kind: { type: 'string', enum: ['new', 'revision'] },
      state: { type: 'string' }, publishing: { type: 'boolean' }, version: { type: 'integer' }, record: anyObject,
      disclosure: { oneOf: [ref('EditorDisclosure'), { type: 'null' }] },
      text: { oneOf: [{ type: 'object', properties: { importer: { type: 'string' }, name: { type: 'string' }, report: anyObject } }, { type: 'null' }] },
      createdBy: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    },
  },
  EditorImportRun: {
    type: 'object',
    properties: {
      id: { type: 'string' }, importer: { type: 'string' }, fileName: { type: 'string' }, state: { type: 'string', enum: ['running', 'done', 'failed', 'interrupted'] },
      done: { type: 'integer' }, total: { type: ['integer', 'null'] }, report: { oneOf: [anyObject, { type: 'null' }] },
      createdBy: { type: 'string' }, createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
    },
  },
};
