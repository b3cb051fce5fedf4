import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Notification, Watch } from '../alerts/model.js';
import type { DeliveryAttempt, Webhook } from '../alerts/ports.js';
import { describe } from '../alerts/describe.js';
import { AlertService } from '../alerts/service.js';
import type { Services } from '../app/container.js';
import { AppError } from '../kernel/errors.js';

const MANAGE = { policy: { action: 'watch.manage' as const } };

function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v ?? {});
  if (!r.success) throw new AppError('invalid_input', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500));
  return r.data;
}

const watchJson = (w: Watch) => ({ id: w.id, kind: w.kind, target: w.target, label: w.label, followedFrom: w.followedFrom, createdAt: w.createdAt });
const notificationJson = (n: Notification) => ({
  id: n.id,
  kind: n.kind,
  standard: n.stdId,
  eventId: n.eventId,
  watchId: n.watchId,
  createdAt: n.createdAt,
  readAt: n.readAt,
  text: { en: describe('en', n.summary), 'zh-CN': describe('zh-CN', n.summary) },
  summary: n.summary,
});
// The secret is returned only when the webhook is created (the owner stores it then); the web page shows it too.
const webhookJson = (h: Webhook, withSecret = false) => ({ id: h.id, url: h.url, active: h.active, createdAt: h.createdAt, ...(withSecret ? { secret: h.secret } : {}) });
const attemptJson = (a: DeliveryAttempt) => ({
  delivery: a.deliveryId,
  event: a.eventName,
  attempt: a.attempt,
  status: a.status,
  responseCode: a.responseCode,
  error: a.error,
  attemptedAt: a.attemptedAt,
  nextAttemptAt: a.status === 'pending' || a.status === 'sending' ? a.nextAttemptAt : null,
});

/** Routes of the API: watches, notifications, webhooks (the caller's own; API tokens need the watch.manage scope). */
export function alertApi(app: FastifyInstance, services: Services): void {
  const alerts = services.alerts;

  app.get('/v1/watches', { config: MANAGE }, async (req) => ({ items: (await alerts.watches(req.principal)).map(watchJson) }));

  app.post('/v1/watches', { config: MANAGE }, async (req, reply) => {
    const b = parse(z.object({ kind: z.string().max(20), target: z.string().min(1).max(500), label: z.string().max(200).nullish() }), req.body);
    const { watch, created } = await alerts.follow(req.principal, b);
    return reply.status(created ? 201 : 200).send({ watch: watchJson(watch), created });
  });

  app.delete<{ Params: { id: string } }>('/v1/watches/:id', { config: MANAGE }, async (req) => {
    await alerts.unfollow(req.principal, req.params.id.slice(0, 100));
    return { deleted: true };
  });

  app.get('/v1/notifications', { config: MANAGE }, async (req) => {
    const q = parse(z.object({ unread: z.enum(['true', 'false']).optional(), before: z.string().max(80).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }), req.query);
    const limit = q.limit ?? 50;
    const items = await alerts.notifications(req.principal, { unreadOnly: q.unread === 'true', before: q.before, limit });
    // `next`: pass as ?before= for the following page (keyset paging; absent on the last page).
    const next = items.length === limit ? AlertService.pageCursor(items[items.length - 1]) : null;
    return { unread: await alerts.unreadCount(req.principal), items: items.map(notificationJson), next };
  });

  app.post('/v1/notifications/read', { config: MANAGE }, async (req) => {
    const b = parse(z.object({ ids: z.array(z.string().max(100)).max(500).optional() }), req.body);
    let n = 0;
    if (b.ids) for (const id of b.ids) n += await alerts.markRead(req.principal, id);
    else n = await alerts.markRead(req.principal, 'all');
    return { marked: n };
  });

  app.get('/v1/webhooks', { config: MANAGE }, async (req) => ({ items: (await alerts.webhooks(req.principal)).map((h) => webhookJson(h)) }));

  app.post('/v1/webhooks', { config: MANAGE }, async (req, reply) => {
    const b = parse(z.object({ url: z.string().min(1).max(2000) }), req.body);
    // Idempotent on the URL (a retried request does not create a second webhook): 201 new, 200 existing.
    const { webhook, created } = await alerts.ensureWebhook(req.principal, b.url);
    return reply.status(created ? 201 : 200).send({ webhook: webhookJson(webhook, true), created });
  });

  app.get<{ Params: { id: string } }>('/v1/webhooks/:id', { config: MANAGE }, async (req) => {
    const h = await alerts.webhook(req.principal, req.params.id.slice(0, 100));
    return { webhook: webhookJson(h), deliveries: (await alerts.deliveries(req.principal, h.id)).map(attemptJson) };
  });

  app.delete<{ Params: { id: string } }>('/v1/webhooks/:id', { config: MANAGE }, async (req) => {
    await alerts.deleteWebhook(req.principal, req.params.id.slice(0, 100));
    return { deleted: true };
  });
}

