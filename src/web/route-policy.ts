/**
 * Enforces the policy every route declares (src/accounts/policy.ts) before its handler, for pages and the API
 * alike, and keeps the route table the permission-matrix test is generated from. A route registered without a
 * `config.policy` is refused to everyone (fail closed) and makes the matrix test fail.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { checkRoutePolicy, type RoutePolicy } from '../accounts/policy.js';
import { ANONYMOUS, type Principal } from '../accounts/principal.js';
import { AppError } from '../kernel/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking (anonymous by default); set by the onRequest hook below. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Required on every route: who may call it (see RoutePolicy). */
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    /** Every registered route with its declared policy (for the permission matrix test). */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  policy: RoutePolicy | undefined;
}

/** Installs principal resolution and route-policy enforcement; call before any route is registered. */
export function installRoutePolicy(app: FastifyInstance, services: Services): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const policy = (route.config as { policy?: RoutePolicy } | undefined)?.policy;
    for (const method of methods) table.push({ method: String(method), url: route.url, policy });
  });
  app.addHook('onRequest', async (req) => {
    req.principal = ANONYMOUS;
    req.principal = await services.auth.authenticate({
      cookie: req.headers.cookie,
      authorization: req.headers.authorization,
      ip: req.ip,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
    });
  });
  app.addHook('preHandler', async (req) => {
    if (req.is404) return; // the not-found handler answers 404 on its own
    const policy = req.routeOptions.config?.policy;
    if (policy === undefined) {
      req.log.error({ url: req.routeOptions.url }, 'route has no policy: refused');
      throw new AppError('forbidden', 'This route declares no access policy');
    }
    const refusal = checkRoutePolicy(req.principal, policy);
    if (refusal) throw new AppError(refusal);
  });
}
