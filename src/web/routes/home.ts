import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { homePage } from '../views/home.js';

/** GET / */
export function homeRoutes(app: FastifyInstance, services: Services): void {
  app.get('/', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    return sendHtml(reply, homePage(ctx, await services.catalogue.stats()));
  });
}
