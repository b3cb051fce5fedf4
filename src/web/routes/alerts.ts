import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { atomFeed } from '../../alerts/atom.js';
import { isMailMode } from '../../alerts/model.js';
import { AlertService } from '../../alerts/service.js';
import type { Services } from '../../app/container.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { csrfField } from '../csrf.js';
import { sendHtml } from '../respond.js';
import { alertSettingsPage, notificationsPage, unsubscribePage, watchListPage, webhookPage, webhooksPage } from '../views/alerts.js';

const MANAGE = { policy: { action: 'watch.manage' as const } };
const PUBLIC = { policy: 'public' as const };

const watchForm = z.object({
  kind: z.string().max(20),
  target: z.string().max(500),
  label: z.string().max(200).optional(),
  next: z.string().max(500).optional(),
});

/** A redirect target from a form: a local path only (never another site). */
function localNext(next: string | undefined, fallback: string): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : fallback;
}

function body<T>(schema: z.ZodType<T>, req: FastifyRequest): T {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) throw new AppError('invalid_input', 'Invalid form fields');
  return r.data;
}

/** POST → 303 back to a page, with ?done= on success or ?error=<code> for an expected refusal. */
async function formAction(reply: FastifyReply, back: string, done: string, fn: () => Promise<unknown>): Promise<FastifyReply> {
  const sep = back.includes('?') ? '&' : '?';
  try {
    await fn();
    return reply.redirect(`${back}${sep}done=${done}`, 303);
  } catch (e) {
    if (isAppError(e) && e.code !== 'internal_error' && e.code !== 'unauthenticated' && e.code !== 'forbidden' && e.code !== 'csrf_failed')
      return reply.redirect(`${back}${sep}error=${e.code}`, 303);
    throw e;
  }
}

