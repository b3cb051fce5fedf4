import { bulletinPath, type Bulletin, type BulletinItem, type BulletinWithItems } from '../../bulletins/model.js';
import type { ItemCounts } from '../../bulletins/ports.js';
import type { StandardSummary } from '../../catalogue/ports.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { contentLang } from '../i18n/index.js';
import { dateEl, num, pickTitle, statusBadge, stdHref } from './components.js';
import { layout } from './layout.js';

/** "No. 14 of 2025" / "2025年第14号". */
export function bulletinNumberLabel(ctx: PageCtx, b: Pick<Bulletin, 'number' | 'year'>): string {
  return ctx.t('bulletins.label', { number: b.number, year: b.year });
}

/** The bulletin's title in the interface language (its own, else "<publisher> Announcement No. 14 of 2025"). */
export function bulletinTitle(ctx: PageCtx, b: Bulletin): string {
  const own = contentLang(ctx.lang) === 'zh' ? (b.title.zh ?? b.title.en) : (b.title.en ?? b.title.zh);
  const label = bulletinNumberLabel(ctx, b);
  return own ? `${own} ${label}` : ctx.t('bulletins.defaultTitle', { publisher: b.publisher, number: b.number, year: b.year });
}

/** Issuing bodies in the interface language, joined. */
export function issuingBodiesText(ctx: PageCtx, b: Bulletin): string {
  const zh = contentLang(ctx.lang) === 'zh';
  return b.issuingBodies.map((x) => (zh ? (x.zh ?? x.en) : (x.en ?? x.zh)) ?? '').filter(Boolean).join(zh ? '、' : '; ');
}

function countsText(ctx: PageCtx, c: ItemCounts | undefined): string {
  const v = c ?? { new: 0, revision: 0, abolition: 0 };
  return ctx.t('bulletins.counts', { new: num(ctx, v.new), revision: num(ctx, v.revision), abolition: num(ctx, v.abolition) });
}

export interface BulletinIndexData {
  years: { year: number; count: number }[];
  year?: number;
  page: number;
  pageSize: number;
  total: number;
  items: Bulletin[];
  counts: Map<string, ItemCounts>;
}

