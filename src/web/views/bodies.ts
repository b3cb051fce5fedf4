import type { CatalogueStats } from '../../catalogue/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';
import { bodyHref, num, vocab } from './components.js';

/** The list of publishing bodies with their standards counts. */
export function bodiesPage(ctx: PageCtx, stats: CatalogueStats): SafeHtml {
  const { t } = ctx;
  const main = html`
<h1>${t('bodies.title')}</h1>
<p>${t('bodies.intro')}</p>
<table><tbody>${stats.byBody.map((b) => {
    const name = vocab(ctx, 'body', b.body);
    return html`<tr><td><a href="${bodyHref(b.body)}">${name}</a>${name !== b.body ? html` <span class="muted">${b.body}</span>` : ''}</td><td class="n">${t('bodies.count', { count: num(ctx, b.count) })}</td></tr>`;
  })}</tbody></table>`;
  return layout(ctx, {
    title: t('bodies.title'),
    main,
    canonical: '/bodies',
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: t('bodies.title') }],
  });
}
