import type { SearchHit } from '../../search/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';
import { bodyHref, num, pickTitle, statusBadge, stdHref, vocab } from './components.js';

export interface BodyPageData {
  code: string;
  byStatus: { status: string; count: number }[];
  newest: SearchHit[];
}

/** One publishing body: counts by status (each a search link) and its newest standards. */
export function bodyPage(ctx: PageCtx, d: BodyPageData): SafeHtml {
  const { t } = ctx;
  const name = vocab(ctx, 'body', d.code);
  const total = d.byStatus.reduce((n, s) => n + s.count, 0);
  const q = (extra: string) => `/search?body=${encodeURIComponent(d.code)}${extra}`;
  const main = html`
<h1>${name}${name !== d.code ? html` <span class="muted">${d.code}</span>` : ''}</h1>
${total
    ? html`<p><a href="${q('')}">${t('bodies.searchAll', { count: num(ctx, total), body: name })}</a></p>
<div class="cols">
<section><h2>${t('bodies.byStatus')}</h2><table><tbody>${d.byStatus.map(
        (s) => html`<tr><td>${statusBadge(ctx, s.status)}</td><td class="n"><a href="${q(`&status=${encodeURIComponent(s.status)}`)}">${num(ctx, s.count)}</a></td></tr>`,
      )}</tbody></table></section>
<section><h2>${t('bodies.newest')}</h2><ul class="plain">${d.newest.map(
        (h) => html`<li><a href="${stdHref(h.id)}">${h.number}</a> ${statusBadge(ctx, h.status)} ${pickTitle(ctx, h.titles)}</li>`,
      )}</ul></section>
</div>`
    : html`<p class="muted">${t('bodies.none')}</p>`}`;
  return layout(ctx, {
    title: name,
    main,
    canonical: bodyHref(d.code),
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: t('bodies.title'), href: '/bodies' }, { label: name }],
  });
}