function indexHref(year: number | undefined, page: number): string {
  const q = new URLSearchParams();
  if (year !== undefined) q.set('year', String(year));
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/bulletins?${s}` : '/bulletins';
}

/** The bulletins of a page grouped by year, in the order listed (newest first). */
function byYear(items: Bulletin[]): { year: number; items: Bulletin[] }[] {
  const out: { year: number; items: Bulletin[] }[] = [];
  for (const b of items) {
    const last = out.at(-1);
    if (last && last.year === b.year) last.items.push(b);
    else out.push({ year: b.year, items: [b] });
  }
  return out;
}

/** The public index: years with counts, then bulletins newest first, paginated. */
export function bulletinIndexPage(ctx: PageCtx, d: BulletinIndexData): SafeHtml {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  const heading = d.year !== undefined ? t('bulletins.index.year', { year: d.year }) : t('bulletins.index.title');
  const main = html`
<h1>${heading}</h1>
<p>${t('bulletins.index.intro')} <a href="/bulletins.atom" type="application/atom+xml">${t('bulletins.index.feed')}</a></p>
${d.years.length
    ? html`<nav class="bulletin-years" aria-label="${t('bulletins.index.years')}"><a href="/bulletins"${d.year === undefined ? html` aria-current="page"` : ''}>${t('bulletins.index.allYears')}</a>${d.years.map(
        (y) => html` <a href="${indexHref(y.year, 1)}"${d.year === y.year ? html` aria-current="page"` : ''}>${y.year} (${num(ctx, y.count)})</a>`,
      )}</nav>`
    : ''}
${d.items.length
    ? byYear(d.items).map(
        (g) => html`<section class="bulletin-year"><h2>${t('bulletins.index.year', { year: g.year })}</h2><table class="data bulletins"><thead><tr><th>${t('bulletins.date')}</th><th>${t('bulletins.publisher')}</th><th>${t('bulletins.number')}</th><th>${t('bulletins.col.title')}</th></tr></thead><tbody>${g.items.map(
          (b) => html`<tr><td>${dateEl(b.date)}</td><td>${b.publisher}</td><td><a href="${bulletinPath(b)}">${bulletinNumberLabel(ctx, b)}</a></td><td>${bulletinTitle(ctx, b)}<br><span class="muted">${countsText(ctx, d.counts.get(b.id))}</span></td></tr>`,
        )}</tbody></table></section>`,
      )
    : html`<p class="muted">${t('bulletins.index.empty')}</p>`}
${pages > 1
    ? html`<nav class="pager" aria-label="${t('search.pagination')}">${d.page > 1 ? html`<a href="${indexHref(d.year, d.page - 1)}" rel="prev">${t('search.prev')}</a>` : ''}<span class="meta">${t('search.page', { page: d.page, pages })}</span>${d.page < pages ? html`<a href="${indexHref(d.year, d.page + 1)}" rel="next">${t('search.next')}</a>` : ''}</nav>`
    : ''}`;
  return layout(ctx, {
    title: heading,
    main,
    canonical: indexHref(d.year, d.page),
    head: html`<link rel="alternate" type="application/atom+xml" href="/bulletins.atom" title="${t('bulletins.feed.title')}">`,
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: t('bulletins.index.title'), href: '/bulletins' }, ...(d.year !== undefined ? [{ label: String(d.year) }] : [])],
  });
}

/** A standard number linked to its page, with its current title and status when it is still in the catalogue. */
function stdCell(ctx: PageCtx, id: string, number: string, sums: Map<string, StandardSummary>): SafeHtml {
  const s = sums.get(id);
  return s ? html`<a href="${stdHref(id)}">${number}</a>` : html`${number} <span class="muted">(${ctx.t('bulletins.notInCatalogue')})</span>`;
}

function titleCell(ctx: PageCtx, id: string, sums: Map<string, StandardSummary>): SafeHtml {
  const s = sums.get(id);
  return s ? html`${pickTitle(ctx, s.titles)} ${statusBadge(ctx, s.status)}` : html``;
}

/** The items of one kind as a table (the grouping of the printed announcement: new, revised, abolished). */
export function itemsTable(ctx: PageCtx, b: Bulletin, items: BulletinItem[], sums: Map<string, StandardSummary>, actions?: (it: BulletinItem) => SafeHtml): SafeHtml {
  const { t } = ctx;
  const kind = items[0]?.kind;
  const cols =
    kind === 'abolition'
      ? html`<th>${t('bulletins.col.abolition')}</th>`
      : html`${kind === 'revision' ? html`<th>${t('bulletins.col.replaces')}</th>` : ''}<th>${t('bulletins.col.release')}</th><th>${t('bulletins.col.implementation')}</th>`;
  return html`<table class="data bulletin-items"><thead><tr><th>${t('bulletins.col.seq')}</th><th>${t('bulletins.col.number')}</th><th>${t('bulletins.col.title')}</th>${cols}<th>${t('bulletins.col.note')}</th>${actions ? html`<th>${t('bulletins.col.actions')}</th>` : ''}</tr></thead><tbody>${items.map(
    (it) => html`<tr id="item-${it.seq}"><td class="n">${it.seq}</td><td>${stdCell(ctx, it.std.id, it.std.number, sums)}</td><td>${titleCell(ctx, it.std.id, sums)}</td>${
      it.kind === 'abolition'
        ? html`<td>${it.abolitionDate ? dateEl(it.abolitionDate) : t('bulletins.abolitionOnBulletinDate', { date: b.date })}</td>`
        : html`${it.kind === 'revision' ? html`<td>${it.replaces.map((r, i) => html`${i ? ', ' : ''}${stdCell(ctx, r.id, r.number, sums)}`)}</td>` : ''}<td>${it.releaseDate ? dateEl(it.releaseDate) : ''}</td><td>${it.implementationDate ? dateEl(it.implementationDate) : ''}</td>`
    }<td>${it.note ?? ''}</td>${actions ? html`<td>${actions(it)}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

/** The items grouped new / revised / abolished, each group with its heading. */
export function groupedItems(ctx: PageCtx, b: BulletinWithItems, sums: Map<string, StandardSummary>, actions?: (it: BulletinItem) => SafeHtml): SafeHtml {
  const groups = (['new', 'revision', 'abolition'] as const).map((k) => ({ k, items: b.items.filter((i) => i.kind === k) })).filter((g) => g.items.length);
  return html`${groups.map(
    (g) => html`<section class="bulletin-group"><h2>${ctx.t(`bulletins.group.${g.k}`)} (${num(ctx, g.items.length)})</h2>${itemsTable(ctx, b, g.items, sums, actions)}</section>`,
  )}`;
}

/** The header facts of a bulletin as a definition list. */
export function bulletinFacts(ctx: PageCtx, b: Bulletin): SafeHtml {
  const { t } = ctx;
  return html`<dl class="meta bulletin-facts">
<dt>${t('bulletins.publisher')}</dt><dd>${b.publisher}</dd>
<dt>${t('bulletins.number')}</dt><dd>${bulletinNumberLabel(ctx, b)}</dd>
<dt>${t('bulletins.date')}</dt><dd>${dateEl(b.date)}</dd>
${b.issuingBodies.length ? html`<dt>${t('bulletins.issuingBodies')}</dt><dd>${issuingBodiesText(ctx, b)}</dd>` : ''}
${b.publishedAt ? html`<dt>${t('bulletins.publishedAt')}</dt><dd><time datetime="${b.publishedAt}">${b.publishedAt.slice(0, 16).replace('T', ' ')} UTC</time></dd>` : ''}
</dl>`;
}

/** The public page of a published bulletin. */
export function bulletinPage(ctx: PageCtx, b: BulletinWithItems, sums: Map<string, StandardSummary>): SafeHtml {
  const { t } = ctx;
  const title = bulletinTitle(ctx, b);
  const main = html`
<h1>${title}</h1>
${bulletinFacts(ctx, b)}
${groupedItems(ctx, b, sums)}`;
  return layout(ctx, {
    title,
    main,
    canonical: bulletinPath(b),
    breadcrumbs: [
      { label: t('nav.home'), href: '/' },
      { label: t('bulletins.index.title'), href: '/bulletins' },
      { label: String(b.year), href: indexHref(b.year, 1) },
      { label: bulletinNumberLabel(ctx, b) },
    ],
  });
}
