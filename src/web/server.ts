import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiPlugin } from '../api/plugin.js';
import type { Services } from '../app/container.js';
import { AppError, ERROR_CATALOGUE, httpStatusOf, isAppError, type ErrorCode } from '../kernel/errors.js';
import { pageContext } from './context.js';
import { sendHtml } from './respond.js';
import { assetRoutes } from './routes/assets.js';
import { bodiesRoutes } from './routes/bodies.js';
import { classificationRoutes } from './routes/classification.js';
import { homeRoutes } from './routes/home.js';
import { readerRoutes } from './routes/reader.js';
import { searchRoutes } from './routes/search.js';
import { clauseSearchRoutes } from './routes/clause-search.js';
import { standardRoutes } from './routes/standard.js';
import { statsRoutes } from './routes/stats.js';
import { installUsageHooks } from '../usage/hook.js';
import { errorPage } from './views/error.js';
import { installRoutePolicy } from './route-policy.js';
import { installAccountHooks } from './account-hooks.js';
import { installAbuseLimits } from './abuse-limits.js';
import { accountRoutes } from './routes/account.js';
import { editorRoutes } from './routes/editor.js';
import { auditRoutes } from './routes/audit.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { bulletinRoutes } from './routes/bulletins.js';
import { alertRoutes } from './routes/alerts.js';

/** Largest request body accepted (forms and API JSON); larger ones get 413 payload_too_large. */
export const BODY_LIMIT = 1024 * 1024;

/**
 * Security headers on every response. The site works without JavaScript, so the policy allows no scripts at all
 * (default-src 'none') and no inline styles; frame-ancestors 'none' forbids framing (clickjacking).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * Maps any error to a catalogue code and status: AppError by its code; Fastify's own client errors (bad JSON,
 * body too large, bad URL, schema validation) by their 4xx status; everything else is internal_error (500).
 */
function classify(err: unknown): { status: number; code: ErrorCode; message: string; details?: Record<string, unknown> } {
  if (isAppError(err)) return { status: httpStatusOf(err.code), code: err.code, message: err.message, details: err.details };
  const fe = err as Partial<FastifyError>;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : 'invalid_input';
    return { status, code, message: typeof fe.message === 'string' ? fe.message.slice(0, 500) : ERROR_CATALOGUE[code].en };
  }
  return { status: 500, code: 'internal_error', message: ERROR_CATALOGUE.internal_error.en };
}

/** Builds the web application (pages, assets, the API under /api); the caller listens or injects. */
export async function buildServer(services: Services, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: services.config.LOG_LEVEL } : false,
    bodyLimit: BODY_LIMIT,
    // Routing errors raised before a route runs (malformed percent-encoding) go through the same handler.
    frameworkErrors: (error, req, reply) => handleError(error, req, reply),
  });

  function handleError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
    const c = classify(err);
    if (c.status >= 500) req.log.error({ err }, 'request failed');
    reply.status(c.status);
    if (isApiPath(req.url)) return reply.send({ error: c.code, message: c.message, ...(c.details ? { details: c.details } : {}) });
    try {
      return sendHtml(reply, errorPage(pageContext(req, reply, services), c.status, c.code), c.status);
    } catch (renderErr) {
      req.log.error({ err: renderErr }, 'error page failed');
      return reply.type('text/plain; charset=utf-8').send(`${c.status} ${ERROR_CATALOGUE[c.code].en}`);
    }
  }

  app.setErrorHandler((err, req, reply) => handleError(err, req, reply));
  app.setNotFoundHandler((req, reply) => handleError(new AppError('not_found', 'No route matches this URL'), req, reply));
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  installRoutePolicy(app, services);
  installAccountHooks(app, services);
  installAbuseLimits(app, services);
  installUsageHooks(app, services.usage);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  assetRoutes(app);
  homeRoutes(app, services);
  searchRoutes(app, services);
  clauseSearchRoutes(app, services);
  readerRoutes(app, services);
  standardRoutes(app, services);
  classificationRoutes(app, services);
  bodiesRoutes(app, services);
  statsRoutes(app, services);
  accountRoutes(app, services);
  editorRoutes(app, services);
  auditRoutes(app, services);
  lifecycleRoutes(app, services);
  bulletinRoutes(app, services);
  alertRoutes(app, services);
  await app.register(apiPlugin, { prefix: '/api', services });
  return app;
}
