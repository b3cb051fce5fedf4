/** Bulk import pages: the upload form and the progress / report page (refreshes itself while running). */
import type { BulkRun } from '../../editorial/bulk.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { layout } from './layout.js';
import { num } from './components.js';
import { editorCrumbs } from './editor.js';
import { diagnosticsTable } from './editor-text.js';

/** Seconds between refreshes of a running import's page. */
export const REFRESH_SECONDS = 2;

/** GET /editor/import. */
export function importFormPage(ctx: PageCtx, d: { importers: { name: string; description: string; accepts: string }[]; runs: BulkRun[]; csrfToken: string; error?: string; scopes: 'all' | string[] }): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('editorial.import.title')}</h1>
<p>${d.scopes === 'all' ? t('editorial.import.scopeAll') : t('editorial.import.scope', { publishers: d.scopes.join(', ') })}</p>
${d.error ? html`<p class="form-errors" role="alert">${d.error}</p>` : ''}
<form class="stack" method="post" action="/editor/import?_csrf=${encodeURIComponent(d.csrfToken)}" enctype="multipart/form-data">
<label for="f-importer">${t('editorial.field.importer')}
<select id="f-importer" name="importer" required>${d.importers.map((i) => html`<option value="${i.name}">${i.name} — ${i.description}</option>`)}</select></label>
<label for="f-file">${t('editorial.field.file')} <small class="muted">${t('editorial.hint.importFile')}</small>
<input id="f-file" type="file" name="file" required></label>
<p><button type="submit">${t('editorial.import.start')}</button></p></form>
<details><summary>${t('editorial.import.accepts')}</summary><dl>${d.importers.map((i) => html`<dt><code>${i.name}</code></dt><dd>${i.accepts}</dd>`)}</dl></details>
${d.runs.length
    ? html`<section><h2>${t('editorial.dashboard.imports')}</h2><ul>${d.runs.map(
        (r) => html`<li><a href="/editor/import/${r.id}">${r.fileName}</a> (${r.importer}) — ${t(`editorial.import.state.${r.state}` as MessageKey)} <span class="muted">${r.createdAt.slice(0, 16).replace('T', ' ')} UTC</span></li>`,
      )}</ul></section>`
    : ''}`;
  return layout(ctx, { title: t('editorial.import.title'), main, breadcrumbs: editorCrumbs(ctx, { label: t('editorial.import.title') }) });
}

/** GET /editor/import/:runId — progress while running (meta refresh), then counts and the full diagnostics. */
export function importRunPage(ctx: PageCtx, run: BulkRun): SafeHtml {
  const { t } = ctx;
  const running = run.state === 'running';
  const c = run.report?.counts;
  const main = html`<h1>${t('editorial.import.run', { file: run.fileName })}</h1>
<p>${t('editorial.field.importer')}: <code>${run.importer}</code> · ${t('editorial.col.state')}: <strong class="import-state">${t(`editorial.import.state.${run.state}` as MessageKey)}</strong></p>
${running
    ? html`<p role="status">${run.total ? html`<progress max="${run.total}" value="${run.done}"></progress> ` : ''}${t('editorial.import.progress', { done: run.done, total: run.total ?? '?' })}</p>
<p class="muted">${t('editorial.import.refresh', { s: REFRESH_SECONDS })}</p>`
    : ''}
${c
    ? html`<table class="data counts"><tr>${(['seen', 'created', 'updated', 'unchanged', 'skipped', 'failed'] as const).map((k) => html`<th>${t(`editorial.count.${k}` as MessageKey)}</th>`)}</tr>
<tr>${(['seen', 'created', 'updated', 'unchanged', 'skipped', 'failed'] as const).map((k) => html`<td>${num(ctx, c[k])}</td>`)}</tr></table>
<h2>${t('editorial.report.title')}</h2>${diagnosticsTable(ctx, run.report!.diagnostics, 2000)}`
    : ''}
<p><a href="/editor/import">${t('editorial.import.another')}</a></p>`;
  const head = running ? html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : undefined;
  return layout(ctx, { title: t('editorial.import.title'), main, head, breadcrumbs: editorCrumbs(ctx, { label: t('editorial.import.title'), href: '/editor/import' }, { label: run.fileName }) });
}
