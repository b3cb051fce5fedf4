import { heldActions } from '../../accounts/actions.js';
import type { ApiToken } from '../../accounts/model.js';
import { TOKEN_DAYS } from '../../accounts/service.js';
import { LIMITS } from '../../accounts/validate.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { formErrors, notice, utc } from './account-common.js';
import { layout } from './layout.js';

function statusOf(ctx: PageCtx, tk: ApiToken): string {
  if (tk.revokedAt) return ctx.t('accounts.tokens.revoked');
  if (tk.expiresAt && new Date(tk.expiresAt) <= ctx.now) return ctx.t('accounts.tokens.expired');
  return ctx.t('accounts.tokens.active');
}

/** GET /account/tokens: the person's tokens, a creation form (scopes = actions they hold), a token shown once. */
export function tokensPage(ctx: PageCtx, csrf: SafeHtml, tokens: ApiToken[], state: { error?: string; notice?: string; created?: string } = {}): SafeHtml {
  const { t } = ctx;
  const actions = heldActions(ctx.principal);
  const main = html`<h1>${t('accounts.tokens.title')}</h1>
<nav class="tabs"><a href="/account">${t('accounts.profile.details')}</a><a href="/account/tokens" aria-current="page">${t('accounts.profile.tokensLink')}</a></nav>
${notice(state.notice)}
${state.created
    ? html`<div class="notice token-once"><p>${t('accounts.tokens.createdOnce')}</p><p><code class="token">${state.created}</code></p></div>`
    : ''}
<p>${t('accounts.tokens.intro')}</p>
${tokens.length
    ? html`<table class="data"><thead><tr><th>${t('accounts.tokens.name')}</th><th>${t('accounts.tokens.prefix')}</th><th>${t('accounts.tokens.scopes')}</th><th>${t('accounts.tokens.created')}</th><th>${t('accounts.tokens.expires')}</th><th>${t('accounts.tokens.lastUsed')}</th><th>${t('accounts.tokens.status')}</th><th></th></tr></thead><tbody>${tokens.map(
        (tk) => html`<tr><td>${tk.name}</td><td><code>${tk.prefix}…</code></td><td>${tk.scopes.join(', ')}</td><td>${utc(tk.createdAt)}</td><td>${utc(tk.expiresAt)}</td><td>${utc(tk.lastUsedAt)}</td><td>${statusOf(ctx, tk)}</td><td>${tk.revokedAt
          ? ''
          : html`<form method="post" action="/account/tokens/${tk.id}/revoke">${csrf}<button type="submit" class="danger">${t('accounts.tokens.revoke')}</button></form>`}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('accounts.tokens.none')}</p>`}
<h2>${t('accounts.tokens.create')}</h2>
${formErrors(state.error)}
<form class="stack" method="post" action="/account/tokens">
  ${csrf}
  <label>${t('accounts.tokens.name')}<input name="name" required maxlength="${LIMITS.tokenName}"></label>
  <fieldset class="scopes"><legend>${t('accounts.tokens.scopes')}</legend>${actions.map(
    (a) => html`<label class="check"><input type="checkbox" name="scopes" value="${a}"> <code>${a}</code></label>`,
  )}</fieldset>
  <label>${t('accounts.tokens.expiry')}<input type="number" name="days" min="${TOKEN_DAYS.min}" max="${TOKEN_DAYS.max}" value="${TOKEN_DAYS.default}" required></label>
  <div><button type="submit">${t('accounts.create')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.tokens.title'), main });
}
