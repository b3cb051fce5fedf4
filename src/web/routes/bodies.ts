import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';
import { vocabEntry } from '../../catalogue/vocabularies.js';
import { AppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { bodiesPage } from '../views/bodies.js';
import { bodyPage } from '../views/body.js';

/** GET /bodies, /bodies/:code — publishing bodies with counts by status and newest standards. */
export function bodiesRoutes(app: FastifyInstance, services: Services): void {
  app.get('/bodies', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    return sendHtml(reply, bodiesPage(ctx, await services.catalogue.stats()));
  });
  app.get<{ Params: { code: string } }>('/bodies/:code', { config: { policy: 'public' } }, async (req, reply) => {
    const code = req.params.code;
    const stats = await services.catalogue.stats();
    const byStatus = stats.byBodyStatus.filter((b) => b.body === code).sort((a, b) => b.count - a.count);
    // A known body without standards still has a page; anything else is a 404.
    if (!byStatus.length && !vocabEntry('body', code)) throw new AppError('not_found');
    const ctx = pageContext(req, reply, services);
    const newest = byStatus.length
      ? (await services.search.search({ q: '', filters: { body: [code] }, sort: 'newest', page: 1, pageSize: 10 })).items
      : [];
    return sendHtml(reply, bodyPage(ctx, { code, byStatus: byStatus.map(({ status, count }) => ({ status, count })), newest }));
  });
}
