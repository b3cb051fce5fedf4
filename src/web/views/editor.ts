/**
 * Pages of the editorial back office (zh-CN and en, no JavaScript: forms post and redirect). The record form is
 * in editor-form.ts, the text report in editor-text.ts, bulk imports in editor-import.ts.
 */
import { primaryIdentifier, titleIn, type StandardRecord } from '../../catalogue/model.js';
import type { Draft } from '../../editorial/service.js';
import { draftStateLabel } from '../../editorial/workflow.js';
import type { BulkRun } from '../../editorial/bulk.js';
import type { Disclosure } from '../../reader/disclosure.js';
import { DISCLOSURE_MODES } from '../../reader/disclosure.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { contentLang, type MessageKey } from '../i18n/index.js';
import { layout, type Crumb } from './layout.js';
import { stdHref, statusBadge } from './components.js';
import { errorSummary, errorsByField, field, recordFields, type FormValues } from './editor-form.js';
import type { FieldErrors } from '../../editorial/validate.js';
import { textSummary } from './editor-text.js';

export const EDITOR_HOME = '/editor';

/** Link to a draft's page. */
export function draftHref(id: string, sub = ''): string {
  return `/editor/drafts/${encodeURIComponent(id)}${sub ? `/${sub}` : ''}`;
}
/** Link to an editor page of a published standard. */
export function editorStdHref(id: string, sub: 'edit' | 'disclosure' | 'withdraw'): string {
  return `/editor/standards/${encodeURIComponent(id)}/${sub}`;
}

export function editorCrumbs(ctx: PageCtx, ...more: Crumb[]): Crumb[] {
  return [{ label: ctx.t('nav.home'), href: '/' }, { label: ctx.t('editorial.title'), href: EDITOR_HOME }, ...more];
}

function recordTitle(ctx: PageCtx, r: StandardRecord): string {
  return titleIn(r, contentLang(ctx.lang)) ?? '';
}

/** Short identification of a draft: number, title, state. */
function draftLine(ctx: PageCtx, d: Draft): SafeHtml {
  return html`<tr><td><a href="${draftHref(d.id)}">${primaryIdentifier(d.record).value}</a></td><td>${recordTitle(ctx, d.record)}</td>
<td>${ctx.t(d.kind === 'new' ? 'editorial.kind.new' : 'editorial.kind.revision')}</td><td>${d.publishing ? ctx.t('editorial.state.publishing') : draftStateLabel(d.state, ctx.lang)}</td>
<td>${d.text ? (d.text.report.blocked ? ctx.t('editorial.text.blocked') : ctx.t('editorial.text.ready')) : ctx.t('editorial.text.none')}</td>
<td><time datetime="${d.updatedAt}">${d.updatedAt.slice(0, 16).replace('T', ' ')}</time> UTC</td></tr>`;
}

/** GET /editor: my publishers' drafts, recently published, my imports. */
export function dashboardPage(ctx: PageCtx, d: { drafts: Draft[]; published: Draft[]; imports: BulkRun[]; canCreate: boolean; canImport: boolean; flash?: string }): SafeHtml {
  const { t } = ctx;
  const head = html`<tr><th>${t('editorial.col.number')}</th><th>${t('editorial.col.title')}</th><th>${t('editorial.col.kind')}</th><th>${t('editorial.col.state')}</th><th>${t('editorial.col.text')}</th><th>${t('editorial.col.updated')}</th></tr>`;
  const main = html`<h1>${t('editorial.title')}</h1>
${d.flash ? html`<p class="notice" role="status">${d.flash}</p>` : ''}
<p class="editor-actions">${d.canCreate ? html`<a class="button" href="/editor/standards/new">${t('editorial.new')}</a>` : ''}
${d.canImport ? html` <a class="button secondary" href="/editor/import">${t('editorial.import.title')}</a>` : ''}</p>
<section><h2>${t('editorial.dashboard.drafts')}</h2>
${d.drafts.length ? html`<table class="data">${head}${d.drafts.map((x) => draftLine(ctx, x))}</table>` : html`<p class="muted">${t('editorial.dashboard.noDrafts')}</p>`}</section>
<section><h2>${t('editorial.dashboard.published')}</h2>
${d.published.length
    ? html`<ul>${d.published.map((x) => html`<li><a href="${stdHref(x.stdId)}">${primaryIdentifier(x.record).value}</a> ${recordTitle(ctx, x.record)} <span class="muted"><time datetime="${x.updatedAt}">${x.updatedAt.slice(0, 10)}</time></span></li>`)}</ul>`
    : html`<p class="muted">${t('editorial.dashboard.noPublished')}</p>`}</section>
${d.imports.length
    ? html`<section><h2>${t('editorial.dashboard.imports')}</h2><ul>${d.imports.map(
        (r) => html`<li><a href="/editor/import/${r.id}">${r.fileName}</a> (${r.importer}) — ${t(`editorial.import.state.${r.state}` as MessageKey)}</li>`,
      )}</ul></section>`
    : ''}`;
  return layout(ctx, { title: t('editorial.title'), main, breadcrumbs: editorCrumbs(ctx) });
}