/** OpenAPI paths of the alerts API (merged into the document by src/api/openapi.ts). */
export function alertPaths(prefix: string): Record<string, unknown> {
  const err = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } } } } });
  const json = (description: string, schema: Record<string, unknown>) => ({ description, content: { 'application/json': { schema } } });
  const watch = { type: 'object', required: ['id', 'kind', 'target'], properties: { id: { type: 'string' }, kind: { type: 'string', enum: ['standard', 'family', 'search', 'ics', 'ccs', 'committee', 'publisher'] }, target: { type: 'string' }, label: { type: ['string', 'null'] }, followedFrom: { type: ['string', 'null'], description: 'The replaced standard this watch moved from' }, createdAt: { type: 'string', format: 'date-time' } } };
  const webhook = { type: 'object', required: ['id', 'url', 'active'], properties: { id: { type: 'string' }, url: { type: 'string' }, active: { type: 'boolean' }, createdAt: { type: 'string', format: 'date-time' }, secret: { type: 'string', description: 'HMAC-SHA256 key of X-Stdhub-Signature (in the create response only)' } } };
  const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 100 } }];
  const auth = 'Own watches, notifications and webhooks of the caller. Token scope `watch.manage`; with the session cookie, writes need `x-csrf-token`.';
  const common = { '400': err('Invalid input'), '401': err('Not signed in'), '403': err('Token lacks watch.manage') };
  const deleted = json('Deleted', { type: 'object', properties: { deleted: { type: 'boolean' } } });
  return {
    [`${prefix}/v1/watches`]: {
      get: { operationId: 'listWatches', summary: 'The caller’s watch list', description: auth, tags: ['alerts'], responses: { '200': json('Watches', { type: 'object', properties: { items: { type: 'array', items: watch } } }), ...common } },
      post: {
        operationId: 'createWatch',
        summary: 'Follow a standard (by number or id), a family, a saved search (query string), an ICS/CCS code, a committee or a publisher',
        description: auth,
        tags: ['alerts'],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['kind', 'target'], properties: { kind: watch.properties.kind, target: { type: 'string', maxLength: 500 }, label: { type: ['string', 'null'], maxLength: 200 } } } } } },
        responses: { '200': json('Already followed', { type: 'object', properties: { watch, created: { type: 'boolean' } } }), '201': json('Followed', { type: 'object', properties: { watch, created: { type: 'boolean' } } }), ...common, '404': err('No such standard') },
      },
    },
    [`${prefix}/v1/watches/{id}`]: {
      delete: { operationId: 'deleteWatch', summary: 'Stop following', description: auth, tags: ['alerts'], parameters: id, responses: { '200': deleted, ...common, '404': err('No such watch of the caller') } },
    },
    [`${prefix}/v1/notifications`]: {
      get: {
        operationId: 'listNotifications',
        summary: 'The caller’s notifications, newest first (keyset paging with `before` = the previous `next`)',
        description: auth,
        tags: ['alerts'],
        parameters: [
          { name: 'unread', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
          { name: 'before', in: 'query', schema: { type: 'string', maxLength: 80 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: { '200': json('Notifications', { type: 'object', properties: { unread: { type: 'integer' }, next: { type: ['string', 'null'] }, items: { type: 'array', items: { type: 'object' } } } }), ...common },
      },
    },
    [`${prefix}/v1/notifications/read`]: {
      post: {
        operationId: 'markNotificationsRead',
        summary: 'Mark notifications read (the given ids, or all)',
        description: auth,
        tags: ['alerts'],
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { ids: { type: 'array', maxItems: 500, items: { type: 'string' } } } } } } },
        responses: { '200': json('Marked', { type: 'object', properties: { marked: { type: 'integer' } } }), ...common },
      },
    },
    [`${prefix}/v1/webhooks`]: {
      get: { operationId: 'listWebhooks', summary: 'The caller’s webhooks', description: auth, tags: ['alerts'], responses: { '200': json('Webhooks', { type: 'object', properties: { items: { type: 'array', items: webhook } } }), ...common } },
      post: {
        operationId: 'createWebhook',
        summary: 'Add a webhook: each notification is POSTed as JSON, signed (X-Stdhub-Signature: sha256=<hex HMAC-SHA256 of the body>), retried with backoff',
        description: auth,
        tags: ['alerts'],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri', maxLength: 2000 } } } } } },
        responses: { '200': json('Existing webhook for this URL', { type: 'object', properties: { webhook, created: { type: 'boolean' } } }), '201': json('Created', { type: 'object', properties: { webhook, created: { type: 'boolean' } } }), ...common },
      },
    },
    [`${prefix}/v1/webhooks/{id}`]: {
      get: {
        operationId: 'getWebhook',
        summary: 'A webhook and its delivery log (one entry per attempt)',
        description: auth,
        tags: ['alerts'],
        parameters: id,
        responses: { '200': json('Webhook and deliveries', { type: 'object', properties: { webhook, deliveries: { type: 'array', items: { type: 'object' } } } }), ...common, '404': err('No such webhook of the caller') },
      },
      delete: { operationId: 'deleteWebhook', summary: 'Remove a webhook and its log', description: auth, tags: ['alerts'], parameters: id, responses: { '200': deleted, ...common, '404': err('No such webhook of the caller') } },
    },
  };
}
