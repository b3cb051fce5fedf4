import type { FastifyInstance } from 'fastify';
import { usageKindOfRoute } from './model.js';
import type { UsageService } from './service.js';

/**
 * Counts usage from the server's responses: an onResponse hook (it runs after the response has been sent, so the
 * page is never slower for it) maps the route pattern to a kind (model.ts USAGE_ROUTE_RULES) and records successful
 * GETs of a standard (2xx except 206: range requests of one download are not several downloads). Redirects (a typed
 * number sent to its canonical URL) are not counted; the canonical page is. An onClose hook flushes the buffer.
 */
export function installUsageHooks(app: FastifyInstance, usage: UsageService): void {
  app.addHook('onResponse', (req, reply, done) => {
    if (req.method === 'GET') {
      const status = reply.statusCode;
      if (status >= 200 && status < 300 && status !== 206) {
        const kind = usageKindOfRoute(req.routeOptions.url);
        const id = kind ? (req.params as Record<string, unknown> | undefined)?.id : undefined;
        if (kind && typeof id === 'string') {
          try {
            usage.record({ stdId: id, kind, ip: req.ip, userAgent: req.headers['user-agent'] });
          } catch (err) {
            req.log.warn({ err }, 'usage recording failed');
          }
        }
      }
    }
    done();
  });
  app.addHook('onClose', (_app, done) => {
    usage.flush();
    done();
  });
}
