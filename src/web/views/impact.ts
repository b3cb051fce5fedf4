import type { ImpactReport } from '../../bulletins/impact.js';
import { primaryIdentifier, type StandardRecord } from '../../catalogue/model.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { mentionLines } from './bulletin-panel.js';
import { num, pickTitle, statusBadge, stdHref } from './components.js';
import { layout } from './layout.js';
import type { StandardTab } from '../standard-panels.js';

/**
 * The impact tab of a standard: citing standards, watchers and a plain statement that enterprise declarations are
 * not tracked (no invented numbers).
 */
export function impactPage(ctx: PageCtx, d: { record: StandardRecord; report: ImpactReport; tabs: SafeHtml }): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(d.record).value;
  const r = d.report;
  const title = t('bulletins.impact.title', { number });
  const main = html`<h1>${title}</h1>
${d.tabs}
<p>${t('bulletins.impact.intro')}</p>
<section class="impact-citations"><h2>${t('bulletins.impact.citations')} (${num(ctx, r.citations.length)})</h2>
${r.citations.length
    ? html`<table class="data"><thead><tr><th>${t('bulletins.col.number')}</th><th>${t('bulletins.col.title')}</th><th>${t('std.status')}</th><th></th></tr></thead><tbody>${r.citations.map(
        (c) => html`<tr><td><a href="${stdHref(c.id)}">${c.number}</a></td><td>${pickTitle(ctx, c.titles)}</td><td>${statusBadge(ctx, c.status)}</td><td class="muted">${t(`bulletins.impact.via.${c.via}`)}: ${c.ref}</td></tr>`,
      )}</tbody></table>${r.citationsTruncated ? html`<p class="muted">${t('bulletins.impact.citationsTruncated', { count: num(ctx, r.citations.length) })}</p>` : ''}`
    : html`<p class="muted">${t('bulletins.impact.citationsNone')}</p>`}
</section>
<section class="impact-watchers"><h2>${t('bulletins.impact.watchers')}</h2>
<p>${r.watchers === null ? t('bulletins.impact.watchersUntracked') : t('bulletins.impact.watcherCount', { count: num(ctx, r.watchers) })}</p>
</section>
<section class="impact-declarations"><h2>${t('bulletins.impact.declarations')}</h2>
<p>${t('bulletins.impact.declarationsUntracked')}</p>
</section>
<section class="impact-bulletins"><h2>${t('bulletins.impact.bulletins')}</h2>
${r.mentions.length ? mentionLines(ctx, r.mentions) : html`<p class="muted">${t('bulletins.impact.bulletinsNone')}</p>`}
</section>`;
  return layout(ctx, {
    title,
    main,
    canonical: `${stdHref(d.record.id)}/impact`,
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: number, href: stdHref(d.record.id) }, { label: t('bulletins.impact.tab') }],
  });
}

/** The Impact tab of a standard's page (registered in src/web/standard-panels.ts). */
export const impactTab: StandardTab = { label: 'bulletins.impact.tab', path: 'impact' };
