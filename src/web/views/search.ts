import type { FacetName, SearchHit, SearchResult } from '../../search/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { contentLang } from '../i18n/index.js';
import { LIMITS, MULTI_FILTERS, SORTS, facetLink, hasFilters, searchHref, toggled, withChange, type SearchState } from '../search-params.js';
import { layout } from './layout.js';
import { highlighted, num, statusBadge, stdHref, vocab } from './components.js';

const FACET_ORDER: FacetName[] = ['body', 'status', 'nature', 'docType', 'year', 'ics', 'ccs'];
const VOCAB_OF: Partial<Record<FacetName, 'body' | 'status' | 'nature' | 'doc_type'>> = {
  body: 'body',
  status: 'status',
  nature: 'nature',
  docType: 'doc_type',
};

function facetLabel(ctx: PageCtx, name: FacetName, value: string): string {
  const kind = VOCAB_OF[name];
  return kind ? vocab(ctx, kind, value) : value;
}


/** Hidden inputs carrying the current filters through a GET form that changes something else. */
function hiddenState(s: SearchState, except: string[]): SafeHtml {
  const pairs: [string, string][] = [];
  if (s.q) pairs.push(['q', s.q]);
  for (const n of MULTI_FILTERS) for (const v of s[n]) pairs.push([n, v]);
  if (s.ics) pairs.push(['ics', s.ics]);
  if (s.ccs) pairs.push(['ccs', s.ccs]);
  if (s.yearFrom !== undefined) pairs.push(['yearFrom', String(s.yearFrom)]);
  if (s.yearTo !== undefined) pairs.push(['yearTo', String(s.yearTo)]);
  if (s.sort !== (s.q ? 'relevance' : 'newest')) pairs.push(['sort', s.sort]);
  if (s.pageSize !== LIMITS.defaultPageSize) pairs.push(['pageSize', String(s.pageSize)]);
  return html`${pairs.filter(([k]) => !except.includes(k)).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}

function facets(ctx: PageCtx, s: SearchState, r: SearchResult): SafeHtml {
  const { t } = ctx;
  const groups = FACET_ORDER.filter((name) => r.facets[name]?.length).map((name) => {
    const values = name === 'year' ? [...r.facets[name]].sort((a, b) => b.value.localeCompare(a.value)).slice(0, 15) : r.facets[name].slice(0, 30);
    return html`<h3>${t(`facet.${name}` as MessageKey)}</h3><ul>${values.map((v) => {
      const { on, next } = facetLink(s, name, v.value);
      return html`<li><a href="${searchHref(next)}"${on ? html` class="on" aria-current="true"` : ''} rel="nofollow"><span>${facetLabel(ctx, name, v.value)}</span><span class="count">${num(ctx, v.count)}</span></a></li>`;
    })}</ul>`;
  });
  return html`<aside class="facets"><h2>${t('search.refine')}</h2>${groups}
<form class="filters" action="/search" method="get">
  ${hiddenState(s, ['yearFrom', 'yearTo'])}
  <label>${t('search.yearFrom')}<input type="number" name="yearFrom" min="1800" max="2100" value="${s.yearFrom ?? ''}"></label>
  <label>${t('search.yearTo')}<input type="number" name="yearTo" min="1800" max="2100" value="${s.yearTo ?? ''}"></label>
  <button type="submit">${t('search.apply')}</button>
</form></aside>`;
}

function activeFilters(ctx: PageCtx, s: SearchState): SafeHtml {
  if (!hasFilters(s)) return html``;
  const { t } = ctx;
  const chips: { text: string; next: SearchState }[] = [];
  for (const n of MULTI_FILTERS) for (const v of s[n]) chips.push({ text: `${t(`facet.${n}`)}: ${facetLabel(ctx, n, v)}`, next: toggled(s, n, v) });
  if (s.ics) chips.push({ text: `ICS: ${s.ics}`, next: withChange(s, { ics: undefined }) });
  if (s.ccs) chips.push({ text: `CCS: ${s.ccs}`, next: withChange(s, { ccs: undefined }) });
  if (s.yearFrom !== undefined || s.yearTo !== undefined)
    chips.push({ text: `${t('facet.year')}: ${s.yearFrom ?? ''}–${s.yearTo ?? ''}`, next: withChange(s, { yearFrom: undefined, yearTo: undefined }) });
  const cleared: SearchState = { ...s, body: [], status: [], nature: [], docType: [], ics: undefined, ccs: undefined, yearFrom: undefined, yearTo: undefined, page: 1 };
  return html`<ul class="chips" aria-label="${t('search.activeFilters')}">${chips.map(
    (c) => html`<li><a href="${searchHref(c.next)}" title="${t('search.removeFilter', { filter: c.text })}">${c.text}</a></li>`,
  )}<li><a href="${searchHref(cleared)}">${t('search.clearAll')}</a></li></ul>`;
}

function hit(ctx: PageCtx, h: SearchHit): SafeHtml {
  const { t } = ctx;
  const mine = contentLang(ctx.lang);
  const order = [mine, mine === 'zh' ? 'en' : 'zh', ...Object.keys(h.titles)];
  const langs = [...new Set(order)].filter((l) => h.titles[l]);
  const line = (l: string) => (h.highlights[l] ? highlighted(h.highlights[l]) : h.titles[l]);
  const [firstLang, secondLang] = langs;
  const meta = [h.nature ? vocab(ctx, 'nature', h.nature) : '', vocab(ctx, 'doc_type', h.docType), h.year ? String(h.year) : ''].filter(Boolean).join(' · ');
  return html`<li class="hit">
  <div><a class="num" href="${stdHref(h.id)}">${h.number}</a> ${statusBadge(ctx, h.status)} <span class="meta">${meta}</span></div>
  ${firstLang ? html`<p class="t"${firstLang !== mine ? html` lang="${firstLang}"` : ''}><a href="${stdHref(h.id)}">${line(firstLang)}</a></p>` : ''}
  ${secondLang ? html`<p class="t2" lang="${secondLang}">${line(secondLang)}</p>` : ''}
  ${h.successors.length
    ? html`<p class="lineage">${t('search.replacedBy')} ${h.successors.map(
        (s, i) => html`${i ? ', ' : ''}${s.id ? html`<a href="${stdHref(s.id)}">${s.number}</a>` : s.number} ${statusBadge(ctx, s.status)}`,
      )}</p>`
    : ''}
</li>`;
}

function pager(ctx: PageCtx, s: SearchState, total: number): SafeHtml {
  const pages = Math.min(Math.ceil(total / s.pageSize), LIMITS.maxPage);
  if (pages <= 1) return html``;
  const { t } = ctx;
  const want = new Set([1, pages, s.page - 2, s.page - 1, s.page, s.page + 1, s.page + 2].filter((p) => p >= 1 && p <= pages));
  const list = [...want].sort((a, b) => a - b);
  const items: SafeHtml[] = [];
  if (s.page > 1) items.push(html`<a href="${searchHref({ ...s, page: Math.min(s.page - 1, pages) })}" rel="prev">${t('search.prev')}</a>`);
  list.forEach((p, i) => {
    if (i && p - list[i - 1] > 1) items.push(html`<span class="gap">…</span>`);
    items.push(p === s.page ? html`<span aria-current="page">${p}</span>` : html`<a href="${searchHref({ ...s, page: p })}">${p}</a>`);
  });
  if (s.page < pages) items.push(html`<a href="${searchHref({ ...s, page: s.page + 1 })}" rel="next">${t('search.next')}</a>`);
  return html`<nav class="pager" aria-label="${t('search.pagination')}">${items}<span class="meta">${t('search.page', { page: s.page, pages })}</span></nav>`;
}

/** The search page: query box, facets, active filters, sort links, hits with highlights and lineage, pages. */
export function searchPage(ctx: PageCtx, s: SearchState, r: SearchResult): SafeHtml {
  const { t } = ctx;
  const title = s.q ? t('search.titleFor', { q: s.q }) : t('search.title');
  const sorts = SORTS.filter((x) => x !== 'relevance' || s.q);
  const main = html`
<h1>${title}</h1>
<form class="bigsearch" action="/search" method="get" role="search">
  ${hiddenState(s, ['q'])}
  <input type="search" name="q" value="${s.q}" placeholder="${t('search.placeholder')}" aria-label="${t('search.label')}" maxlength="500">
  <button type="submit">${t('search.button')}</button>
</form>
${s.q ? html`<p class="meta"><a href="${'/search/text?' + new URLSearchParams({ q: s.q }).toString()}">${t('search.fullText')}</a></p>` : ''}
<div class="layout">
${facets(ctx, s, r)}
<section aria-label="${t('search.results')}">
  <p class="meta">${t('search.total', { total: num(ctx, r.total) })}${r.interpreted.identifier ? html` · ${t('search.identifier', { id: r.interpreted.identifier })}` : ''}</p>
  ${activeFilters(ctx, s)}
  <p class="meta">${t('search.sort')} ${sorts.map(
    (x, i) => html`${i ? ' · ' : ''}${x === s.sort ? html`<strong aria-current="true">${t(`sort.${x}`)}</strong>` : html`<a href="${searchHref(withChange(s, { sort: x }))}" rel="nofollow">${t(`sort.${x}`)}</a>`}`,
  )}</p>
  ${r.items.length
    ? html`<ol class="hits" start="${(s.page - 1) * s.pageSize + 1}">${r.items.map((h) => hit(ctx, h))}</ol>`
    : html`<p>${t('search.none')}</p><p class="muted">${t('search.noneHint')}</p>`}
  ${pager(ctx, s, r.total)}
</section>
</div>`;
  return layout(ctx, { title, main, canonical: searchHref(s), q: s.q, noHeaderSearch: true });
}
