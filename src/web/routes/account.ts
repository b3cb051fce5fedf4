import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { SESSION_COOKIE, cookieFrom } from '../../accounts/service.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import { setCookie } from '../account-hooks.js';
import { pageContext, type PageCtx } from '../context.js';
import { checkPreSession, csrfField, ensurePreSession } from '../csrf.js';
import type { MessageKey } from '../i18n/index.js';
import { sendHtml } from '../respond.js';
import { formErrorText } from '../views/account-common.js';
import { accountPage, forgotPage, loginPage, messagePage, registerPage, resetPage } from '../views/account.js';
import { tokensPage } from '../views/account-tokens.js';
import { accountAdminRoutes } from './account-admin.js';

/** A bounded string field of a form body ('' when absent). */
export function field(req: FastifyRequest, name: string, max = 1000): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string') return '';
  if (s.length > max) throw new AppError('invalid_input', `${name} is too long`, { field: name, reason: 'length', max });
  return s;
}

/** All values of a repeated form field (checkbox groups). */
export function fields(req: FastifyRequest, name: string, maxEach = 100): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.filter((s): s is string => typeof s === 'string' && s.length <= maxEach).slice(0, 200);
}

/** A query parameter as a bounded string. */
export function queryParam(req: FastifyRequest, name: string, max = 500): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

/**
 * `?next=` only as a same-site relative path: '/x' but not '//host', '/\host' or anything with a scheme or
 * control characters (an open redirect would make phishing links look like ours).
 */
export function safeNext(v: string): string | null {
  if (!v || v.length > 500 || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(v)) return null;
  return v;
}

/** Notices shown after a redirect (`?done=`): only these keys, so the URL cannot inject text. */
const DONE: Record<string, MessageKey> = {
  signedOut: 'accounts.login.signedOut',
  registered: 'accounts.register.done',
  resetSent: 'accounts.forgot.done',
  reset: 'accounts.reset.done',
  resent: 'accounts.verify.resent',
  saved: 'accounts.profile.saved',
  passwordChanged: 'accounts.profile.passwordChanged',
  revoked: 'accounts.tokens.revokedNotice',
};

/** The notice named by `?done=`, if any. */
export function doneNotice(ctx: PageCtx, req: FastifyRequest): string | undefined {
  const key = DONE[queryParam(req, 'done', 40)];
  return key ? ctx.t(key) : undefined;
}

/** Base URL for links in mails: PUBLIC_URL (never the request's Host header, which a client controls). */
function linkBase(services: Services): string {
  return (services.config.PUBLIC_URL ?? `http://localhost:${services.config.PORT}`).replace(/\/+$/, '');
}

/** 303 See Other: the answer to every successful form post. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** Signed-out forms carry the pre-session token; a signed-in browser's token was checked by the global hook. */
function checkAnonymousForm(req: FastifyRequest): void {
  if (req.principal.kind !== 'user') checkPreSession(req);
}

/**
 * Routes of the accounts: sign-in/out, registration, e-mail verification, password reset, profile, API tokens,
 * people/organisation/committee admin (account-admin.ts), dev mail outbox.
 */
