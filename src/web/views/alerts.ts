import { describe, describeWatch, summaryPath, summaryTitle } from '../../alerts/describe.js';
import { MAIL_MODES, WATCH_KINDS, type MailMode, type Notification, type Watch } from '../../alerts/model.js';
import type { DeliveryAttempt, Webhook } from '../../alerts/ports.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { layout } from './layout.js';

/** Time as shown on alert pages: UTC, to the second (retries are seconds apart), labelled. */
function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—';
}

function flash(ctx: PageCtx): SafeHtml | '' {
  const done = ctx.query.get('done');
  const err = ctx.query.get('error');
  const known = ['followed', 'unfollowed', 'read', 'saved', 'rotated', 'created', 'deleted', 'queued'];
  if (done && known.includes(done)) return html`<p class="notice" role="status">${ctx.t(`alerts.done.${done}` as MessageKey)}</p>`;
  if (err === 'webhook_url') return html`<p class="form-errors" role="alert">${ctx.t('alerts.error.webhookUrl')}</p>`;
  if (err && /^[a-z_]{1,40}$/.test(err)) return html`<p class="form-errors" role="alert">${ctx.t(`error.${err}` as MessageKey)}</p>`;
  return '';
}

function alertsNav(ctx: PageCtx, current: string): SafeHtml {
  const items: [string, MessageKey][] = [
    ['/notifications', 'alerts.nav.notifications'],
    ['/watch', 'alerts.nav.watch'],
    ['/account/alerts', 'alerts.nav.settings'],
    ['/account/webhooks', 'alerts.nav.webhooks'],
  ];
  return html`<nav class="tabs" aria-label="${ctx.t('alerts.nav.label')}">${items.map(
    ([href, key]) => html`<a href="${href}"${href === current ? html` aria-current="page"` : ''}>${ctx.t(key)}</a>`,
  )}</nav>`;
}

/** The Follow/Unfollow panel of a standard's page (signed-in people) or a sign-in link (everyone else). */
export function watchPanel(ctx: PageCtx, csrf: SafeHtml | null, stdId: string, watch: Watch | null, watchers: number): SafeHtml {
  const { t } = ctx;
  const here = `/std/${encodeURIComponent(stdId)}`;
  let body: SafeHtml;
  if (!csrf) body = html`<p><a href="/login?next=${encodeURIComponent(here)}">${t('alerts.panel.signIn')}</a></p>`;
  else if (watch)
    body = html`<form method="post" action="/watch/${watch.id}/delete" class="alerts-follow">${csrf}<input type="hidden" name="next" value="${here}">
<p>${t('alerts.panel.following')}${watch.followedFrom ? html` <small>${t('alerts.panel.followedFrom', { previous: watch.followedFrom })}</small>` : ''}</p>
<button type="submit" class="secondary">${t('alerts.panel.unfollow')}</button></form>`;
  else
    body = html`<form method="post" action="/watch" class="alerts-follow">${csrf}<input type="hidden" name="kind" value="standard"><input type="hidden" name="target" value="${stdId}"><input type="hidden" name="next" value="${here}">
<button type="submit">${t('alerts.panel.follow')}</button></form>`;
  return html`<section class="alerts-panel" aria-labelledby="alerts-panel-h"><h2 id="alerts-panel-h">${t('alerts.panel.title')}</h2>
${body}<p class="muted">${t('alerts.panel.watchers', { count: watchers })}</p></section>`;
}

function watchTarget(ctx: PageCtx, w: Watch): SafeHtml {
  if (w.kind === 'standard') return html`<a href="/std/${encodeURIComponent(w.target)}">${w.target}</a>`;
  if (w.kind === 'search') return html`<a href="/search?${w.target}">${describeWatch(ctx.lang, { ...w, label: null })}</a>`;
  if (w.kind === 'ics' || w.kind === 'ccs') return html`<a href="/${w.kind}/${encodeURIComponent(w.target)}">${w.target}</a>`;
  return html`${w.target}`;
}

