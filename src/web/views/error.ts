import type { ErrorCode } from '../../kernel/errors.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';

/** The error page: status, a message in the user's language (never the exception text), ways back. */
export function errorPage(ctx: PageCtx, status: number, code: ErrorCode): SafeHtml {
  const { t } = ctx;
  const main = html`
<h1>${t('error.title', { status })}</h1>
<p>${t(`error.${code}`)}</p>
<form class="bigsearch" action="/search" method="get" role="search">
  <input type="search" name="q" placeholder="${t('search.placeholder')}" aria-label="${t('search.label')}" maxlength="500">
  <button type="submit">${t('search.button')}</button>
</form>
<p><a href="/">${t('error.home')}</a></p>`;
  return layout(ctx, { title: t('error.title', { status }), main, noHeaderSearch: true });
}
