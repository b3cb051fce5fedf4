import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';
import { csvLine, UTF8_BOM } from '../../audit/csv.js';
import { parseAuditQuery } from '../../audit/query.js';
import type { AuditRow } from '../../audit/service.js';
import { can } from '../../accounts/policy.js';
import { AppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { standardTabsNav } from '../standard-panels.js';
import { stdHref } from '../views/components.js';
import { auditPage } from '../views/audit.js';
import { historyPage } from '../views/audit-history.js';
import { changeLines, verbLabel } from '../views/audit-common.js';

const MAX_ID = 200;

/**
 * Routes of the audit log:
 *   GET /std/:id/history   the History tab (public; names only for the publisher's editors and admins)
 *   GET /admin/audit       the filtered, paginated audit log (admins; editors see their publishers' objects)
 *   GET /admin/audit.csv   the same filtered set as CSV, streamed (formula-safe cells, UTF-8 BOM)
 * The coarse route policy for the admin pages is audit.read_scoped, which admins hold too ('*'); the use case
 * (AuditService.scopeOf) then narrows a scoped editor to their publishers.
 */
export function auditRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { id: string } }>('/std/:id/history', { config: { policy: 'public' } }, async (req, reply) => {
    const id = req.params.id;
    if (!id || id.length > MAX_ID) throw new AppError('standard_not_found');
    // The catalogue holds published records only: an unpublished standard is not found here.
    const record = (await services.catalogue.get(id)) ?? (await services.catalogue.resolve(id));
    if (!record) throw new AppError('standard_not_found');
    if (record.id !== id) return reply.redirect(`${stdHref(record.id)}/history`, 301);
    const ctx = pageContext(req, reply, services);
    const rows = await services.audit.standardHistory(req.principal, record);
    const tabs = standardTabsNav({ ctx, record, principal: req.principal }, 'history');
    const namesShown = can(req.principal, 'audit.read_scoped', { publisher: record.body });
    return sendHtml(reply, historyPage(ctx, { record, rows, tabs, namesShown }));
  });

  app.get('/admin/audit', { config: { policy: { action: 'audit.read_scoped' } } }, async (req, reply) => {
    const query = parseAuditQuery(req.query as Record<string, unknown>);
    const scope = services.audit.scopeOf(req.principal);
    const [page, verbs, objectTypes] = await Promise.all([services.audit.search(req.principal, query), services.audit.verbs(), services.audit.objectTypes()]);
    const ctx = pageContext(req, reply, services);
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, auditPage(ctx, { query, rows: page.items, next: page.next, scope, verbs, objectTypes }));
  });

  app.get('/admin/audit.csv', { config: { policy: { action: 'audit.read_scoped' } } }, async (req, reply) => {
    const query = parseAuditQuery(req.query as Record<string, unknown>);
    services.audit.scopeOf(req.principal); // refuses before the first byte, not halfway through a stream
    const ctx = pageContext(req, reply, services);
    const rows = services.audit.export(req.principal, query);
    async function* lines() {
      yield UTF8_BOM + csvLine(['id', 'time_utc', 'actor', 'name', 'role', 'verb', 'action', 'object_type', 'object_id', 'changes']);
      for await (const r of rows as AsyncGenerator<AuditRow>) {
        const changes = r.changes.flatMap((c) => changeLines(ctx, c)).join('\n');
        yield csvLine([r.id, r.at, r.actor, r.who.name, r.who.role, r.verb, verbLabel(ctx, r.verb), r.objectType, r.objectId, changes]);
      }
    }
    const stamp = services.clock.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(Readable.from(lines()));
  });
}