/** GET /watch: the person's watch list with a remove button each, and a form to add a watch. */
export function watchListPage(ctx: PageCtx, csrf: SafeHtml, watches: Watch[]): SafeHtml {
  const { t } = ctx;
  const rows = watches.map(
    (w) => html`<tr><td>${t(`alerts.kind.${w.kind}` as MessageKey)}</td><td>${watchTarget(ctx, w)}${w.label ? html` <small>${w.label}</small>` : ''}${
      w.followedFrom ? html`<br><small class="followed">${t('alerts.watch.followedFrom', { previous: w.followedFrom })}</small>` : ''
    }</td><td>${when(w.createdAt)}</td><td><form method="post" action="/watch/${w.id}/delete">${csrf}<button type="submit" class="danger">${t('alerts.watch.remove')}</button></form></td></tr>`,
  );
  const main = html`<h1>${t('alerts.watch.title')}</h1>${alertsNav(ctx, '/watch')}${flash(ctx)}
${watches.length
    ? html`<table class="data alerts-watches"><thead><tr><th>${t('alerts.watch.kind')}</th><th>${t('alerts.watch.target')}</th><th>${t('alerts.watch.since')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p>${t('alerts.watch.empty')}</p>`}
<h2>${t('alerts.watch.add')}</h2>
<form class="stack" method="post" action="/watch">${csrf}
  <label>${t('alerts.watch.kind')}<select name="kind">${WATCH_KINDS.map((k) => html`<option value="${k}"${k === 'search' ? ' selected' : ''}>${t(`alerts.kind.${k}` as MessageKey)}</option>`)}</select></label>
  <label>${t('alerts.watch.target')}<input name="target" required maxlength="500"></label>
  <small>${t('alerts.watch.targetHint')}</small>
  <label>${t('alerts.watch.label')}<input name="label" maxlength="200"></label>
  <div><button type="submit">${t('alerts.watch.addButton')}</button></div>
</form>`;
  return layout(ctx, { title: t('alerts.watch.title'), main });
}

/** GET /notifications: newest first, unread marked, with mark-read buttons. */
export function notificationsPage(ctx: PageCtx, csrf: SafeHtml, items: Notification[], unread: number, olderHref: string | null): SafeHtml {
  const { t } = ctx;
  const list = items.map((n) => {
    const title = summaryTitle(ctx.lang, n.summary);
    return html`<li class="notification${n.readAt ? '' : ' unread'}" data-kind="${n.kind}">
<p><a href="${summaryPath(n.summary)}">${describe(ctx.lang, n.summary)}</a>${title ? html` <span class="muted">${title}</span>` : ''}</p>
<p class="meta"><time datetime="${n.createdAt}">${when(n.createdAt)}</time> · ${t('alerts.notifications.via', { watch: describeWatch(ctx.lang, n.summary.watch) })}${
      n.readAt ? '' : html` · <form method="post" action="/notifications/${n.id}/read" class="inline">${csrf}<button type="submit" class="secondary">${t('alerts.notifications.markRead')}</button></form>`
    }</p></li>`;
  });
  const main = html`<h1>${t('alerts.notifications.title')}</h1>${alertsNav(ctx, '/notifications')}${flash(ctx)}
<p>${t('alerts.notifications.unread', { count: unread })}</p>
${unread ? html`<form method="post" action="/notifications/read">${csrf}<button type="submit" class="secondary">${t('alerts.notifications.markAll')}</button></form>` : ''}
${items.length ? html`<ol class="notifications">${list}</ol>` : html`<p>${t('alerts.notifications.empty')}</p>`}
${olderHref ? html`<p><a href="${olderHref}">${t('alerts.notifications.older')}</a></p>` : ''}`;
  return layout(ctx, { title: t('alerts.notifications.title'), main });
}

/** GET /account/alerts: e-mail mode and the private feed. */
export function alertSettingsPage(ctx: PageCtx, csrf: SafeHtml, mode: MailMode, feedUrl: string): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('alerts.settings.title')}</h1>${alertsNav(ctx, '/account/alerts')}${flash(ctx)}
<h2>${t('alerts.settings.mail')}</h2>
<form class="stack" method="post" action="/account/alerts/mail">${csrf}
<fieldset><legend>${t('alerts.settings.mode')}</legend>${MAIL_MODES.map(
    (m) => html`<label class="radio"><input type="radio" name="mode" value="${m}"${m === mode ? ' checked' : ''}> ${t(`alerts.mode.${m}` as MessageKey)}</label>`,
  )}</fieldset>
