import { primaryIdentifier, type StandardRecord } from '../../catalogue/model.js';
import type { AuditRow } from '../../audit/service.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { contentLang } from '../i18n/index.js';
import { layout } from './layout.js';
import { bodyHref, statusBadge, stdHref, vocab } from './components.js';
import { changeList, utc, verbLabel, who } from './audit-common.js';

/** The History tab: every recorded step of the standard, oldest first, with readable field changes. */
export function historyPage(ctx: PageCtx, d: { record: StandardRecord; rows: AuditRow[]; tabs: SafeHtml; namesShown: boolean }): SafeHtml {
  const { t } = ctx;
  const r = d.record;
  const number = primaryIdentifier(r).value;
  const mine = contentLang(ctx.lang);
  const title = r.titles.find((x) => x.lang === mine && x.type === 'main') ?? r.titles.find((x) => x.type === 'main') ?? r.titles[0];
  const body = vocab(ctx, 'body', r.body);
  const main = html`
<h1><span class="num">${number}</span> ${statusBadge(ctx, r.status)}${title ? html`<br><span lang="${title.lang}">${title.text}</span>` : ''}</h1>
${d.tabs}
<section class="audit-history">
<h2>${t('audit.tab.history')}</h2>
<p class="muted">${t('audit.history.intro')}${d.namesShown ? '' : html` ${t('audit.history.namesHidden')}`}</p>
${d.rows.length
    ? html`<ol class="timeline audit">${d.rows.map(
        (e) => html`<li><time datetime="${e.at}">${utc(e.at)} UTC</time><strong>${verbLabel(ctx, e.verb)}</strong> <span class="meta">${who(ctx, e)}</span>${changeList(ctx, e)}</li>`,
      )}</ol>`
    : html`<p class="muted">${t('audit.history.none')}</p>`}
</section>`;
  return layout(ctx, {
    title: t('audit.history.title', { number }),
    main,
    canonical: `${stdHref(r.id)}/history`,
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: body, href: bodyHref(r.body) }, { label: number, href: stdHref(r.id) }, { label: t('audit.tab.history') }],
  });
}
