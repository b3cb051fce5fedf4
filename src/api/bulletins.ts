import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../app/container.js';
import { bulletinPath, ITEM_KINDS, LIMITS, type Bulletin } from '../bulletins/model.js';
import type { ItemCounts } from '../bulletins/ports.js';
import { AppError } from '../kernel/errors.js';

const listQuery = z.object({
  year: z.coerce.number().int().min(1900).max(2200).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const dateOrNull = z.string().max(20).nullish();
const itemSchema = z.object({
  kind: z.enum(ITEM_KINDS),
  number: z.string().min(1).max(LIMITS.numberChars),
  replaces: z.array(z.string().min(1).max(LIMITS.numberChars)).max(LIMITS.replacesPerItem).optional(),
  releaseDate: dateOrNull,
  implementationDate: dateOrNull,
  abolitionDate: dateOrNull,
  note: z.string().max(LIMITS.noteChars).nullish(),
});
/** Items as a list of objects, or pasted text (one number per line) of one kind with defaults. */
const addItemsBody = z.union([
  z.object({ items: z.array(itemSchema).min(1).max(LIMITS.linesPerPaste) }),
  z.object({
    kind: z.enum(ITEM_KINDS),
    lines: z.string().min(1).max(LIMITS.pasteChars),
    defaults: itemSchema.omit({ kind: true, number: true }).optional(),
  }),
]);
const versionBody = z.object({ version: z.number().int().min(1) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success)
    throw new AppError('invalid_input', `Invalid ${what}`, { fields: r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
  return r.data;
}

/** Routes of the API: bulletins (public reads; editor writes calling the same use cases as the web forms). */
export function bulletinApi(app: FastifyInstance, services: Services): void {
  const svc = services.bulletins;
  const base = (services.config.PUBLIC_URL ?? '').replace(/\/+$/, '');
  const shape = (b: Bulletin, counts?: ItemCounts) => ({
    ...b,
    ...(counts ? { counts } : {}),
    links: {
      self: `${base}/api/v1/bulletins/${encodeURIComponent(b.id)}`,
      ...(b.state === 'published' ? { html: `${base}${bulletinPath(b)}` } : {}),
    },
  });
  const idOf = (id: string) => {
    if (id.length > 100) throw new AppError('not_found', 'No such bulletin');
    return id;
  };

  app.get('/v1/bulletins', { config: { policy: 'public' } }, async (req) => {
    const q = parse(listQuery, req.query, 'query');
    const list = await svc.listPublished(q);
    const counts = await svc.itemCounts(list.items.map((b) => b.id));
    return { total: list.total, page: q.page, pageSize: q.pageSize, items: list.items.map((b) => shape(b, counts.get(b.id))) };
  });

  app.get<{ Params: { id: string } }>('/v1/bulletins/:id', { config: { policy: 'public' } }, async (req) => {
    const b = await svc.get(req.principal, idOf(req.params.id));
    return { bulletin: shape(b), items: b.items };
  });

  app.post('/v1/bulletins', { config: { policy: { action: 'bulletin.edit' } } }, async (req) => {
    const b = await svc.create(req.principal, req.body ?? {});
    return { bulletin: shape(b) };
  });

  app.post<{ Params: { id: string } }>('/v1/bulletins/:id', { config: { policy: { action: 'bulletin.edit' } } }, async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { version } = parse(versionBody, { version: body.version }, 'version');
    return { bulletin: shape(await svc.updateHeader(req.principal, idOf(req.params.id), version, body)) };
  });

  app.post<{ Params: { id: string } }>('/v1/bulletins/:id/items', { config: { policy: { action: 'bulletin.edit' } } }, async (req) => {
    const body = parse(addItemsBody, req.body, 'items');
    const id = idOf(req.params.id);
    const r =
      'items' in body
        ? await svc.addItems(req.principal, id, body.items.map((item, i) => ({ line: i + 1, text: item.number, item })))
        : await svc.addPasted(req.principal, id, body.lines, body.kind, body.defaults ?? {});
    return r;
  });

  app.delete<{ Params: { id: string; seq: string } }>('/v1/bulletins/:id/items/:seq', { config: { policy: { action: 'bulletin.edit' } } }, async (req) => {
    const seq = /^\d{1,6}$/.test(req.params.seq) ? Number(req.params.seq) : NaN;
    if (!(await svc.removeItem(req.principal, idOf(req.params.id), seq))) throw new AppError('not_found', 'No such item');
    return { removed: seq };
  });

  app.post<{ Params: { id: string } }>('/v1/bulletins/:id/publish', { config: { policy: { action: 'bulletin.publish' } } }, async (req) => {
    const { version } = parse(versionBody, req.body, 'body');
    return { bulletin: shape(await svc.publish(req.principal, idOf(req.params.id), version)) };
  });

  app.post<{ Params: { id: string } }>('/v1/bulletins/:id/delete', { config: { policy: { action: 'bulletin.edit' } } }, async (req) => {
    if (!(await svc.deleteDraft(req.principal, idOf(req.params.id)))) throw new AppError('not_found', 'No such bulletin');
    return { deleted: true };
  });

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId/impact', { config: { policy: 'public' } }, async (req) => {
    const text = req.params.numberOrId;
    const record = text.length <= 200 ? await services.catalogue.resolve(text) : null;
    if (!record) throw new AppError('standard_not_found', `No standard matches "${text.slice(0, 100)}"`);
    const r = await svc.impact(record.id, { watchers: services.alerts });
    return { id: record.id, ...r };
  });
}

/** OpenAPI paths of the bulletin routes (merged into the document by src/api/openapi.ts). */
export function bulletinPaths(prefix: string): Record<string, unknown> {
  const tags = ['bulletins'];
  const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', maxLength: 200 } });
  const id = path('id', 'Bulletin id.');
  const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
  const err = (description: string) => json(description, { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } });
  const date = { type: ['string', 'null'], format: 'date' };
  const item = {
    type: 'object',
    required: ['kind', 'number'],
    properties: {
      kind: { type: 'string', enum: [...ITEM_KINDS] },
      number: { type: 'string', maxLength: LIMITS.numberChars, description: 'Standard number in any form the catalogue resolves.' },
      replaces: { type: 'array', items: { type: 'string' }, maxItems: LIMITS.replacesPerItem, description: 'Revisions: the numbers it replaces.' },
      releaseDate: date,
      implementationDate: date,
      abolitionDate: date,
      note: { type: ['string', 'null'], maxLength: LIMITS.noteChars },
    },
  };
  const header = {
    type: 'object',
    required: ['publisher', 'number', 'year', 'date', 'issuingBodies'],
    properties: {
      publisher: { type: 'string', description: 'Catalogue body code (the editor scope), e.g. SAC.' },
      number: { type: 'integer', minimum: 1 },
      year: { type: 'integer' },
      date: { type: 'string', format: 'date' },
      issuingBodies: { type: 'array', items: { type: 'object', properties: { zh: { type: 'string' }, en: { type: 'string' } } } },
      titleZh: { type: ['string', 'null'] },
      titleEn: { type: ['string', 'null'] },
      version: { type: 'integer', description: 'Updates only: the version read (stale → 409).' },
    },
  };
  const problems = json('Items added, and the rejected ones with their line and a reason code', {
    type: 'object',
    properties: { added: { type: 'array', items: { type: 'object' } }, problems: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, seq: { type: 'integer' }, text: { type: 'string' }, code: { type: 'string' } } } } },
  });
  const body = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
  const editorOnly = 'Editors of the bulletin\'s publisher (session with CSRF header, or a bearer token with the bulletin.edit scope).';
  return {
    [`${prefix}/v1/bulletins`]: {
      get: {
        operationId: 'listBulletins',
        summary: 'Published approval bulletins, newest first',
        tags,
        parameters: [
          { name: 'year', in: 'query', schema: { type: 'integer' } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
          { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: { '200': json('One page of bulletins with item counts by kind'), '400': err('Invalid query') },
      },
      post: { operationId: 'createBulletin', summary: 'Create a draft bulletin', description: editorOnly, tags, requestBody: body(header), responses: { '200': json('The draft'), '400': err('Invalid header'), '409': err('Number already used by this publisher in this year') } },
    },
    [`${prefix}/v1/bulletins/{id}`]: {
      get: { operationId: 'getBulletin', summary: 'A bulletin with its items (drafts only for their editors; 404 otherwise)', tags, parameters: [id], responses: { '200': json('The bulletin and its items'), '404': err('No such bulletin') } },
      post: { operationId: 'updateBulletin', summary: 'Change a draft\'s header', description: editorOnly, tags, parameters: [id], requestBody: body(header), responses: { '200': json('The draft'), '409': err('Stale version or number taken') } },
    },
    [`${prefix}/v1/bulletins/{id}/items`]: {
      post: {
        operationId: 'addBulletinItems',
        summary: 'Add items: a list, or pasted lines (one number per line) of one kind with defaults',
        description: `${editorOnly} Unknown numbers and other problems come back per line; the other items are added.`,
        tags,
        parameters: [id],
        requestBody: body({ oneOf: [{ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item, maxItems: LIMITS.linesPerPaste } } }, { type: 'object', required: ['kind', 'lines'], properties: { kind: { type: 'string', enum: [...ITEM_KINDS] }, lines: { type: 'string', maxLength: LIMITS.pasteChars }, defaults: { type: 'object' } } }] }),
        responses: { '200': problems, '404': err('No such draft') },
      },
    },
    [`${prefix}/v1/bulletins/{id}/items/{seq}`]: {
      delete: { operationId: 'removeBulletinItem', summary: 'Remove an item from a draft', description: editorOnly, tags, parameters: [id, path('seq', 'Item number in the bulletin.')], responses: { '200': json('Removed'), '404': err('No such item') } },
    },
    [`${prefix}/v1/bulletins/{id}/publish`]: {
      post: {
        operationId: 'publishBulletin',
        summary: 'Publish a draft: every item is applied in one transaction (lifecycle dates, replacements, abolitions, events)',
        description: 'Editors with bulletin.publish in the publisher. If any item fails validation nothing is applied and details.problems lists them.',
        tags,
        parameters: [id],
        requestBody: body({ type: 'object', required: ['version'], properties: { version: { type: 'integer' } } }),
        responses: { '200': json('The published bulletin'), '400': err('Items that cannot be published (details.problems)'), '409': err('Stale version or already published') },
      },
    },
    [`${prefix}/v1/bulletins/{id}/delete`]: {
      post: { operationId: 'deleteBulletinDraft', summary: 'Delete a draft', description: editorOnly, tags, parameters: [id], responses: { '200': json('Deleted'), '409': err('Published bulletins cannot be deleted') } },
    },
    [`${prefix}/v1/standards/{numberOrId}/impact`]: {
      get: {
        operationId: 'getStandardImpact',
        summary: 'Who is affected when a standard changes: citing standards, watchers, bulletins naming it',
        description: 'watchers is null when no watch list is configured; declarationsTracked is false (enterprise declarations are not recorded yet).',
        tags,
        parameters: [path('numberOrId', 'A standard number in any form, or its id.')],
        responses: { '200': json('The impact report'), '404': err('No such standard') },
      },
    },
  };
}