/** GET/POST /editor/standards/new: the empty (or refused) form. */
export function newDraftPage(ctx: PageCtx, d: { values: FormValues; errors: FieldErrors | null; csrf: SafeHtml; publishers: 'all' | string[] }): SafeHtml {
  const { t } = ctx;
  const errs = errorsByField(ctx, d.errors);
  const main = html`<h1>${t('editorial.new')}</h1>
${errorSummary(ctx, errs)}
<form class="stack editor-form" method="post" action="/editor/standards/new" novalidate>${d.csrf}
${recordFields(ctx, d.values, errs, d.publishers)}
<p><button type="submit">${t('editorial.createDraft')}</button></p>
</form>`;
  return layout(ctx, { title: t('editorial.new'), main, breadcrumbs: editorCrumbs(ctx, { label: t('editorial.new') }) });
}

export interface DraftPageData {
  draft: Draft;
  values: FormValues;
  errors: FieldErrors | null;
  /** A message above the form: saved, conflict, publish refused … */
  flash?: { kind: 'ok' | 'error'; text: string };
  csrf: SafeHtml;
  publishers: 'all' | string[];
  canPublish: boolean;
  canDisclose: boolean;
  /** For a revision: the published record's current disclosure (what the form starts from). */
  current?: { mode: string; reason: { en?: string; zh?: string } };
}

function disclosureFields(ctx: PageCtx, mode: string, reason: { en?: string; zh?: string }, errors: FieldErrors | null): SafeHtml {
  const { t } = ctx;
  const errs = errorsByField(ctx, errors);
  const v: FormValues = { reason_en: reason.en ?? '', reason_zh: reason.zh ?? '' };
  return html`<fieldset class="disclosure-modes"><legend>${t('editorial.field.mode')}</legend>${DISCLOSURE_MODES.map(
    (m) => html`<label class="choice"><input type="radio" name="mode" value="${m}"${m === mode ? html` checked` : ''}> ${t(`reader.mode.${m}` as MessageKey)}</label>`,
  )}${errs.has('mode') ? html`<span class="field-error">${errs.get('mode')!.join(' ')}</span>` : ''}</fieldset>
${errs.has('reason') ? html`<p class="field-error">${errs.get('reason')!.join(' ')}</p>` : ''}
${field(ctx, v, errs, 'reason_zh', { maxlength: 500 })}
${field(ctx, v, errs, 'reason_en', { maxlength: 500 })}`;
}

/** GET/POST /editor/drafts/:id: the draft's form, its text, its disclosure and the publish button. */
export function draftPage(ctx: PageCtx, d: DraftPageData, disclosureErrors: FieldErrors | null = null): SafeHtml {
  const { t } = ctx;
  const dr = d.draft;
  const number = primaryIdentifier(dr.record).value;
  const errs = errorsByField(ctx, d.errors);
  const editable = dr.state === 'draft' && !dr.publishing;
  const blocked = dr.text?.report.blocked === true;
  const main = html`<h1>${number} <span class="muted">${t(dr.kind === 'new' ? 'editorial.kind.new' : 'editorial.kind.revision')}</span></h1>
<p>${t('editorial.col.state')}: <strong class="draft-state">${dr.publishing ? t('editorial.state.publishing') : draftStateLabel(dr.state, ctx.lang)}</strong>
${dr.kind === 'revision' ? html` · <a href="${stdHref(dr.stdId)}">${t('editorial.viewPublished')}</a>` : ''}
${dr.state === 'published' ? html` · <a href="${stdHref(dr.stdId)}">${t('editorial.viewPublished')}</a>` : ''}</p>
${d.flash ? html`<p class="${d.flash.kind === 'ok' ? 'notice' : 'form-errors'}" role="${d.flash.kind === 'ok' ? 'status' : 'alert'}">${d.flash.text}</p>` : ''}
${editable
    ? html`<section class="editor-publish"><h2>${t('editorial.publish.title')}</h2>
${dr.text ? textSummary(ctx, dr) : html`<p class="muted">${t('editorial.text.noneLong')}</p>`}
<p><a href="${draftHref(dr.id, 'text')}">${dr.text ? t('editorial.text.replace') : t('editorial.text.upload')}</a></p>
${d.canPublish
        ? html`<form method="post" action="${draftHref(dr.id, 'publish')}">${d.csrf}<input type="hidden" name="version" value="${dr.version}">
<button type="submit"${blocked ? html` disabled` : ''}>${t('editorial.publish.button')}</button>
${blocked ? html`<span class="field-error">${t('editorial.publish.blocked')}</span>` : ''}</form>`
        : ''}</section>
<section><h2>${t('editorial.form.record')}</h2>
${errorSummary(ctx, errs)}
<form class="stack editor-form" method="post" action="${draftHref(dr.id)}" novalidate>${d.csrf}<input type="hidden" name="version" value="${dr.version}">
${recordFields(ctx, d.values, errs, d.publishers)}
<p><button type="submit">${t('editorial.save')}</button></p>
</form></section>
${d.canDisclose
        ? html`<section><h2>${t('editorial.disclosure.title')}</h2><p class="muted">${t('editorial.disclosure.draftHint')}</p>
${errorSummary(ctx, errorsByField(ctx, disclosureErrors))}
<form class="stack" method="post" action="${draftHref(dr.id, 'disclosure')}">${d.csrf}<input type="hidden" name="version" value="${dr.version}">
${disclosureFields(ctx, dr.disclosure?.mode ?? d.current?.mode ?? 'read-download', dr.disclosure?.reason ?? d.current?.reason ?? {}, disclosureErrors)}
<p><button type="submit" class="secondary">${t('editorial.disclosure.save')}</button></p></form></section>`
        : ''}
<section><form method="post" action="${draftHref(dr.id, 'discard')}">${d.csrf}<input type="hidden" name="version" value="${dr.version}">
<button type="submit" class="danger">${t('editorial.discard')}</button></form></section>`
    : html`<p class="muted">${t('editorial.readOnly')}</p>`}`;
  return layout(ctx, { title: `${number} · ${t('editorial.title')}`, main, breadcrumbs: editorCrumbs(ctx, { label: number }) });
}

