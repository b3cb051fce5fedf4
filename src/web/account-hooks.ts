import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../app/container.js';
import { checkSessionCsrf } from './csrf.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Cookie attributes: httpOnly, SameSite=Lax, Path=/, Secure under https (PUBLIC_URL) or COOKIE_SECURE=true. */
function cookieAttributes(config: Services['config']): string {
  const secure = config.COOKIE_SECURE === 'true' || (config.PUBLIC_URL ?? '').toLowerCase().startsWith('https:');
  return `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Attributes of the cookies the accounts set (from config), for setCookie. */
    cookieAttributes: string;
  }
}

/** Adds a Set-Cookie (appended: Fastify keeps several) with the site's attributes; maxAge 0 deletes it. */
export function setCookie(reply: FastifyReply, app: FastifyInstance, name: string, value: string, opts: { maxAgeSeconds?: number } = {}): void {
  const attrs = app.cookieAttributes ?? 'Path=/; HttpOnly; SameSite=Lax';
  const age = opts.maxAgeSeconds !== undefined ? `; Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}` : '';
  reply.header('set-cookie', `${name}=${value}; ${attrs}${age}`);
}

/**
 * Session cookie handling and CSRF protection of state-changing requests (accounts domain). Runs after the
 * route-policy hooks (so `req.principal` is known): a request authenticated by the session cookie that changes
 * state must carry the session's CSRF token (src/web/csrf.ts), else 403 csrf_failed.
 */
export function installAccountHooks(app: FastifyInstance, services: Services): void {
  app.decorate('cookieAttributes', cookieAttributes(services.config));
  app.addHook('preHandler', async (req) => {
    if (req.is404 || !UNSAFE.has(req.method)) return;
    if (req.principal?.kind === 'user') checkSessionCsrf(req);
  });
}
