import { MEMBERSHIP_ROLES, type MembershipWithOrg, type Person } from '../../accounts/model.js';
import { PASSWORD_MAX } from '../../accounts/secrets.js';
import { LIMITS } from '../../accounts/validate.js';
import type { OutboxMail } from '../../mail/outbox.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { formErrors, notice, utc } from './account-common.js';
import { orgLabel } from './account.js';
import { layout } from './layout.js';

/** Tabs shared by the administration pages. */
export function adminTabs(ctx: PageCtx, current: 'people' | 'orgs' | 'outbox'): SafeHtml {
  const { t } = ctx;
  const tab = (id: typeof current, href: string, label: string) => html`<a href="${href}"${id === current ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="tabs">${tab('people', '/admin/people', t('accounts.people.title'))}${tab('orgs', '/admin/orgs', t('accounts.orgs.title'))}${tab('outbox', '/dev/outbox', t('accounts.outbox.title'))}</nav>`;
}

function statusText(ctx: PageCtx, p: Person): string {
  return ctx.t(`accounts.people.status.${p.status}` as MessageKey);
}

/** GET /admin/people: search, list, add a person. */
export function peopleListPage(
  ctx: PageCtx,
  csrf: SafeHtml,
  list: { total: number; items: Person[]; q: string; page: number; pageSize: number },
  state: { error?: string; notice?: string } = {},
): SafeHtml {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const pageHref = (n: number) => `/admin/people?${new URLSearchParams({ ...(list.q ? { q: list.q } : {}), page: String(n) }).toString()}`;
  const main = html`<h1>${t('accounts.people.title')}</h1>
${adminTabs(ctx, 'people')}
${notice(state.notice)}
<form class="inline-form" method="get" action="/admin/people" role="search">
  <label>${t('accounts.people.search')}<input type="search" name="q" value="${list.q}" maxlength="${LIMITS.search}"></label>
  <button type="submit">${t('accounts.people.searchButton')}</button>
</form>
<p>${t('accounts.people.count', { count: list.total })}</p>
<table class="data"><thead><tr><th>${t('accounts.name')}</th><th>${t('accounts.email')}</th><th>${t('accounts.people.status')}</th><th>${t('accounts.role.admin')}</th><th></th></tr></thead><tbody>
${list.items.map(
  (p) => html`<tr><td>${p.name}</td><td>${p.email}</td><td>${statusText(ctx, p)}</td><td>${p.isAdmin ? t('accounts.yes') : ''}</td><td><a href="/admin/people/${p.id}">${t('accounts.people.edit')}</a></td></tr>`,
)}
</tbody></table>
${pages > 1
    ? html`<p>${list.page > 1 ? html`<a href="${pageHref(list.page - 1)}">${t('accounts.people.prev')}</a> ` : ''}${list.page < pages ? html`<a href="${pageHref(list.page + 1)}">${t('accounts.people.next')}</a>` : ''}</p>`
    : ''}
<h2>${t('accounts.people.create')}</h2>
${formErrors(state.error)}
<form class="stack" method="post" action="/admin/people">
  ${csrf}
  <label>${t('accounts.name')}<input name="name" required maxlength="${LIMITS.name}"></label>
  <label>${t('accounts.email')}<input type="email" name="email" required maxlength="${LIMITS.email}"></label>
  <label>${t('accounts.people.passwordOptional')}<input type="password" name="password" maxlength="${PASSWORD_MAX}" autocomplete="new-password"></label>
  <label class="check"><span><input type="checkbox" name="admin" value="1"> ${t('accounts.people.makeAdmin')}</span></label>
  <div><button type="submit">${t('accounts.create')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.people.title'), main });
}

/** GET /admin/people/:id: status, admin flag, memberships (grant/revoke). */
export function personPage(ctx: PageCtx, csrf: SafeHtml, p: Person, memberships: MembershipWithOrg[], state: { error?: string; notice?: string } = {}): SafeHtml {
  const { t } = ctx;
  const roles = Object.keys(MEMBERSHIP_ROLES);
  const main = html`<h1>${p.name}</h1>
${adminTabs(ctx, 'people')}
${notice(state.notice)}${formErrors(state.error)}
<dl class="facts">
  <dt>${t('accounts.email')}</dt><dd>${p.email}</dd>
  <dt>${t('accounts.profile.verified')}</dt><dd>${p.emailVerifiedAt ? utc(p.emailVerifiedAt) : t('accounts.no')}</dd>
  <dt>${t('accounts.people.status')}</dt><dd>${statusText(ctx, p)}</dd>
  <dt>${t('accounts.role.admin')}</dt><dd>${p.isAdmin ? t('accounts.yes') : t('accounts.no')}</dd>
</dl>
<div class="inline-form">
  <form method="post" action="/admin/people/${p.id}/status">${csrf}<input type="hidden" name="status" value="${p.status === 'active' ? 'disabled' : 'active'}"><button type="submit" class="${p.status === 'active' ? 'danger' : ''}">${p.status === 'active' ? t('accounts.people.disable') : t('accounts.people.enable')}</button></form>
  <form method="post" action="/admin/people/${p.id}/admin">${csrf}<input type="hidden" name="admin" value="${p.isAdmin ? '0' : '1'}"><button type="submit" class="secondary">${p.isAdmin ? t('accounts.people.revokeAdmin') : t('accounts.people.grantAdmin')}</button></form>
</div>
<h2>${t('accounts.profile.memberships')}</h2>
${memberships.length
    ? html`<table class="data"><thead><tr><th>${t('accounts.role')}</th><th>${t('accounts.org')}</th><th></th></tr></thead><tbody>${memberships.map(
        (m) => html`<tr><td>${t(`accounts.role.${m.role}` as MessageKey)}${m.membershipType ? ` (${m.membershipType})` : ''}</td><td>${t(`accounts.kind.${m.org.kind}` as MessageKey)}: <a href="/admin/orgs/${m.org.id}">${orgLabel(ctx, m.org)}</a></td><td><form method="post" action="/admin/memberships/${m.id}/revoke">${csrf}<input type="hidden" name="back" value="/admin/people/${p.id}"><button type="submit" class="danger">${t('accounts.people.revoke')}</button></form></td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('accounts.profile.noMemberships')}</p>`}
<h3>${t('accounts.people.grant')}</h3>
<form class="inline-form" method="post" action="/admin/people/${p.id}/memberships">
  ${csrf}
  <label>${t('accounts.role')}<select name="role">${roles.map((r) => html`<option value="${r}">${t(`accounts.role.${r}` as MessageKey)}</option>`)}</select></label>
  <label>${t('accounts.people.orgCode')}<input name="org" required maxlength="${LIMITS.orgCode}" placeholder="SAC"></label>
  <label>${t('accounts.people.memberType')}<select name="membership_type"><option value="P">P</option><option value="O">O</option></select></label>
  <button type="submit">${t('accounts.people.grant')}</button>
</form>`;
  return layout(ctx, { title: p.name, main });
}

/** GET /dev/outbox: stored mails, newest first. */
export function outboxPage(ctx: PageCtx, mails: OutboxMail[]): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.outbox.title')}</h1>
${adminTabs(ctx, 'outbox')}
<p>${t('accounts.outbox.intro')}</p>
${mails.length
    ? mails.map(
        (m) => html`<article class="outbox"><h2>${m.subject}</h2><p>${t('accounts.outbox.to')}: ${m.to} · ${t('accounts.outbox.at')}: ${utc(m.createdAt)}</p><pre>${m.text}</pre></article>`,
      )
    : html`<p>${t('accounts.outbox.empty')}</p>`}`;
  return layout(ctx, { title: t('accounts.outbox.title'), main });
}
