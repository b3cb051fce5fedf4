import type { AuditQuery } from '../../audit/query.js';
import { auditQueryParams } from '../../audit/query.js';
import type { AuditRow } from '../../audit/service.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout } from './layout.js';
import { stdHref } from './components.js';
import { changeList, roleLabel, utc, verbLabel } from './audit-common.js';

export interface AuditPageData {
  query: AuditQuery;
  rows: AuditRow[];
  next: number | null;
  /** Publishers the viewer is limited to; undefined = everything. */
  scope?: string[];
  verbs: string[];
  objectTypes: string[];
}

/** Object ids that name a standard link to its page (the events of its text and settings too). */
const STANDARD_OBJECTS = new Set(['standard', 'text', 'disclosure', 'lifecycle', 'editorial']);

function input(name: string, label: string, value: string | undefined, extra: SafeHtml = html``): SafeHtml {
  return html`<label>${label} <input name="${name}" value="${value ?? ''}" maxlength="200"${extra}></label>`;
}

/** /admin/audit: filters, the paginated event table, CSV export of the filtered set. */
export function auditPage(ctx: PageCtx, d: AuditPageData): SafeHtml {
  const { t } = ctx;
  const q = d.query;
  const params = auditQueryParams(q);
  const qs = params.toString();
  const nextParams = new URLSearchParams(params);
  if (d.next !== null) nextParams.set('cursor', String(d.next));
  const main = html`
<h1>${t('audit.admin.title')}</h1>
<p class="muted">${t('audit.admin.intro')}</p>
${d.scope ? html`<p class="notice">${t('audit.admin.scoped', { publishers: d.scope.join(', ') })}</p>` : ''}
<form class="audit-filters" method="get" action="/admin/audit">
<fieldset><legend>${t('audit.admin.filters')}</legend>
${input('person', t('audit.admin.person'), q.person)}
${input('actor', t('audit.admin.actor'), q.actor)}
<label>${t('audit.admin.objectType')} <select name="type"><option value="">—</option>${d.objectTypes.map((o) => html`<option${o === q.objectType ? html` selected` : ''}>${o}</option>`)}</select></label>
${input('object', t('audit.admin.objectId'), q.objectId)}
${input('verb', t('audit.admin.verb'), q.verb, html` list="audit-verbs"`)}
<datalist id="audit-verbs">${d.verbs.map((v) => html`<option value="${v}">${verbLabel(ctx, v)}</option>`)}</datalist>
<label>${t('audit.admin.from')} <input type="date" name="from" value="${q.from ?? ''}"></label>
<label>${t('audit.admin.to')} <input type="date" name="to" value="${q.to ?? ''}"></label>
<button type="submit">${t('audit.admin.apply')}</button>
<a class="button secondary" href="/admin/audit">${t('audit.admin.reset')}</a>
<a class="button secondary" href="${`/admin/audit.csv${qs ? `?${qs}` : ''}`}">${t('audit.admin.csv')}</a>
</fieldset>
</form>
${d.rows.length
    ? html`<table class="data audit-log">
<thead><tr><th>${t('audit.admin.colTime')}</th><th>${t('audit.admin.colWho')}</th><th>${t('audit.admin.colAction')}</th><th>${t('audit.admin.colObject')}</th><th>${t('audit.admin.colChanges')}</th></tr></thead>
<tbody>${d.rows.map(
        (r) => html`<tr>
<td><time datetime="${r.at}">${utc(r.at)}</time></td>
<td>${r.who.name ?? ''}<br><span class="muted">${roleLabel(ctx, r.who.role)} · ${r.actor}</span></td>
<td>${verbLabel(ctx, r.verb)}<br><span class="muted">${r.verb}</span></td>
<td>${r.objectType}<br>${STANDARD_OBJECTS.has(r.objectType) ? html`<a href="${stdHref(r.objectId)}">${r.objectId}</a>` : r.objectId}</td>
<td>${r.changes.length ? changeList(ctx, r) : t('audit.admin.noChanges')}</td>
</tr>`,
      )}</tbody></table>`
    : html`<p class="muted">${t('audit.admin.none')}</p>`}
<nav class="pager">${q.cursor !== undefined ? html`<a href="${`/admin/audit${qs ? `?${qs}` : ''}`}">${t('audit.admin.newest')}</a>` : ''}${d.next !== null ? html`<a rel="next" href="${`/admin/audit?${nextParams.toString()}`}">${t('audit.admin.older')} →</a>` : ''}</nav>`;
  return layout(ctx, { title: t('audit.admin.title'), main, breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: t('audit.admin.title') }] });
}
