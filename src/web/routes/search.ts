import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { parseSearchState, toSearchQuery } from '../search-params.js';
import { searchPage } from '../views/search.js';

/** GET /search — any query string gives a page (parseSearchState clamps and drops bad values). */
export function searchRoutes(app: FastifyInstance, services: Services): void {
  app.get('/search', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const state = parseSearchState(req.query as Record<string, unknown>);
    const result = await services.search.search(toSearchQuery(state));
    return sendHtml(reply, searchPage(ctx, state, result));
  });
}
