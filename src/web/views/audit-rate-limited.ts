import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';

/** The page a browser gets when a client exceeded an abuse limit (429): what happened and when to retry. */
export function rateLimitedPage(ctx: PageCtx, bucket: string, retryAfterSec: number): SafeHtml {
  const { t } = ctx;
  const minutes = Math.max(1, Math.ceil(retryAfterSec / 60));
  const what = bucket === 'search' ? t('audit.rate.search') : bucket === 'reader' ? t('audit.rate.reader') : t('audit.rate.downloads');
  const main = html`
<h1>${t('audit.rate.title')}</h1>
<p class="notice">${t('audit.rate.body', { what })}</p>
<p>${t('audit.rate.retry', { minutes })}</p>
<p class="muted">${t('audit.rate.api')}</p>
<p><a href="/">${t('error.home')}</a></p>`;
  return layout(ctx, { title: t('audit.rate.title'), main, noHeaderSearch: true });
}