/** Routes of the watch lists, notifications, personal feed, webhooks. */
export function alertRoutes(app: FastifyInstance, services: Services): void {
  const alerts = services.alerts;

  app.get('/watch', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, watchListPage(ctx, csrfField(req), await alerts.watches(req.principal)));
  });

  app.post('/watch', { config: MANAGE }, async (req, reply) => {
    const f = body(watchForm, req);
    const back = localNext(f.next, '/watch');
    return formAction(reply, back, 'followed', () => alerts.follow(req.principal, { kind: f.kind, target: f.target, label: f.label }));
  });

  app.post<{ Params: { id: string } }>('/watch/:id/delete', { config: MANAGE }, async (req, reply) => {
    const f = body(z.object({ next: z.string().max(500).optional() }).passthrough(), req);
    return formAction(reply, localNext(f.next, '/watch'), 'unfollowed', () => alerts.unfollow(req.principal, req.params.id.slice(0, 100)));
  });

  app.get('/notifications', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const before = ctx.query.get('before') ?? undefined;
    const items = await alerts.notifications(req.principal, { before, limit: 50 });
    const unread = await alerts.unreadCount(req.principal);
    const older = items.length === 50 ? `/notifications?before=${encodeURIComponent(AlertService.pageCursor(items[items.length - 1]))}` : null;
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, notificationsPage(ctx, csrfField(req), items, unread, older));
  });

  app.post('/notifications/read', { config: MANAGE }, async (req, reply) =>
    formAction(reply, '/notifications', 'read', () => alerts.markRead(req.principal, 'all')),
  );

  app.post<{ Params: { id: string } }>('/notifications/:id/read', { config: MANAGE }, async (req, reply) =>
    formAction(reply, '/notifications', 'read', () => alerts.markRead(req.principal, req.params.id.slice(0, 100))),
  );

  app.get('/account/alerts', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const pref = await alerts.mailPref(req.principal);
    reply.header('cache-control', 'private, no-store');
    // Absolute, for pasting into a feed reader: PUBLIC_URL when configured, else the address this request used.
    const base = (services.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
    return sendHtml(reply, alertSettingsPage(ctx, csrfField(req), pref.mode, base + (await alerts.feedPath(req.principal))));
  });

  app.post('/account/alerts/mail', { config: MANAGE }, async (req, reply) => {
    const f = body(z.object({ mode: z.string().max(20) }).passthrough(), req);
    const ctx = pageContext(req, reply, services);
    return formAction(reply, '/account/alerts', 'saved', async () => {
      if (!isMailMode(f.mode)) throw new AppError('invalid_input', 'Unknown mail mode');
      await alerts.setMailMode(req.principal, f.mode, ctx.lang);
    });
  });

  app.post('/account/alerts/feed/rotate', { config: MANAGE }, async (req, reply) =>
    formAction(reply, '/account/alerts', 'rotated', () => alerts.rotateFeed(req.principal)),
  );

  app.get('/account/webhooks', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, webhooksPage(ctx, csrfField(req), await alerts.webhooks(req.principal)));
  });

  app.post('/account/webhooks', { config: MANAGE }, async (req, reply) => {
    const f = body(z.object({ url: z.string().max(2000) }).passthrough(), req);
    try {
      const hook = await alerts.createWebhook(req.principal, f.url);
      // Straight to the new webhook: its secret is needed to verify signatures.
      return reply.redirect(`/account/webhooks/${hook.id}?done=created`, 303);
    } catch (e) {
      if (isAppError(e) && e.code === 'invalid_input') return reply.redirect('/account/webhooks?error=webhook_url', 303);
      throw e;
    }
  });

  app.get<{ Params: { id: string } }>('/account/webhooks/:id', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const hook = await alerts.webhook(req.principal, req.params.id.slice(0, 100));
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, webhookPage(ctx, csrfField(req), hook, await alerts.deliveries(req.principal, hook.id)));
  });

  app.post<{ Params: { id: string } }>('/account/webhooks/:id/delete', { config: MANAGE }, async (req, reply) =>
    formAction(reply, '/account/webhooks', 'deleted', () => alerts.deleteWebhook(req.principal, req.params.id.slice(0, 100))),
  );

  app.post<{ Params: { id: string } }>('/account/webhooks/:id/ping', { config: MANAGE }, async (req, reply) => {
    const id = req.params.id.slice(0, 100);
    return formAction(reply, `/account/webhooks/${encodeURIComponent(id)}`, 'queued', () => alerts.pingWebhook(req.principal, id));
  });

  // The private feed: the token in the URL is the credential (feed readers send no cookie).
  app.get<{ Params: { file: string } }>('/feeds/notifications/:file', { config: PUBLIC }, async (req, reply) => {
    const m = /^([A-Za-z0-9_-]{1,100})\.atom$/.exec(req.params.file);
    const personId = m ? await alerts.feedOwner(m[1]) : null;
    if (!personId) throw new AppError('not_found', 'Unknown or rotated feed token');
    const ctx = pageContext(req, reply, services);
    const base = (services.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
    const xml = atomFeed({ lang: ctx.lang, baseUrl: base, selfUrl: `${base}/feeds/notifications/${req.params.file}`, personId, items: await alerts.feedItems(personId), updated: ctx.now.toISOString() });
    reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex');
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });

  // One-click unsubscribe (RFC 8058): the GET page asks for confirmation (link scanners must not unsubscribe
  // anyone); a POST to the same URL — from the page's button or from the mail client with
  // "List-Unsubscribe=One-Click" — turns alert mail off. The token is the credential; no sign-in.
  app.get<{ Params: { token: string } }>('/unsubscribe/:token', { config: PUBLIC }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const token = req.params.token.slice(0, 100);
    const target = await alerts.unsubscribeTarget(token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (!target) return sendHtml(reply, unsubscribePage(ctx, csrfField(req), token, 'invalid'), 404);
    return sendHtml(reply, unsubscribePage(ctx, csrfField(req), token, target.mode === 'off' ? 'done' : 'confirm'));
  });

  // Mail clients may send the one-click POST as multipart/form-data (RFC 8058 §3.1); its body is not needed.
  void app.register(async (sub) => {
    if (!sub.hasContentTypeParser('multipart/form-data'))
      sub.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 16 * 1024 }, (_req, _body, done) => done(null, {}));
    sub.post<{ Params: { token: string } }>('/unsubscribe/:token', { config: PUBLIC }, async (req, reply) => {
      const ctx = pageContext(req, reply, services);
      const token = req.params.token.slice(0, 100);
      const ok = await alerts.unsubscribe(token);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return sendHtml(reply, unsubscribePage(ctx, csrfField(req), token, ok ? 'done' : 'invalid'), ok ? 200 : 404);
    });
  });
}
