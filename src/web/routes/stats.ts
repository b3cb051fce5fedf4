import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';
import { AppError } from '../../kernel/errors.js';
import { usageCsv } from '../../usage/csv.js';
import { USAGE_LIMITS } from '../../usage/service.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { statsPage } from '../views/stats.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD query parameter, or undefined when absent; anything else is a 400. */
function dayParam(v: unknown, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !DAY.test(v)) throw new AppError('invalid_query', `${name} must be a day YYYY-MM-DD`, { param: name, reason: 'bad_format' });
  return v;
}

/** GET /stats — public usage statistics (zh-CN/en); GET /stats.csv — daily counts per standard as CSV. */
export function statsRoutes(app: FastifyInstance, services: Services): void {
  app.get('/stats', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    return sendHtml(reply, statsPage(ctx, await services.usage.report(USAGE_LIMITS.defaultMonths, USAGE_LIMITS.defaultTop)));
  });
  app.get<{ Querystring: { from?: string; to?: string } }>('/stats.csv', { config: { policy: 'public' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const from = dayParam(q.from, 'from');
    const to = dayParam(q.to, 'to');
    const csv = usageCsv(await services.usage.daily(from, to));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="stdhub-usage.csv"')
      .send(csv);
  });
}
