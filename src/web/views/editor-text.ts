/**
 * The staged full text of a draft: the upload form and the import report (diagnostics with id, severity and
 * location; the shape of the text) shown before publishing.
 */
import { primaryIdentifier } from '../../catalogue/model.js';
import type { Diagnostic } from '../../kernel/diagnostics.js';
import type { Draft } from '../../editorial/service.js';
import { TEXT_IMPORTERS } from '../../editorial/staging.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { layout } from './layout.js';
import { num } from './components.js';
import { draftHref, editorCrumbs } from './editor.js';

const SEVERITIES = ['abort', 'serious', 'minor', 'info'] as const;

/** Where a diagnostic points: file:line:col and/or [record]. */
function where(d: Diagnostic): string {
  const l = d.location;
  const file = l.file ? `${l.file}${l.line ? `:${l.line}${l.col ? `:${l.col}` : ''}` : ''}` : '';
  return [file, l.record ? `[${l.record}]` : ''].filter(Boolean).join(' ');
}

/** The diagnostics as a table (most severe first, at most `max` rows). */
export function diagnosticsTable(ctx: PageCtx, list: Diagnostic[], max = 500): SafeHtml {
  const { t } = ctx;
  if (!list.length) return html`<p class="notice">${t('editorial.report.clean')}</p>`;
  const sorted = [...list].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const counts = SEVERITIES.map((s) => [s, list.filter((d) => d.severity === s).length] as const).filter(([, n]) => n > 0);
  return html`<p>${counts.map(([s, n]) => html`<span class="sev sev-${s}">${t(`editorial.sev.${s}` as MessageKey)}: ${num(ctx, n)}</span> `)}</p>
<table class="data diagnostics"><tr><th>${t('editorial.report.severity')}</th><th>${t('editorial.report.id')}</th><th>${t('editorial.report.location')}</th><th>${t('editorial.report.message')}</th></tr>
${sorted.slice(0, max).map((d) => html`<tr class="sev-${d.severity}"><td>${t(`editorial.sev.${d.severity}` as MessageKey)}</td><td><code>${d.id}</code></td><td>${where(d)}</td><td>${d.message}</td></tr>`)}
</table>${sorted.length > max ? html`<p class="muted">${t('editorial.report.more', { n: sorted.length - max })}</p>` : ''}`;
}

/** A few lines about the staged text (on the draft page). */
export function textSummary(ctx: PageCtx, d: Draft): SafeHtml {
  const { t } = ctx;
  const r = d.text!.report;
  const s = r.stats;
  return html`<div class="text-summary"><p>${t('editorial.text.file')}: <strong>${d.text!.name}</strong> (${r.importer})
${r.blocked ? html`<span class="field-error">${t('editorial.text.blocked')}</span>` : html`<span class="badge current">${t('editorial.text.ready')}</span>`}</p>
${s ? html`<p>${t('editorial.text.stats', { lang: s.lang, sections: s.sections, clauses: s.clauses, terms: s.terms, tables: s.tables, figures: s.figures })}</p>` : ''}
<p class="muted">${t('editorial.text.diagnostics', { n: r.diagnostics.length })}</p></div>`;
}

/** GET /editor/drafts/:id/text: upload form (multipart; the CSRF token rides in the action URL) and the report. */
export function textPage(ctx: PageCtx, d: { draft: Draft; csrfToken: string; error?: string }): SafeHtml {
  const { t } = ctx;
  const dr = d.draft;
  const number = primaryIdentifier(dr.record).value;
  const r = dr.text?.report;
  const editable = dr.state === 'draft' && !dr.publishing;
  const action = `${draftHref(dr.id, 'text')}?_csrf=${encodeURIComponent(d.csrfToken)}`;
  const main = html`<h1>${t('editorial.text.title')} · ${number}</h1>
<p><a href="${draftHref(dr.id)}">${t('editorial.backToDraft')}</a></p>
${d.error ? html`<p class="form-errors" role="alert">${d.error}</p>` : ''}
${editable
    ? html`<form class="stack" method="post" action="${action}" enctype="multipart/form-data">
<input type="hidden" name="version" value="${dr.version}">
<label for="f-importer">${t('editorial.field.importer')}
<select id="f-importer" name="importer"><option value="auto">${t('editorial.text.auto')}</option>${TEXT_IMPORTERS.map((i) => html`<option value="${i.name}">${i.label} (${i.name})</option>`)}</select></label>
<label for="f-file">${t('editorial.field.file')} <small class="muted">${t('editorial.hint.file')}</small>
<input id="f-file" type="file" name="file" required accept=".xml,.txt,application/xml,text/xml,text/plain"></label>
<p><button type="submit">${t('editorial.text.check')}</button></p></form>`
    : ''}
${r
    ? html`<section class="text-report"><h2>${t('editorial.report.title')}</h2>
${textSummary(ctx, dr)}
${r.blocked ? html`<p class="form-errors" role="alert">${t('editorial.publish.blocked')}</p>` : html`<p class="notice">${t('editorial.report.ok')}</p>`}
${diagnosticsTable(ctx, r.diagnostics)}
${editable && !r.blocked ? html`<p><a class="button" href="${draftHref(dr.id)}">${t('editorial.report.toPublish')}</a></p>` : ''}</section>`
    : html`<p class="muted">${t('editorial.text.noneLong')}</p>`}`;
  return layout(ctx, { title: `${t('editorial.text.title')} · ${number}`, main, breadcrumbs: editorCrumbs(ctx, { label: number, href: draftHref(dr.id) }, { label: t('editorial.text.title') }) });
}
