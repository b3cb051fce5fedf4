import { bulletinPath, ITEM_KINDS, type Bulletin, type BulletinWithItems, type ItemKind } from '../../bulletins/model.js';
import type { ItemProblem } from '../../bulletins/service.js';
import type { StandardSummary } from '../../catalogue/ports.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { bulletinFacts, bulletinNumberLabel, bulletinTitle, groupedItems } from './bulletins.js';
import { dateEl } from './components.js';
import { layout } from './layout.js';

/** The header form's values as typed (strings, so a rejected form shows what was entered). */
export interface HeaderFormValues {
  publisher: string;
  number: string;
  year: string;
  date: string;
  issuingBodies: string;
  titleZh: string;
  titleEn: string;
}

/** Issuing bodies as the form's textarea shows them: one per line, 'zh | en'. */
export function issuingBodiesLines(b: Pick<Bulletin, 'issuingBodies'>): string {
  return b.issuingBodies.map((x) => [x.zh ?? '', x.en ?? ''].filter(Boolean).join(' | ')).join('\n');
}

export function headerValuesOf(b: Bulletin): HeaderFormValues {
  return {
    publisher: b.publisher,
    number: String(b.number),
    year: String(b.year),
    date: b.date,
    issuingBodies: issuingBodiesLines(b),
    titleZh: b.title.zh ?? '',
    titleEn: b.title.en ?? '',
  };
}

const crumbs = (ctx: PageCtx) => [
  { label: ctx.t('nav.home'), href: '/' },
  { label: ctx.t('bulletins.editor.title'), href: '/editor/bulletins' },
];