export function accountRoutes(app: FastifyInstance, services: Services): void {
  const accounts = services.accounts;
  const base = linkBase(services);
  const verifyLink = (token: string) => `${base}/verify-email?token=${encodeURIComponent(token)}`;
  const resetLink = (token: string) => `${base}/password/reset?token=${encodeURIComponent(token)}`;

  const showLogin = (req: FastifyRequest, reply: FastifyReply, status: number, state: { error?: string; email?: string; notice?: string }) => {
    const ctx = pageContext(req, reply, services);
    ensurePreSession(req, reply);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, loginPage(ctx, csrfField(req), safeNext(queryParam(req, 'next')) ?? safeNext(field(req, 'next', 500)), { notice: state.notice ?? doneNotice(ctx, req), ...state }), status);
  };

  app.get('/login', { config: { policy: 'public' } }, async (req, reply) => showLogin(req, reply, 200, {}));

  app.post('/login', { config: { policy: 'public' } }, async (req, reply) => {
    checkAnonymousForm(req);
    const email = field(req, 'email', 300);
    const ctx = pageContext(req, reply, services);
    try {
      const s = await accounts.login({
        email,
        password: field(req, 'password', 1000),
        ip: req.ip,
        userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
        oldSid: cookieFrom(req.headers.cookie, SESSION_COOKIE),
      });
      setCookie(reply, app, SESSION_COOKIE, s.sid, { maxAgeSeconds: services.config.SESSION_MAX_DAYS * 86400 });
      return seeOther(reply, safeNext(field(req, 'next', 500)) ?? '/account');
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === 'rate_limited') {
        const retryAt = String(err.details?.retryAt ?? '');
        const minutes = Math.max(1, Math.ceil(Number(err.details?.retryAfterSeconds ?? 60) / 60));
        reply.header('retry-after', String(err.details?.retryAfterSeconds ?? 60));
        return showLogin(req, reply, 429, { email, error: ctx.t('accounts.login.throttled', { time: `${retryAt.slice(0, 10)} ${retryAt.slice(11, 19)}`, minutes }) });
      }
      if (err.code === 'email_not_verified') return showLogin(req, reply, 403, { email, error: ctx.t('accounts.login.unverified') });
      if (err.code === 'invalid_credentials') return showLogin(req, reply, 401, { email, error: ctx.t('accounts.login.failed') });
      throw err;
    }
  });

  app.post('/logout', { config: { policy: 'public' } }, async (req, reply) => {
    await accounts.logout(req.principal);
    setCookie(reply, app, SESSION_COOKIE, '', { maxAgeSeconds: 0 });
    return seeOther(reply, '/login?done=signedOut');
  });

  app.get('/register', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    ensurePreSession(req, reply);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, registerPage(ctx, csrfField(req)));
  });

  app.post('/register', { config: { policy: 'public' } }, async (req, reply) => {
    checkAnonymousForm(req);
    const input = { email: field(req, 'email', 300), name: field(req, 'name', 300), password: field(req, 'password', 1000) };
    try {
      await accounts.register(input, verifyLink);
      return seeOther(reply, '/login?done=registered');
    } catch (err) {
      const ctx = pageContext(req, reply, services);
      ensurePreSession(req, reply);
      const status = isAppError(err) ? (err.code === 'conflict' ? 409 : 400) : 500;
      if (!isAppError(err)) throw err;
      return sendHtml(reply, registerPage(ctx, csrfField(req), { error: formErrorText(ctx, err), email: input.email, name: input.name }), status);
    }
  });

  app.get('/verify-email', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    try {
      await accounts.verifyEmail(queryParam(req, 'token', 100));
      return sendHtml(reply, messagePage(ctx, 'accounts.verify.title', ctx.t('accounts.verify.ok')));
    } catch (err) {
      if (!isAppError(err) || err.code !== 'invalid_token') throw err;
      return sendHtml(reply, messagePage(ctx, 'accounts.verify.title', ctx.t('accounts.verify.failed'), false), 400);
    }
  });

  app.post('/verify-email/resend', { config: { policy: 'public' } }, async (req, reply) => {
    checkAnonymousForm(req);
    const person = await accounts.store.findPersonByEmail(field(req, 'email', 300));
    if (person && !person.emailVerifiedAt && person.status === 'active') await accounts.sendVerification(person, verifyLink);
    return seeOther(reply, '/login?done=resent');
  });

  app.get('/password/forgot', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    ensurePreSession(req, reply);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, forgotPage(ctx, csrfField(req), { notice: doneNotice(ctx, req) }));
  });

  app.post('/password/forgot', { config: { policy: 'public' } }, async (req, reply) => {
    checkAnonymousForm(req);
    const email = field(req, 'email', 300);
    try {
      await accounts.requestReset(email, resetLink);
    } catch (err) {
      if (!isAppError(err)) throw err;
      const ctx = pageContext(req, reply, services);
      ensurePreSession(req, reply);
      return sendHtml(reply, forgotPage(ctx, csrfField(req), { error: formErrorText(ctx, err), email }), 400);
    }
    return seeOther(reply, '/password/forgot?done=resetSent');
  });

  app.get('/password/reset', { config: { policy: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    ensurePreSession(req, reply);
    // The token is in the URL: keep it out of the Referer of any link followed from this page.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    return sendHtml(reply, resetPage(ctx, csrfField(req), queryParam(req, 'token', 100)));
  });

  app.post('/password/reset', { config: { policy: 'public' } }, async (req, reply) => {
    checkAnonymousForm(req);
    const token = field(req, 'token', 100);
    try {
      await accounts.resetPassword(token, field(req, 'password', 1000));
    } catch (err) {
      if (!isAppError(err)) throw err;
      const ctx = pageContext(req, reply, services);
      if (err.code === 'invalid_token') return sendHtml(reply, messagePage(ctx, 'accounts.reset.title', ctx.t('accounts.verify.failed'), false), 400);
      ensurePreSession(req, reply);
      return sendHtml(reply, resetPage(ctx, csrfField(req), token, { error: formErrorText(ctx, err) }), 400);
    }
    // All sessions of the person ended, including this browser's if it was signed in as them.
    return seeOther(reply, '/login?done=reset');
  });

  const showAccount = async (req: FastifyRequest, reply: FastifyReply, status: number, state: { error?: string; pwError?: string; name?: string } = {}) => {
    const ctx = pageContext(req, reply, services);
    const person = await accounts.store.getPerson(req.principal.userId!);
    if (!person) throw new AppError('unauthenticated');
    const ms = await accounts.store.membershipsOf(person.id);
    return sendHtml(reply, accountPage(ctx, csrfField(req), person, ms, { notice: doneNotice(ctx, req), ...state }), status);
  };

  app.get('/account', { config: { policy: { action: 'account.self' } } }, async (req, reply) => showAccount(req, reply, 200));

  app.post('/account', { config: { policy: { action: 'account.self' } } }, async (req, reply) => {
    const name = field(req, 'name', 300);
    try {
      await accounts.updateProfile(req.principal, { name });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return showAccount(req, reply, 400, { error: formErrorText(pageContext(req, reply, services), err), name });
    }
    return seeOther(reply, '/account?done=saved');
  });

  app.post('/account/password', { config: { policy: { action: 'account.self' } } }, async (req, reply) => {
    try {
      await accounts.changePassword(req.principal, field(req, 'current_password', 1000), field(req, 'new_password', 1000));
    } catch (err) {
      if (!isAppError(err)) throw err;
      return showAccount(req, reply, 400, { pwError: formErrorText(pageContext(req, reply, services), err) });
    }
    return seeOther(reply, '/account?done=passwordChanged');
  });

  const showTokens = async (req: FastifyRequest, reply: FastifyReply, status: number, state: { error?: string; created?: string } = {}) => {
    const ctx = pageContext(req, reply, services);
    const tokens = await accounts.store.listTokens(req.principal.userId!);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, tokensPage(ctx, csrfField(req), tokens, { notice: doneNotice(ctx, req), ...state }), status);
  };

  app.get('/account/tokens', { config: { policy: { action: 'token.manage' } } }, async (req, reply) => showTokens(req, reply, 200));

  app.post('/account/tokens', { config: { policy: { action: 'token.manage' } } }, async (req, reply) => {
    try {
      const { token } = await accounts.createToken(req.principal, { name: field(req, 'name', 300), scopes: fields(req, 'scopes'), expiresInDays: field(req, 'days', 10) });
      // The plain token is shown in this response only (not after a redirect: it is stored nowhere).
      return showTokens(req, reply, 201, { created: token });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return showTokens(req, reply, err.code === 'forbidden' ? 403 : 400, { error: formErrorText(pageContext(req, reply, services), err) });
    }
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', { config: { policy: { action: 'token.manage' } } }, async (req, reply) => {
    await accounts.revokeToken(req.principal, req.params.id.slice(0, 100));
    return seeOther(reply, '/account/tokens?done=revoked');
  });

  accountAdminRoutes(app, services);
}
