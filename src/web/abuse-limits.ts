import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app/container.js';
import { ERROR_CATALOGUE } from '../kernel/errors.js';
import { bucketOfRoute, clientKey, type BucketLimits, type BucketName } from '../ratelimit/buckets.js';
import { pageContext } from './context.js';
import { sendHtml } from './respond.js';
import { rateLimitedPage } from './views/audit-rate-limited.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The configured limits per bucket. */
export function bucketLimits(config: Services['config']): BucketLimits {
  return {
    search: { limit: config.RATE_LIMIT_SEARCH_PER_MIN, windowMs: MINUTE },
    reader: { limit: config.RATE_LIMIT_READER_PER_MIN, windowMs: MINUTE },
    downloads: { limit: config.RATE_LIMIT_DOWNLOADS_PER_HOUR, windowMs: HOUR },
  };
}

function isApi(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * Per-client rate limits on search, the reader and downloads: generous for a person reading (defaults 120
 * searches and 300 pages a minute, 60 downloads an hour), but they stop bulk scraping of the catalogue and texts.
 * Counting uses Services.rateLimits (in memory, or Redis shared by several instances) and the clock port.
 *
 * Every limited response carries the IETF draft RateLimit-Policy / RateLimit fields
 * (draft-ietf-httpapi-ratelimit-headers: `"<policy>";q=<quota>;w=<window s>` and `"<policy>";r=<remaining>;t=<reset s>`).
 * A refusal is 429 rate_limited with Retry-After (RFC 9110 §10.2.3, seconds): the JSON error on /api, a page in the
 * visitor's language elsewhere. If the counter store fails (Redis down) the request is let through and logged:
 * an outage of the limiter must not take the site down with it.
 */
export function installAbuseLimits(app: FastifyInstance, services: Services): void {
  const cfg = services.config;
  if (cfg.RATE_LIMIT_ENABLED !== 'true') return;
  const limits = bucketLimits(cfg);
  const exempt = new Set(cfg.RATE_LIMIT_EXEMPT_IPS === 'none' ? [] : cfg.RATE_LIMIT_EXEMPT_IPS.split(',').map((s) => s.trim()).filter(Boolean));

  // onRequest, after the principal is resolved (installRoutePolicy's hook runs first) and before the body is read.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const bucket: BucketName | null = bucketOfRoute(req.routeOptions.url);
    if (!bucket) return;
    const xff = req.headers['x-forwarded-for'];
    const { key, ip } = clientKey(req.principal?.userId ?? null, req.socket.remoteAddress ?? req.ip, Array.isArray(xff) ? xff.join(',') : xff, cfg.RATE_LIMIT_TRUST_PROXY);
    if (exempt.has(ip)) return;
    const { limit, windowMs } = limits[bucket];
    let decision;
    try {
      decision = await services.rateLimits.hit(`${bucket}:${key}`, limit, windowMs, services.clock.now().getTime());
    } catch (err) {
      req.log.warn({ err }, 'rate-limit store failed; request let through');
      return;
    }
    const resetSec = Math.max(1, Math.ceil(decision.resetMs / 1000));
    reply.header('ratelimit-policy', `"${bucket}";q=${limit};w=${windowMs / 1000}`);
    reply.header('ratelimit', `"${bucket}";r=${decision.remaining};t=${resetSec}`);
    if (decision.allowed) return;
    reply.header('retry-after', String(resetSec));
    reply.header('cache-control', 'no-store');
    reply.status(429);
    if (isApi(req.url)) {
      return reply.send({
        error: 'rate_limited',
        message: `${ERROR_CATALOGUE.rate_limited.en}: at most ${limit} ${bucket} requests per ${windowMs === HOUR ? 'hour' : 'minute'}; retry in ${resetSec} s`,
        details: { bucket, limit, windowSeconds: windowMs / 1000, retryAfter: resetSec },
      });
    }
    return sendHtml(reply, rateLimitedPage(pageContext(req, reply, services), bucket, resetSec), 429);
  });
}
