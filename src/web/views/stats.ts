import { USAGE_THRESHOLDS, type UsageKind } from '../../usage/model.js';
import type { BreakdownRow, TopItem } from '../../usage/ports.js';
import type { UsageReport } from '../../usage/service.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { layout } from './layout.js';
import { num, pickTitle, stdHref, vocab } from './components.js';
import { groupedBarChart, horizontalBarChart } from './stats-charts.js';

const KIND_LABEL: Record<UsageKind, MessageKey> = {
  view: 'stats.kind.view',
  read: 'stats.kind.read',
  download: 'stats.kind.download',
};

/** Chart order: downloads, reads, page views (the order the national platform reports them in). */
const CHART_KINDS: UsageKind[] = ['download', 'read', 'view'];

function topList(ctx: PageCtx, kind: UsageKind, items: TopItem[]): SafeHtml {
  const { t } = ctx;
  return html`<section class="stats-top"><h3>${t('stats.topBy', { kind: t(KIND_LABEL[kind]) })}</h3>
${items.length
    ? html`<ol>${items.map(
        (i) => html`<li><a href="${stdHref(i.id)}">${i.number ?? i.id}</a> <span class="muted">${pickTitle(ctx, i.titles)}</span> <span class="n">${num(ctx, i[kind])}</span></li>`,
      )}</ol>`
    : html`<p class="muted">${t('stats.noData')}</p>`}</section>`;
}

function breakdown(ctx: PageCtx, heading: MessageKey, rows: BreakdownRow[], labelOf: (r: BreakdownRow) => string, note?: MessageKey): SafeHtml {
  const { t } = ctx;
  const fmt = (n: number) => num(ctx, n);
  return html`<section><h2>${t(heading)}</h2>
${rows.length
    ? html`${horizontalBarChart({
        title: `${t(heading)} · ${t('stats.kind.download')}`,
        items: rows.slice(0, 20).map((r) => ({ label: labelOf(r), value: r.download })),
        format: fmt,
      })}
<table><thead><tr><th>${t('stats.category')}</th><th class="n">${t('stats.standards')}</th>${CHART_KINDS.map((k) => html`<th class="n">${t(KIND_LABEL[k])}</th>`)}</tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td>${labelOf(r)}</td><td class="n">${num(ctx, r.standards)}</td>${CHART_KINDS.map((k) => html`<td class="n">${num(ctx, r[k])}</td>`)}</tr>`,
      )}</tbody></table>
${note ? html`<p class="muted">${t(note)}</p>` : ''}`
    : html`<p class="muted">${t('stats.noData')}</p>`}</section>`;
}

function categoryLabel(ctx: PageCtx, r: BreakdownRow): string {
  if (!r.key) return ctx.t('stats.none');
  const title = pickTitle(ctx, r.titles);
  return title ? `${r.key} ${title}` : r.key;
}

/** The public statistics page: totals, monthly chart, milestones, top standards, breakdowns; links to CSV and API. */
export function statsPage(ctx: PageCtx, report: UsageReport): SafeHtml {
  const { t } = ctx;
  const fmt = (n: number) => num(ctx, n);
  const s = report.summary;
  const months = report.monthly;
  const main = html`
<h1>${t('stats.title')}</h1>
<p>${t('stats.intro')}</p>
${s.firstDay && s.lastDay ? html`<p class="muted">${t('stats.period', { from: s.firstDay, to: s.lastDay })}</p>` : ''}
<section><h2>${t('stats.summary')}</h2>
<table class="stats-summary"><thead><tr><th></th><th class="n">${t('stats.count')}</th><th class="n">${t('stats.visitorDays')}</th><th class="n">${t('stats.bots')}</th></tr></thead>
<tbody>${CHART_KINDS.map((k) => {
    const row = s.totals.find((x) => x.kind === k);
    return html`<tr><th scope="row">${t(KIND_LABEL[k])}</th><td class="n">${num(ctx, row?.count ?? 0)}</td><td class="n">${num(ctx, row?.visitorDays ?? 0)}</td><td class="n">${num(ctx, row?.bots ?? 0)}</td></tr>`;
  })}</tbody></table>
<p class="muted">${t('stats.visitorsToday', { count: num(ctx, s.visitorsToday) })}</p>
</section>
<section><h2>${t('stats.monthly')}</h2>
${groupedBarChart({
    title: t('stats.monthlyChart'),
    categories: months.map((m) => m.month),
    series: CHART_KINDS.map((k) => ({ label: t(KIND_LABEL[k]), values: months.map((m) => m[k]) })),
    format: fmt,
  })}
<table class="stats-monthly"><thead><tr><th>${t('stats.month')}</th>${CHART_KINDS.map((k) => html`<th class="n">${t(KIND_LABEL[k])}</th>`)}<th class="n">${t('stats.bots')}</th></tr></thead>
<tbody>${months.map(
    (m) => html`<tr><td>${m.month}</td>${CHART_KINDS.map((k) => html`<td class="n">${num(ctx, m[k])}</td>`)}<td class="n">${num(ctx, m.bots)}</td></tr>`,
  )}</tbody></table>
</section>
<section><h2>${t('stats.thresholds')}</h2>
<p>${t('stats.thresholdsIntro')}</p>
<table class="stats-thresholds"><thead><tr><th></th>${USAGE_THRESHOLDS.map((n) => html`<th class="n">${t('stats.threshold', { n: num(ctx, n) })}</th>`)}</tr></thead>
<tbody>${(['download', 'read'] as const).map((k) => {
    const row = report.thresholds.find((r) => r.kind === k);
    return html`<tr><th scope="row">${t(KIND_LABEL[k])}</th>${USAGE_THRESHOLDS.map((n) => html`<td class="n">${num(ctx, row?.passed[String(n)] ?? 0)}</td>`)}</tr>`;
  })}</tbody></table>
</section>
<section><h2>${t('stats.top')}</h2>
<div class="cols">${CHART_KINDS.map((k) => topList(ctx, k, report.top[k]))}</div>
</section>
${breakdown(ctx, 'stats.byNature', report.byNature, (r) => (r.key ? vocab(ctx, 'nature', r.key) : t('stats.none')))}
${breakdown(ctx, 'stats.byIcs', report.byIcs, (r) => categoryLabel(ctx, r), 'stats.multiNote')}
${breakdown(ctx, 'stats.byCcs', report.byCcs, (r) => categoryLabel(ctx, r), 'stats.multiNote')}
<p><a href="/stats.csv" download>${t('stats.csv')}</a> · <a href="/api/v1/usage/summary">${t('stats.api')}</a></p>`;
  return layout(ctx, {
    title: t('stats.title'),
    main,
    canonical: '/stats',
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: t('stats.title') }],
  });
}
