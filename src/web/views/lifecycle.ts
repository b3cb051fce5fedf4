import type { DeadlineItem, PublisherScope, ReviewItem } from '../../lifecycle/worklists.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { breadcrumbs, layout } from './layout.js';
import { dateEl, num, pickTitle, statusBadge, stdHref } from './components.js';

/** Editors' pages of the lifecycle domain: disclosure deadlines and overdue systematic reviews. */

function nav(ctx: PageCtx, current: 'deadlines' | 'reviews'): SafeHtml {
  const link = (path: string, key: 'lifecycle.nav.deadlines' | 'lifecycle.nav.reviews', name: string) =>
    html`<a href="${path}"${name === current ? html` aria-current="page"` : ''}>${ctx.t(key)}</a>`;
  return html`<nav class="tabs" aria-label="${ctx.t('lifecycle.panel.title')}">${link('/editor/deadlines', 'lifecycle.nav.deadlines', 'deadlines')}${link('/editor/reviews', 'lifecycle.nav.reviews', 'reviews')}</nav>`;
}

function scopeLine(ctx: PageCtx, scope: PublisherScope, today: string): SafeHtml {
  return html`<p class="meta">${ctx.t('lifecycle.scope', { bodies: scope === 'all' ? ctx.t('lifecycle.scopeAll') : scope.join(', ') })} · ${ctx.t('lifecycle.today', { date: today })}</p>`;
}

function total(ctx: PageCtx, shown: number, all: number): SafeHtml {
  return shown < all ? html`<p class="meta">${ctx.t('lifecycle.total', { shown: num(ctx, shown), total: num(ctx, all) })}</p>` : html``;
}

/** GET /editor/deadlines: texts due and overdue for publication. */
export function deadlinesPage(
  ctx: PageCtx,
  p: { items: DeadlineItem[]; total: number; workingDays: number; scope: PublisherScope; today: string; calendarNames: string[] },
): SafeHtml {
  const t = ctx.t;
  const uncovered = [...new Set(p.items.flatMap((i) => i.uncoveredYears))].sort();
  const main = html`${breadcrumbs(ctx, [{ label: t('nav.home'), href: '/' }, { label: t('lifecycle.deadlines.title') }])}
<h1>${t('lifecycle.deadlines.title')}</h1>
${nav(ctx, 'deadlines')}
<p>${t('lifecycle.deadlines.intro', { days: p.workingDays })}</p>
${scopeLine(ctx, p.scope, p.today)}
<p class="meta">${t('lifecycle.calendar', { names: p.calendarNames.join('; ') || '—' })}</p>
${uncovered.length ? html`<p class="notice">${t('lifecycle.deadlines.uncovered', { years: uncovered.join(', ') })}</p>` : ''}
${p.items.length
    ? html`<table class="data lifecycle-deadlines"><thead><tr><th scope="col">${t('lifecycle.col.number')}</th><th scope="col">${t('lifecycle.col.title')}</th><th scope="col">${t('lifecycle.col.approved')}</th><th scope="col">${t('lifecycle.col.deadline')}</th><th scope="col">${t('lifecycle.col.left')}</th><th scope="col">${t('lifecycle.col.state')}</th></tr></thead>
<tbody>${p.items.map(
        (i) => html`<tr class="${i.state}"><td><a href="${stdHref(i.id)}">${i.number}</a></td><td>${pickTitle(ctx, i.titles)}</td><td>${dateEl(i.approved)}</td><td>${dateEl(i.deadline)}</td><td class="num">${i.workingDaysLeft}</td><td><span class="badge ${i.state}">${t(i.state === 'due' ? 'lifecycle.state.due' : 'lifecycle.state.overdue')}</span></td></tr>`,
      )}</tbody></table>
${total(ctx, p.items.length, p.total)}`
    : html`<p class="muted">${t('lifecycle.deadlines.none')}</p>`}`;
  return layout(ctx, { title: t('lifecycle.deadlines.title'), main });
}

/** GET /editor/reviews: standards in force whose systematic review is overdue, each with a confirm form. */
export function reviewsPage(
  ctx: PageCtx,
  p: { items: ReviewItem[]; total: number; years: number; scope: PublisherScope; today: string; csrf: SafeHtml; notice?: string },
): SafeHtml {
  const t = ctx.t;
  const main = html`${breadcrumbs(ctx, [{ label: t('nav.home'), href: '/' }, { label: t('lifecycle.reviews.title') }])}
<h1>${t('lifecycle.reviews.title')}</h1>
${nav(ctx, 'reviews')}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<p>${t('lifecycle.reviews.intro', { years: p.years })}</p>
${scopeLine(ctx, p.scope, p.today)}
${p.items.length
    ? html`<table class="data lifecycle-reviews"><thead><tr><th scope="col">${t('lifecycle.col.number')}</th><th scope="col">${t('lifecycle.col.title')}</th><th scope="col">${t('lifecycle.col.state')}</th><th scope="col">${t('lifecycle.col.anchor')}</th><th scope="col">${t('lifecycle.col.due')}</th><th scope="col">${t('lifecycle.col.action')}</th></tr></thead>
<tbody>${p.items.map(
        (i) => html`<tr><td><a href="${stdHref(i.id)}">${i.number}</a></td><td>${pickTitle(ctx, i.titles)}</td><td>${statusBadge(ctx, i.status)}</td><td>${dateEl(i.anchor)} <span class="meta">${t(`lifecycle.fact.${i.anchorType}`)}</span></td><td>${dateEl(i.due)}</td>
<td><form method="post" action="/editor/reviews/confirm" class="inline">${p.csrf}<input type="hidden" name="id" value="${i.id}"><label>${t('lifecycle.reviews.confirmDate')} <input type="date" name="date" value="${p.today}" required></label> <button type="submit" class="secondary">${t('lifecycle.reviews.confirm')}</button></form></td></tr>`,
      )}</tbody></table>
${total(ctx, p.items.length, p.total)}`
    : html`<p class="muted">${t('lifecycle.reviews.none')}</p>`}`;
  return layout(ctx, { title: t('lifecycle.reviews.title'), main });
}