/** GET /editor/standards/:id/edit: confirm opening a revision draft (a POST creates it). */
export function revisionPage(ctx: PageCtx, d: { record: StandardRecord; csrf: SafeHtml }): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(d.record).value;
  const main = html`<h1>${t('editorial.revision.title', { number })}</h1>
<p>${recordTitle(ctx, d.record)} ${statusBadge(ctx, d.record.status)}</p>
<p>${t('editorial.revision.explain')}</p>
<form method="post" action="${editorStdHref(d.record.id, 'edit')}">${d.csrf}<button type="submit">${t('editorial.revision.open')}</button></form>
<p><a href="${editorStdHref(d.record.id, 'disclosure')}">${t('editorial.disclosure.title')}</a> · <a href="${editorStdHref(d.record.id, 'withdraw')}">${t('editorial.withdraw.title')}</a></p>`;
  return layout(ctx, { title: t('editorial.revision.title', { number }), main, breadcrumbs: editorCrumbs(ctx, { label: number, href: stdHref(d.record.id) }, { label: t('editorial.revision.open') }) });
}

/** GET/POST /editor/standards/:id/disclosure. */
export function disclosurePage(ctx: PageCtx, d: { record: StandardRecord; disclosure: Disclosure; csrf: SafeHtml; errors: FieldErrors | null; values?: { mode: string; reason: { en?: string; zh?: string } }; saved?: boolean }): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(d.record).value;
  const v = d.values ?? { mode: d.disclosure.mode, reason: d.disclosure.reason };
  const main = html`<h1>${t('editorial.disclosure.title')} · ${number}</h1>
${d.saved ? html`<p class="notice" role="status">${t('editorial.disclosure.saved')}</p>` : ''}
<p>${t('editorial.disclosure.current')}: <strong>${t(`reader.mode.${d.disclosure.mode}` as MessageKey)}</strong>${d.disclosure.updatedAt ? html` <span class="muted">(${d.disclosure.updatedAt.slice(0, 10)}, ${d.disclosure.actor ?? ''})</span>` : ''}</p>
${errorSummary(ctx, errorsByField(ctx, d.errors))}
<form class="stack" method="post" action="${editorStdHref(d.record.id, 'disclosure')}">${d.csrf}
${disclosureFields(ctx, v.mode, v.reason, d.errors)}
<p><button type="submit">${t('editorial.disclosure.save')}</button></p></form>
<p><a href="${stdHref(d.record.id)}">${t('editorial.viewPublished')}</a></p>`;
  return layout(ctx, { title: `${t('editorial.disclosure.title')} · ${number}`, main, breadcrumbs: editorCrumbs(ctx, { label: number, href: stdHref(d.record.id) }, { label: t('editorial.disclosure.title') }) });
}

/** GET /editor/standards/:id/withdraw: confirmation with an optional reason (POST withdraws). */
export function withdrawPage(ctx: PageCtx, d: { record: StandardRecord; csrf: SafeHtml; errors: FieldErrors | null; reason?: string; refused?: string }): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(d.record).value;
  const errs = errorsByField(ctx, d.errors);
  const main = html`<h1>${t('editorial.withdraw.title')} · ${number}</h1>
<p>${recordTitle(ctx, d.record)} ${statusBadge(ctx, d.record.status)}</p>
${d.refused ? html`<p class="form-errors" role="alert">${d.refused}</p>` : ''}
${errorSummary(ctx, errs)}
<p>${t('editorial.withdraw.explain', { date: ctx.now.toISOString().slice(0, 10) })}</p>
<form class="stack" method="post" action="${editorStdHref(d.record.id, 'withdraw')}">${d.csrf}
${field(ctx, { reason: d.reason ?? '' }, errs, 'reason', { type: 'textarea', maxlength: 500 })}
<p><button type="submit" class="danger">${t('editorial.withdraw.button')}</button></p></form>`;
  return layout(ctx, { title: `${t('editorial.withdraw.title')} · ${number}`, main, breadcrumbs: editorCrumbs(ctx, { label: number, href: stdHref(d.record.id) }, { label: t('editorial.withdraw.title') }) });
}
