import { computeStatus, type LifecycleFact } from '../../lifecycle/compute.js';
import { assertAsOf } from '../../lifecycle/service.js';
import type { PanelInput } from '../standard-panels.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { dateEl, statusBadge, stdHref, vocab } from './components.js';

/**
 * The lifecycle panel of a standard's page: its status on a date (today, or `?asOf=YYYY-MM-DD`) computed from dated
 * facts — or the source's status, said so, where no dated fact decides it — what it replaced and what replaced it,
 * each fact with the status that followed, and a form to ask about another date (a plain GET form: no script).
 */
export async function lifecyclePanel(input: PanelInput): Promise<SafeHtml | null> {
  const { ctx, record } = input;
  const lifecycle = ctx.services.lifecycle;
  const asked = input.asOf ?? ctx.query.get('asOf') ?? undefined;
  const today = lifecycle.dayOf(ctx.now);
  if (asked !== undefined && asked !== '') assertAsOf(asked);
  const asOf = asked || today;
  const s = await lifecycle.statusAsOf(record.id, asOf);
  const t = ctx.t;

  // The status after each fact date, from the same rules (dates ahead of today are marked upcoming).
  const facts = s.facts;
  const after = new Map<string, string | null>();
  for (const d of new Set(facts.map((f) => f.date)))
    after.set(d, computeStatus(facts, d, record.body, s.sourceStatus, { trustSource: d >= today }).status);
  const relatedIds = [...new Set(facts.map((f) => f.related).filter((x): x is string => !!x))];
  const numbers = new Map((await ctx.services.catalogue.summaries(relatedIds)).map((r) => [r.id, r.number]));
  const other = (id: string | null) => (id ? html` <a href="${stdHref(id)}">${numbers.get(id) ?? id}</a>` : '');

  const basis =
    s.basis === 'facts'
      ? html`<p class="meta">${t('lifecycle.basis.facts')}${s.sourceStatus && s.sourceStatus !== s.status ? html` ${t('lifecycle.sourceSays', { status: vocab(ctx, 'status', s.sourceStatus) })}` : ''}</p>`
      : html`<p class="meta">${s.statusSource ? t('lifecycle.basis.source', { source: s.statusSource }) : t('lifecycle.basis.sourcePlain')}</p>`;

  const factItem = (f: LifecycleFact & { inEffect: boolean }) => {
    const label = t(`lifecycle.fact.${f.type}` as MessageKey);
    const st = after.get(f.date);
    return html`<li${f.date > today ? html` class="future"` : ''}>${dateEl(f.date)}${f.date.length === 7 ? html` <span class="meta">(${t('lifecycle.monthOnly')})</span>` : ''} ${label}${f.type === 'replaced' ? other(f.related) : ''}${
      f.date > today ? html` <span class="badge">${t('lifecycle.upcoming')}</span>` : ''
    }${st ? html` <span class="meta">${t('lifecycle.statusThen')}</span> ${statusBadge(ctx, st)}` : ''} <span class="meta">${t('lifecycle.factSource', { source: f.source })}</span></li>`;
  };

  return html`<section class="lifecycle-panel" id="lifecycle" aria-labelledby="lifecycle-h">
<h2 id="lifecycle-h">${t('lifecycle.panel.title')}</h2>
<p class="lifecycle-now"><strong>${t('lifecycle.statusOn', { date: asOf })}</strong> ${
    s.status
      ? html`${statusBadge(ctx, s.status)} <span class="meta">${s.since ? t('lifecycle.since', { date: s.since }) : s.basis === 'facts' ? t('lifecycle.sinceUnknown') : ''}</span>`
      : html`<span class="meta">${t('lifecycle.notYet')}</span>`
  }</p>
${basis}
${s.replaced.length ? html`<p>${t('lifecycle.replaces')}: ${s.replaced.map((r, i) => html`${i ? ', ' : ''}<a href="${stdHref(r.id)}">${r.number ?? r.id}</a> <span class="meta">(${t('lifecycle.effective', { date: r.date })})</span>`)}</p>` : ''}
${s.replacedBy ? html`<p>${t('lifecycle.replacedBy')}: <a href="${stdHref(s.replacedBy.id)}">${s.replacedBy.number ?? s.replacedBy.id}</a> <span class="meta">(${t('lifecycle.effective', { date: s.replacedBy.date })})</span></p>` : ''}
<h3>${t('lifecycle.facts')}</h3>
${facts.length ? html`<ol class="timeline">${facts.map(factItem)}</ol>` : html`<p class="muted">${t('lifecycle.noFacts')}</p>`}
<form class="lifecycle-asof" method="get" action="${stdHref(record.id)}#lifecycle">
<label>${t('lifecycle.asOf.label')} <input type="date" name="asOf" value="${asOf}" min="1900-01-01" max="2200-12-31" required></label>
<button type="submit" class="secondary">${t('lifecycle.asOf.submit')}</button>
${asked ? html`<a href="${stdHref(record.id)}#lifecycle">${t('lifecycle.asOf.today')}</a>` : ''}
</form>
</section>`;
}
