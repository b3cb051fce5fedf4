import type { FastifyInstance } from 'fastify';
import { clauseAccessOf } from '../../reader/disclosure.js';
import type { Services } from '../../app/container.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { parseSearchState, toSearchQuery } from '../search-params.js';
import { clauseSearchPage } from '../views/clause-search.js';

/** Standards per page of the full-text search (each shows up to three clauses). */
const PAGE_SIZE = 10;

/**
 * GET /search/text — clause full-text search. The query string is read as leniently as the catalogue search page
 * (parseSearchState clamps and drops bad values), so any URL gives a page, never a server error.
 */
export function clauseSearchRoutes(app: FastifyInstance, services: Services): void {
  app.get('/search/text', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const raw = req.query as Record<string, unknown>;
    const state = { ...parseSearchState(raw), ...(raw.pageSize === undefined ? { pageSize: PAGE_SIZE } : {}) };
    state.pageSize = Math.min(state.pageSize, 50);
    const q = toSearchQuery(state);
    const result = await services.clauses.search({ q: q.q, filters: q.filters, page: q.page, pageSize: q.pageSize, access: clauseAccessOf(req.principal) });
    return sendHtml(reply, clauseSearchPage(ctx, state, result));
  });
}
