import type { MembershipWithOrg, Person } from '../../accounts/model.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../accounts/secrets.js';
import { LIMITS } from '../../accounts/validate.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { formErrors, notice, utc } from './account-common.js';
import { layout } from './layout.js';

/** Values to refill a form with after an error (never passwords). */
export interface FormState {
  error?: string;
  notice?: string;
  email?: string;
  name?: string;
}

function passwordInput(ctx: PageCtx, name: string, label: string, autocomplete: string): SafeHtml {
  return html`<label>${label}<input type="password" name="${name}" required minlength="${PASSWORD_MIN}" maxlength="${PASSWORD_MAX}" autocomplete="${autocomplete}"></label>
<small>${ctx.t('accounts.register.passwordHint', { min: PASSWORD_MIN, max: PASSWORD_MAX })}</small>`;
}

/** GET /login: e-mail and password; `next` is carried through (already checked to be a local path). */
export function loginPage(ctx: PageCtx, csrf: SafeHtml, next: string | null, state: FormState = {}): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.login.title')}</h1>
${notice(state.notice)}${formErrors(state.error)}
<form class="stack" method="post" action="/login">
  ${csrf}${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
  <label>${t('accounts.email')}<input type="email" name="email" required maxlength="${LIMITS.email}" autocomplete="username" value="${state.email ?? ''}"></label>
  <label>${t('accounts.password')}<input type="password" name="password" required maxlength="${PASSWORD_MAX}" autocomplete="current-password"></label>
  <div><button type="submit">${t('accounts.login.submit')}</button></div>
</form>
<p><a href="/password/forgot">${t('accounts.login.forgot')}</a> · <a href="/register">${t('accounts.login.register')}</a></p>`;
  return layout(ctx, { title: t('accounts.login.title'), main });
}

/** GET /register. */
export function registerPage(ctx: PageCtx, csrf: SafeHtml, state: FormState = {}): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.register.title')}</h1>
${formErrors(state.error)}
<form class="stack" method="post" action="/register">
  ${csrf}
  <label>${t('accounts.name')}<input name="name" required maxlength="${LIMITS.name}" autocomplete="name" value="${state.name ?? ''}"></label>
  <label>${t('accounts.email')}<input type="email" name="email" required maxlength="${LIMITS.email}" autocomplete="email" value="${state.email ?? ''}"></label>
  ${passwordInput(ctx, 'password', t('accounts.password'), 'new-password')}
  <div><button type="submit">${t('accounts.register.submit')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.register.title'), main });
}

/** A page with just a heading and a message (after registration, verification, reset requests). */
export function messagePage(ctx: PageCtx, titleKey: MessageKey, message: string, ok = true): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t(titleKey)}</h1>
${ok ? notice(message) : formErrors(message)}
<p><a href="/login">${t('accounts.signIn')}</a></p>`;
  return layout(ctx, { title: t(titleKey), main });
}

/** GET /password/forgot. */
export function forgotPage(ctx: PageCtx, csrf: SafeHtml, state: FormState = {}): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.forgot.title')}</h1>
${notice(state.notice)}${formErrors(state.error)}
<p>${t('accounts.forgot.intro')}</p>
<form class="stack" method="post" action="/password/forgot">
  ${csrf}
  <label>${t('accounts.email')}<input type="email" name="email" required maxlength="${LIMITS.email}" autocomplete="email" value="${state.email ?? ''}"></label>
  <div><button type="submit">${t('accounts.forgot.submit')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.forgot.title'), main });
}

/** GET /password/reset?token=… */
export function resetPage(ctx: PageCtx, csrf: SafeHtml, token: string, state: FormState = {}): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.reset.title')}</h1>
${formErrors(state.error)}
<form class="stack" method="post" action="/password/reset">
  ${csrf}<input type="hidden" name="token" value="${token}">
  ${passwordInput(ctx, 'password', t('accounts.profile.newPassword'), 'new-password')}
  <div><button type="submit">${t('accounts.reset.submit')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.reset.title'), main });
}

/** The label of a membership's organisation: code and name in the page's language. */
export function orgLabel(ctx: PageCtx, o: { code: string; nameZh: string | null; nameEn: string | null }): string {
  const name = ctx.lang === 'zh-CN' ? (o.nameZh ?? o.nameEn) : (o.nameEn ?? o.nameZh);
  return name ? `${o.code} — ${name}` : o.code;
}

/** GET /account: profile, memberships, change password. */
export function accountPage(ctx: PageCtx, csrf: SafeHtml, person: Person, memberships: MembershipWithOrg[], state: FormState & { pwError?: string } = {}): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('accounts.profile.title')}</h1>
${notice(state.notice)}
<nav class="tabs"><a href="/account" aria-current="page">${t('accounts.profile.details')}</a><a href="/account/tokens">${t('accounts.profile.tokensLink')}</a></nav>
<h2>${t('accounts.profile.details')}</h2>
${formErrors(state.error)}
<form class="stack" method="post" action="/account">
  ${csrf}
  <label>${t('accounts.email')}<input type="email" value="${person.email}" disabled></label>
  <p>${t('accounts.profile.verified')}: ${person.emailVerifiedAt ? utc(person.emailVerifiedAt) : t('accounts.no')}</p>
  <label>${t('accounts.name')}<input name="name" required maxlength="${LIMITS.name}" value="${state.name ?? person.name}"></label>
  <div><button type="submit">${t('accounts.save')}</button></div>
</form>
<h2>${t('accounts.profile.memberships')}</h2>
${person.isAdmin ? html`<p>${t('accounts.profile.adminNote')}</p>` : ''}
${memberships.length
    ? html`<table class="data"><thead><tr><th>${t('accounts.role')}</th><th>${t('accounts.org')}</th></tr></thead><tbody>${memberships.map(
        (m) => html`<tr><td>${t(`accounts.role.${m.role}` as MessageKey)}${m.membershipType ? ` (${m.membershipType})` : ''}</td><td>${t(`accounts.kind.${m.org.kind}` as MessageKey)}: ${orgLabel(ctx, m.org)}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('accounts.profile.noMemberships')}</p>`}
<h2>${t('accounts.profile.changePassword')}</h2>
${formErrors(state.pwError)}
<form class="stack" method="post" action="/account/password">
  ${csrf}
  <label>${t('accounts.profile.currentPassword')}<input type="password" name="current_password" required maxlength="${PASSWORD_MAX}" autocomplete="current-password"></label>
  ${passwordInput(ctx, 'new_password', t('accounts.profile.newPassword'), 'new-password')}
  <div><button type="submit">${t('accounts.profile.changePassword')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.profile.title'), main });
}
