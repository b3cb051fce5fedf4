import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { AUDIT_LIMITS, parseAuditQuery } from '../audit/query.js';

/**
 * GET /api/v1/audit — the audit log as JSON, with the filters of /admin/audit (person, actor, type, object,
 * verb, from, to) and keyset pagination (limit, cursor → next). Admins see everything; editors the events of
 * their publishers' standards. Items carry before/after as stored and the readable field changes.
 */
export function auditApi(app: FastifyInstance, services: Services): void {
  app.get('/v1/audit', { config: { policy: { action: 'audit.read_scoped' } } }, async (req, reply) => {
    const query = parseAuditQuery(req.query as Record<string, unknown>);
    const scope = services.audit.scopeOf(req.principal);
    const page = await services.audit.search(req.principal, query);
    reply.header('cache-control', 'private, no-store');
    return {
      scope: scope ?? 'all',
      limit: query.limit,
      next: page.next,
      items: page.items.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        actorName: r.who.name,
        actorRole: r.who.role,
        verb: r.verb,
        objectType: r.objectType,
        objectId: r.objectId,
        before: r.before,
        after: r.after,
        changes: r.changes,
      })),
    };
  });
}

/** OpenAPI paths of the audit API (merged into the document by openapi.ts). */
export function auditPaths(prefix: string): Record<string, unknown> {
  const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string', maxLength: AUDIT_LIMITS.textChars }) => ({ name, in: 'query', description, schema });
  const err = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } } } });
  const event = {
    type: 'object',
    required: ['id', 'at', 'actor', 'verb', 'objectType', 'objectId'],
    properties: {
      id: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string', description: "'user:<id>', 'importer:<name>', 'system:<job>', 'cli'" },
      actorName: { type: ['string', 'null'] },
      actorRole: { type: 'string' },
      verb: { type: 'string' },
      objectType: { type: 'string' },
      objectId: { type: 'string' },
      before: {},
      after: {},
      changes: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, kind: { type: 'string', enum: ['set', 'cleared', 'changed', 'list'] }, before: { type: 'string' }, after: { type: 'string' }, added: { type: 'array', items: { type: 'string' } }, removed: { type: 'array', items: { type: 'string' } } } } },
    },
  };
  return {
    [`${prefix}/v1/audit`]: {
      get: {
        operationId: 'listAuditEvents',
        summary: 'The audit log (newest first): who changed what, and who opened restricted texts',
        description: 'Administrators see every event; editors (audit.read_scoped) the events of their publishers\' standards. Keyset pagination: pass `next` as `cursor`.',
        tags: ['audit'],
        parameters: [
          q('person', 'Name, e-mail or id of a person.'),
          q('actor', "Exact actor, e.g. 'importer:rfc-index'."),
          q('type', 'Object type (standard, text, disclosure, …).'),
          q('object', 'Object id (a standard id for its text and disclosure events).'),
          q('verb', "Verb or its beginning ('standard.', 'text.accessed')."),
          q('from', 'First day, UTC (inclusive).', { type: 'string', format: 'date' }),
          q('to', 'Last day, UTC (inclusive).', { type: 'string', format: 'date' }),
          q('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: AUDIT_LIMITS.maxLimit, default: AUDIT_LIMITS.defaultLimit }),
          q('cursor', 'The `next` value of the previous page.', { type: 'integer', minimum: 0 }),
        ],
        responses: {
          '200': {
            description: 'One page of events',
            content: { 'application/json': { schema: { type: 'object', required: ['scope', 'limit', 'next', 'items'], properties: { scope: { oneOf: [{ type: 'string', const: 'all' }, { type: 'array', items: { type: 'string' } }] }, limit: { type: 'integer' }, next: { type: ['integer', 'null'] }, items: { type: 'array', items: event } } } } },
          },
          '400': err('invalid_query'),
          '401': err('unauthenticated'),
          '403': err('forbidden'),
          '429': err('rate_limited'),
        },
      },
    },
  };
}