/** Field problems (from a rejected header) as a list. */
function fieldErrors(ctx: PageCtx, errors: string[]): SafeHtml {
  if (!errors.length) return html``;
  return html`<div class="form-errors" role="alert"><p>${ctx.t('bulletins.editor.fieldErrors')}</p><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}

function headerFields(ctx: PageCtx, v: HeaderFormValues, publishers: 'all' | string[]): SafeHtml {
  const { t } = ctx;
  const publisherField =
    publishers === 'all'
      ? html`<input name="publisher" value="${v.publisher}" required maxlength="40" pattern="[A-Za-z0-9/_.\-]+">`
      : html`<select name="publisher">${publishers.map((p) => html`<option value="${p}"${p === v.publisher ? html` selected` : ''}>${p}</option>`)}</select>`;
  return html`<label>${t('bulletins.publisher')} ${publisherField}</label>
<label>${t('bulletins.year')} <input name="year" type="number" min="1900" max="2200" value="${v.year}" required></label>
<label>${t('bulletins.number')} <input name="number" type="number" min="1" max="99999" value="${v.number}" required></label>
<label>${t('bulletins.date')} <input name="date" type="date" value="${v.date}" required></label>
<label>${t('bulletins.issuingBodies')} <textarea name="issuingBodies" rows="3" maxlength="2000">${v.issuingBodies}</textarea><small>${t('bulletins.editor.issuingBodiesHint')}</small></label>
<label>${t('bulletins.titleZh')} <input name="titleZh" value="${v.titleZh}" maxlength="300"></label>
<label>${t('bulletins.titleEn')} <input name="titleEn" value="${v.titleEn}" maxlength="300"></label>`;
}

/** The drafts of the editor's publishers, with a link to start a new bulletin. */
export function draftsPage(ctx: PageCtx, d: { drafts: Bulletin[]; notice?: string }): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('bulletins.editor.title')}</h1>
${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
<p>${t('bulletins.editor.intro')}</p>
<p><a class="button" href="/editor/bulletins/new">${t('bulletins.editor.new')}</a> <a href="/bulletins">${t('bulletins.index.title')}</a></p>
${d.drafts.length
    ? html`<table class="data"><thead><tr><th>${t('bulletins.publisher')}</th><th>${t('bulletins.number')}</th><th>${t('bulletins.date')}</th><th>${t('bulletins.col.title')}</th></tr></thead><tbody>${d.drafts.map(
        (b) => html`<tr><td>${b.publisher}</td><td><a href="/editor/bulletins/${encodeURIComponent(b.id)}">${bulletinNumberLabel(ctx, b)}</a></td><td>${dateEl(b.date)}</td><td>${bulletinTitle(ctx, b)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">${t('bulletins.editor.none')}</p>`}`;
  return layout(ctx, { title: t('bulletins.editor.title'), main, breadcrumbs: [...crumbs(ctx).slice(0, 1), { label: t('bulletins.editor.title') }] });
}

/** The new-bulletin form. */
export function newBulletinPage(ctx: PageCtx, d: { values: HeaderFormValues; publishers: 'all' | string[]; csrf: SafeHtml; errors: string[] }): SafeHtml {
  const { t } = ctx;
  const main = html`<h1>${t('bulletins.editor.new')}</h1>
${fieldErrors(ctx, d.errors)}
<form class="stack" method="post" action="/editor/bulletins">${d.csrf}
${headerFields(ctx, d.values, d.publishers)}
<button type="submit">${t('bulletins.editor.create')}</button>
</form>`;
  return layout(ctx, { title: t('bulletins.editor.new'), main, breadcrumbs: [...crumbs(ctx), { label: t('bulletins.editor.new') }] });
}

/** What the add-items form shows again after a rejected paste. */
export interface PasteState {
  kind: ItemKind;
  lines: string;
  releaseDate: string;
  implementationDate: string;
  abolitionDate: string;
  replaces: string;
  note: string;
}

export interface EditPageData {
  bulletin: BulletinWithItems;
  sums: Map<string, StandardSummary>;
  publishers: 'all' | string[];
  header: HeaderFormValues;
  headerErrors: string[];
  canPublish: boolean;
  csrf: SafeHtml;
  notice?: string;
  paste: PasteState;
  pasteProblems: ItemProblem[];
  publishProblems: ItemProblem[];
}

function problemList(ctx: PageCtx, intro: string, problems: ItemProblem[]): SafeHtml {
  return html`<div class="form-errors" role="alert"><p>${intro}</p><ul>${problems.slice(0, 500).map((p) => {
    const reason = ctx.t(`bulletins.problem.${p.code}`);
    return html`<li>${p.line !== undefined
      ? ctx.t('bulletins.editor.problemLine', { line: p.line, text: p.text, reason })
      : ctx.t('bulletins.editor.problemSeq', { seq: p.seq ?? '', text: p.text, reason })}</li>`;
  })}</ul></div>`;
}

/** The draft editor: header, items (with remove buttons), the paste-many form, publish and delete. */
export function editBulletinPage(ctx: PageCtx, d: EditPageData): SafeHtml {
  const { t } = ctx;
  const b = d.bulletin;
  const base = `/editor/bulletins/${encodeURIComponent(b.id)}`;
  const removeButton = (it: { seq: number }) =>
    html`<form method="post" action="${base}/items/${it.seq}/delete">${d.csrf}<button type="submit" class="secondary">${t('bulletins.editor.remove')}</button></form>`;
  const p = d.paste;
  const main = html`<h1>${t('bulletins.editor.edit')}: ${bulletinTitle(ctx, b)}</h1>
${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
${d.publishProblems.length ? problemList(ctx, t('bulletins.editor.publishProblems'), d.publishProblems) : ''}
${bulletinFacts(ctx, b)}
<details${d.headerErrors.length ? html` open` : ''}><summary>${t('bulletins.editor.header')}</summary>
${fieldErrors(ctx, d.headerErrors)}
<form class="stack" method="post" action="${base}">${d.csrf}<input type="hidden" name="version" value="${b.version}">
${headerFields(ctx, d.header, d.publishers)}
<button type="submit">${t('bulletins.editor.save')}</button>
</form></details>
<h2>${t('bulletins.editor.items', { count: b.items.length })}</h2>
${b.items.length ? groupedItems(ctx, b, d.sums, removeButton) : html`<p class="muted">${t('bulletins.editor.noItems')}</p>`}
<section class="bulletin-add"><h2>${t('bulletins.editor.add')}</h2>
${d.pasteProblems.length ? problemList(ctx, t('bulletins.editor.problems', { count: d.pasteProblems.length }), d.pasteProblems) : ''}
<form class="stack" method="post" action="${base}/items">${d.csrf}
<p>${t('bulletins.editor.addHint')}</p>
<label>${t('bulletins.editor.kind')} <select name="kind">${ITEM_KINDS.map((k) => html`<option value="${k}"${k === p.kind ? html` selected` : ''}>${t(`bulletins.kind.${k}`)}</option>`)}</select></label>
<label>${t('bulletins.editor.lines')} <textarea name="lines" rows="10" maxlength="200000" required>${p.lines}</textarea></label>
<label>${t('bulletins.editor.defaultRelease')} <input name="releaseDate" type="date" value="${p.releaseDate}"></label>
<label>${t('bulletins.editor.defaultImplementation')} <input name="implementationDate" type="date" value="${p.implementationDate}"></label>
<label>${t('bulletins.editor.defaultReplaces')} <input name="replaces" value="${p.replaces}" maxlength="500"></label>
<label>${t('bulletins.editor.defaultAbolition')} <input name="abolitionDate" type="date" value="${p.abolitionDate}"></label>
<label>${t('bulletins.editor.note')} <input name="note" value="${p.note}" maxlength="500"></label>
<button type="submit">${t('bulletins.editor.addButton')}</button>
</form></section>
${d.canPublish && b.items.length
    ? html`<section class="bulletin-publish"><h2>${t('bulletins.editor.publish')}</h2><p>${t('bulletins.editor.publishHint')}</p>
<form method="post" action="${base}/publish">${d.csrf}<input type="hidden" name="version" value="${b.version}"><button type="submit">${t('bulletins.editor.publish')}</button></form></section>`
    : ''}
<form class="bulletin-delete" method="post" action="${base}/delete">${d.csrf}<button type="submit" class="danger">${t('bulletins.editor.delete')}</button></form>`;
  return layout(ctx, { title: t('bulletins.editor.edit'), main, breadcrumbs: [...crumbs(ctx), { label: bulletinNumberLabel(ctx, b) }] });
}

/** Where the editor goes after publishing: the public page. */
export function publishedHref(b: Bulletin): string {
  return bulletinPath(b);
}
