import type { FastifyInstance } from 'fastify';
import { CSS_VERSION, FAVICON_HREF, FAVICON_SVG, SITE_CSS } from '../assets/site-css.js';

const CSS_ETAG = `"${CSS_VERSION}"`;

/** GET /assets/site.css (year-long cache when the URL carries the current hash), /assets/favicon.svg. */
export function assetRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { v?: string } }>('/assets/site.css', { config: { policy: 'public' } }, async (req, reply) => {
    const versioned = req.query.v === CSS_VERSION;
    reply
      .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
      .header('etag', CSS_ETAG);
    if (req.headers['if-none-match'] === CSS_ETAG) return reply.status(304).send();
    return reply.type('text/css; charset=utf-8').send(SITE_CSS);
  });
  app.get(FAVICON_HREF, { config: { policy: 'public' } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON_SVG),
  );
  app.get('/favicon.ico', { config: { policy: 'public' } }, async (_req, reply) => reply.redirect(FAVICON_HREF, 301));
}