<div><button type="submit">${t('alerts.settings.save')}</button></div></form>
<h2>${t('alerts.settings.feed')}</h2>
<p>${t('alerts.settings.feedHint')}</p>
<p><a class="feed-url" href="${feedUrl}" rel="nofollow">${feedUrl}</a></p>
<form method="post" action="/account/alerts/feed/rotate">${csrf}<button type="submit" class="secondary">${t('alerts.settings.rotate')}</button></form>`;
  return layout(ctx, { title: t('alerts.settings.title'), main });
}

/** GET /account/webhooks: list and create. */
export function webhooksPage(ctx: PageCtx, csrf: SafeHtml, hooks: Webhook[]): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('alerts.webhooks.title')}</h1>${alertsNav(ctx, '/account/webhooks')}${flash(ctx)}
<p>${t('alerts.webhooks.intro')}</p>
${hooks.length
    ? html`<table class="data"><thead><tr><th>URL</th><th>${t('alerts.watch.since')}</th><th></th></tr></thead><tbody>${hooks.map(
        (h) => html`<tr><td><a href="/account/webhooks/${h.id}">${h.url}</a></td><td>${when(h.createdAt)}</td><td><form method="post" action="/account/webhooks/${h.id}/delete">${csrf}<button type="submit" class="danger">${t('alerts.webhooks.delete')}</button></form></td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('alerts.webhooks.empty')}</p>`}
<h2>${t('alerts.webhooks.add')}</h2>
<form class="stack" method="post" action="/account/webhooks">${csrf}
<label>URL<input type="url" name="url" required maxlength="2000" placeholder="https://example.org/hooks/stdhub"></label>
<div><button type="submit">${t('alerts.webhooks.addButton')}</button></div></form>`;
  return layout(ctx, { title: t('alerts.webhooks.title'), main });
}

/** GET /account/webhooks/:id: secret, signature scheme and the delivery log (one row per attempt). */
export function webhookPage(ctx: PageCtx, csrf: SafeHtml, hook: Webhook, attempts: DeliveryAttempt[]): SafeHtml {
  const { t } = ctx;
  const rows = attempts.map(
    (a) => html`<tr class="attempt ${a.status}"><td><code>${a.deliveryId.slice(0, 8)}</code></td><td>${a.eventName}</td><td>${a.attempt}</td><td>${t(`alerts.delivery.${a.status}` as MessageKey)}</td><td>${a.responseCode ?? '—'}</td><td>${a.error ?? ''}</td><td>${when(a.attemptedAt)}</td><td>${a.status === 'pending' || a.status === 'sending' ? when(a.nextAttemptAt) : ''}</td></tr>`,
  );
  const main = html`<h1>${t('alerts.webhook.title')}</h1>${alertsNav(ctx, '')}${flash(ctx)}
<dl class="meta"><dt>URL</dt><dd>${hook.url}</dd><dt>${t('alerts.webhook.secret')}</dt><dd><code class="secret">${hook.secret}</code></dd></dl>
<p>${t('alerts.webhook.signature')}</p>
<form method="post" action="/account/webhooks/${hook.id}/ping">${csrf}<button type="submit" class="secondary">${t('alerts.webhook.ping')}</button></form>
<h2>${t('alerts.webhook.log')}</h2>
${attempts.length
    ? html`<table class="data deliveries"><thead><tr><th>${t('alerts.delivery.id')}</th><th>${t('alerts.delivery.event')}</th><th>${t('alerts.delivery.attempt')}</th><th>${t('alerts.delivery.status')}</th><th>${t('alerts.delivery.code')}</th><th>${t('alerts.delivery.error')}</th><th>${t('alerts.delivery.at')}</th><th>${t('alerts.delivery.next')}</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p>${t('alerts.webhook.noDeliveries')}</p>`}`;
  return layout(ctx, { title: t('alerts.webhook.title'), main, breadcrumbs: [{ label: t('alerts.webhooks.title'), href: '/account/webhooks' }, { label: hook.url }] });
}

/** GET/POST /unsubscribe/:token: the confirmation page (one button) and its result; no sign-in needed. */
export function unsubscribePage(ctx: PageCtx, csrf: SafeHtml, token: string, state: 'confirm' | 'done' | 'invalid'): SafeHtml {
  const { t } = ctx;
  const main =
    state === 'invalid'
      ? html`<h1>${t('alerts.unsubscribe.title')}</h1><p class="form-errors">${t('alerts.unsubscribe.invalid')}</p>`
      : state === 'done'
        ? html`<h1>${t('alerts.unsubscribe.title')}</h1><p class="notice" role="status">${t('alerts.unsubscribe.done')}</p><p><a href="/account/alerts">${t('alerts.unsubscribe.settings')}</a></p>`
        : html`<h1>${t('alerts.unsubscribe.title')}</h1><p>${t('alerts.unsubscribe.confirm')}</p>
<form method="post" action="/unsubscribe/${token}">${csrf}<button type="submit">${t('alerts.unsubscribe.button')}</button></form>`;
  return layout(ctx, { title: t('alerts.unsubscribe.title'), main });
}
