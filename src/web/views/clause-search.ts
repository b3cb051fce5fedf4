import type { ClauseGroup, ClauseSearchResult } from '../../search/clause/ports.js';
import type { FacetName } from '../../search/ports.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { facetLink, searchHref, type SearchState } from '../search-params.js';
import { highlighted, num, pickTitle, statusBadge, stdHref, vocab } from './components.js';
import { layout } from './layout.js';

const FACET_ORDER: FacetName[] = ['body', 'status', 'nature', 'docType', 'year', 'ics', 'ccs'];
const VOCAB_OF: Partial<Record<FacetName, 'body' | 'status' | 'nature' | 'doc_type'>> = { body: 'body', status: 'status', nature: 'nature', docType: 'doc_type' };

/** `/search/text?…` for a state (the catalogue search's URL scheme under another path). */
export function clauseSearchHref(s: SearchState): string {
  return searchHref(s).replace(/^\/search/, '/search/text');
}


function facets(ctx: PageCtx, s: SearchState, r: ClauseSearchResult): SafeHtml {
  const groups = FACET_ORDER.filter((name) => r.facets[name]?.length).map((name) => {
    const values = r.facets[name].slice(0, 20);
    return html`<h3>${ctx.t(`facet.${name}` as MessageKey)}</h3><ul>${values.map((v) => {
      const { on, next } = facetLink(s, name, v.value);
      const kind = VOCAB_OF[name];
      return html`<li><a href="${clauseSearchHref(next)}"${on ? html` class="on" aria-current="true"` : ''} rel="nofollow"><span>${kind ? vocab(ctx, kind, v.value) : v.value}</span><span class="count">${num(ctx, v.count)}</span></a></li>`;
    })}</ul>`;
  });
  return groups.length ? html`<aside class="facets"><h2>${ctx.t('search.refine')}</h2>${groups}</aside>` : html``;
}

function group(ctx: PageCtx, g: ClauseGroup): SafeHtml {
  const s = g.standard;
  return html`<li class="hit">
  <div><a class="num" href="${stdHref(s.id)}">${s.number}</a> ${statusBadge(ctx, s.status)} <span class="meta">${ctx.t('clauses.clauseCount', { count: num(ctx, g.clauseCount) })}</span></div>
  <p class="t"><a href="${stdHref(s.id)}">${pickTitle(ctx, s.titles)}</a></p>
  <ul class="clauses">${g.hits.map(
    (h) => html`<li><a href="${h.permalink}">${h.num ? html`<span class="num">${h.num}</span> ` : ''}${highlighted(h.titleHighlight)}</a>
    <p class="snippet"${h.lang !== (ctx.lang === 'zh-CN' ? 'zh' : 'en') ? html` lang="${h.lang}"` : ''}>${highlighted(h.snippet)}</p></li>`,
  )}</ul>
</li>`;
}

function pager(ctx: PageCtx, s: SearchState, total: number): SafeHtml {
  const pages = Math.min(Math.ceil(total / s.pageSize), 400);
  if (pages <= 1) return html``;
  const items: SafeHtml[] = [];
  if (s.page > 1) items.push(html`<a href="${clauseSearchHref({ ...s, page: s.page - 1 })}" rel="prev">${ctx.t('search.prev')}</a>`);
  if (s.page < pages) items.push(html`<a href="${clauseSearchHref({ ...s, page: s.page + 1 })}" rel="next">${ctx.t('search.next')}</a>`);
  return html`<nav class="pager" aria-label="${ctx.t('search.pagination')}">${items}<span class="meta">${ctx.t('search.page', { page: s.page, pages })}</span></nav>`;
}

/**
 * The full-text search page: query box, catalogue matches of a number query on top, then standards with their
 * matching clauses (number and title linking to the clause permalink, snippet highlighted from the original text),
 * facets of the catalogue, and a link back to catalogue search with the same query.
 */
export function clauseSearchPage(ctx: PageCtx, s: SearchState, r: ClauseSearchResult): SafeHtml {
  const { t } = ctx;
  const title = s.q ? t('clauses.titleFor', { q: s.q }) : t('clauses.title');
  const main = html`
<h1>${title}</h1>
<form class="bigsearch" action="/search/text" method="get" role="search">
  <input type="search" name="q" value="${s.q}" placeholder="${t('clauses.placeholder')}" aria-label="${t('clauses.label')}" maxlength="500">
  <button type="submit">${t('search.button')}</button>
</form>
<p class="meta"><a href="${searchHref({ ...s, page: 1 })}">${t('clauses.inCatalogue')}</a></p>
${r.catalogue.length
  ? html`<section class="catalogue-match" aria-label="${t('clauses.catalogueMatch')}"><h2>${t('clauses.catalogueMatch')}</h2><ul>${r.catalogue.map(
      (h) => html`<li><a class="num" href="${stdHref(h.id)}">${h.number}</a> ${statusBadge(ctx, h.status)} ${pickTitle(ctx, h.titles)}</li>`,
    )}</ul></section>`
  : ''}
<div class="layout">
${facets(ctx, s, r)}
<section aria-label="${t('search.results')}">
  ${s.q ? html`<p class="meta">${t('clauses.total', { total: num(ctx, r.total) })}</p>` : ''}
  ${r.exact ? '' : html`<p class="muted">${t('clauses.approx', { clauses: num(ctx, r.clauses) })}</p>`}
  ${r.groups.length
    ? html`<ol class="hits" start="${(s.page - 1) * s.pageSize + 1}">${r.groups.map((g) => group(ctx, g))}</ol>`
    : s.q
      ? html`<p>${t('clauses.none')}</p><p class="muted">${t('clauses.noneHint')}</p>`
      : ''}
  ${pager(ctx, s, r.total)}
</section>
</div>`;
  return layout(ctx, { title, main, canonical: clauseSearchHref(s), q: s.q, noHeaderSearch: true });
}
