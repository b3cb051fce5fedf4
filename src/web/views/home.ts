import type { CatalogueStats } from '../../catalogue/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';
import { bodyHref, num, statusBadge, vocab } from './components.js';

/** The home page: a search box, what the catalogue holds by body and status, and ways to browse. */
export function homePage(ctx: PageCtx, stats: CatalogueStats): SafeHtml {
  const { t } = ctx;
  const main = html`
<h1>${t('home.title')}</h1>
<p>${t('home.intro')}</p>
<form class="bigsearch" action="/search" method="get" role="search">
  <input type="search" name="q" placeholder="${t('search.placeholder')}" aria-label="${t('search.label')}" maxlength="500" autofocus>
  <button type="submit">${t('search.button')}</button>
</form>
<p class="meta">${stats.total ? t('home.total', { count: num(ctx, stats.total) }) : t('home.empty')}</p>
<div class="cols">
  <section>
    <h2>${t('home.byBody')}</h2>
    <table><tbody>${stats.byBody.map(
      (b) => html`<tr><td><a href="${bodyHref(b.body)}">${vocab(ctx, 'body', b.body)}</a>${vocab(ctx, 'body', b.body) !== b.body ? html` <span class="muted">${b.body}</span>` : ''}</td><td class="n"><a href="/search?body=${encodeURIComponent(b.body)}">${num(ctx, b.count)}</a></td></tr>`,
    )}</tbody></table>
  </section>
  <section>
    <h2>${t('home.byStatus')}</h2>
    <table><tbody>${stats.byStatus.map(
      (s) => html`<tr><td>${statusBadge(ctx, s.status)}</td><td class="n"><a href="/search?status=${encodeURIComponent(s.status)}">${num(ctx, s.count)}</a></td></tr>`,
    )}</tbody></table>
  </section>
  <section>
    <h2>${t('home.browse')}</h2>
    <ul class="plain">
      <li><a href="/ics">${t('home.browseIcs')}</a></li>
      <li><a href="/ccs">${t('home.browseCcs')}</a></li>
      <li><a href="/bodies">${t('home.browseBodies')}</a></li>
    </ul>
  </section>
</div>`;
  return layout(ctx, { title: t('home.title'), main, canonical: '/', noHeaderSearch: true });
}
