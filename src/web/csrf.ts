/**
 * CSRF protection (OWASP "synchronizer token" for sessions, "double-submit cookie" before sign-in).
 * - Signed in: every state-changing request (POST/PUT/PATCH/DELETE) made with the session cookie must carry the
 *   session's token in the `_csrf` form field or the `x-csrf-token` header (checked in account-hooks.ts). For
 *   multipart uploads, whose fields are not parsed before the handler, `?_csrf=` in the form's action is accepted.
 * - Signed out: the sign-in, registration and password forms carry a pre-session token that must equal the
 *   `csrf_pre` cookie, so another site cannot sign a victim into the attacker's account (login CSRF).
 * Bearer-token API calls need no token: a browser never adds an Authorization header on its own.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieFrom } from '../accounts/service.js';
import { randomSecret, secretsEqual } from '../accounts/secrets.js';
import { AppError } from '../kernel/errors.js';
import { html, type SafeHtml } from './html.js';
import { setCookie } from './account-hooks.js';

/** Name of the form field carrying the token. */
export const CSRF_FIELD = '_csrf';
/** Header alternative for API clients using the session cookie. */
export const CSRF_HEADER = 'x-csrf-token';
/** Cookie of the pre-session (signed-out) double-submit token. */
export const PRE_COOKIE = 'csrf_pre';

const preTokens = new WeakMap<FastifyRequest, string>();

/** The token a form on this page must carry: the session's, or the pre-session one issued by ensurePreSession. */
export function csrfToken(req: FastifyRequest): string {
  return req.principal?.csrfToken ?? preTokens.get(req) ?? '';
}

/** The hidden `_csrf` input for a state-changing form. */
export function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(req)}">`;
}

/** Issues (or reuses) the pre-session token of a signed-out form page and sets its cookie. */
export function ensurePreSession(req: FastifyRequest, reply: FastifyReply): string {
  const existing = cookieFrom(req.headers.cookie, PRE_COOKIE);
  const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomSecret(32);
  if (token !== existing) setCookie(reply, req.server, PRE_COOKIE, token, { maxAgeSeconds: 2 * 60 * 60 });
  preTokens.set(req, token);
  return token;
}

/** The token a request submitted (form field, header, or for multipart the query string). */
export function submittedToken(req: FastifyRequest): string {
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  if (typeof field === 'string') return field;
  const header = req.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  if (String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    const q = (req.query as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (typeof q === 'string') return q;
  }
  return '';
}

/** Refuses (csrf_failed) a signed-out form post whose token does not match its csrf_pre cookie. */
export function checkPreSession(req: FastifyRequest): void {
  const cookie = cookieFrom(req.headers.cookie, PRE_COOKIE) ?? '';
  if (!secretsEqual(cookie, submittedToken(req))) throw new AppError('csrf_failed');
}

/** Refuses (csrf_failed) a state-changing request of a session whose token is missing or wrong. */
export function checkSessionCsrf(req: FastifyRequest): void {
  const expected = req.principal?.csrfToken;
  if (!expected || !secretsEqual(expected, submittedToken(req))) throw new AppError('csrf_failed');
}
