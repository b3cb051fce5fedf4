/**
 * Reader pages: the whole text with its table of contents (/std/:id/read), one clause in context
 * (/std/:id/clause/:anchor), the bilingual side-by-side view (?view=bilingual) and the refusal page shown when a
 * text is not disclosed or not downloadable. No JavaScript; the layout is one column on a phone.
 */
import { primaryIdentifier, type StandardRecord } from '../../catalogue/model.js';
import type { ContentDocument, Section } from '../../content/model.js';
import type { Disclosure } from '../../reader/disclosure.js';
import { alignByAnchor, buildToc, citationText, type TocEntry } from '../../reader/text.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { stdHref } from './components.js';
import { layout } from './layout.js';
import { renderBlocks, renderInlines, renderSection, sectionHeading, type RenderCtx } from './reader-content.js';

/** Site paths of the reader's pages for a record. */
export const readerHref = (stdId: string, textLang?: string, view?: 'bilingual') => {
  const q = new URLSearchParams();
  if (textLang) q.set('text', textLang);
  if (view) q.set('view', view);
  const qs = q.toString();
  return `${stdHref(stdId)}/read${qs ? `?${qs}` : ''}`;
};
export const clauseHref = (stdId: string, anchor: string, textLang?: string) =>
  `${stdHref(stdId)}/clause/${encodeURIComponent(anchor)}${textLang ? `?text=${encodeURIComponent(textLang)}` : ''}`;

export interface ReaderData {
  record: StandardRecord;
  doc: ContentDocument;
  /** Languages stored for this standard (for the language links and the bilingual view). */
  langs: string[];
  disclosure: Disclosure;
  rc: RenderCtx;
}

function langName(ctx: PageCtx, lang: string): string {
  if (lang === 'zh' || lang === 'en') return ctx.t(`lang.${lang}`);
  return lang;
}

/** Nested table of contents. */
export function toc(ctx: PageCtx, entries: TocEntry[], hrefOf: (id: string) => string): SafeHtml {
  const list = (es: TocEntry[]): SafeHtml =>
    html`<ol>${es.map((e) => html`<li><a href="${hrefOf(e.id)}">${e.num ? html`<span class="snum">${e.num}</span> ` : ''}${e.title}</a>${e.children.length ? list(e.children) : ''}</li>`)}</ol>`;
  return html`<nav class="toc" aria-label="${ctx.t('reader.toc')}"><details open><summary>${ctx.t('reader.toc')}</summary>${list(entries)}</details></nav>`;
}

function toolbar(ctx: PageCtx, d: ReaderData, view: 'single' | 'bilingual'): SafeHtml {
  const { t } = ctx;
  const id = d.record.id;
  // A restricted text reaches this view only for those allowed to read it (src/reader/disclosure.ts): they may download it.
  const canDownload = d.disclosure.mode === 'read-download' || d.disclosure.mode === 'restricted';
  const langLinks = d.langs.map((l) =>
    l === d.doc.lang && view === 'single'
      ? html`<span aria-current="page">${langName(ctx, l)}</span>`
      : html`<a href="${readerHref(id, l)}" hreflang="${l}">${langName(ctx, l)}</a>`,
  );
  return html`<div class="rtools">
<span class="rlangs">${t('reader.textLang')}: ${langLinks}${
    d.langs.length > 1
      ? view === 'bilingual'
        ? html` <span aria-current="page">${t('reader.bilingual')}</span>`
        : html` <a href="${readerHref(id, undefined, 'bilingual')}">${t('reader.bilingual')}</a>`
      : ''
  }</span>
${
  canDownload
    ? html`<span class="rdl">${t('reader.download')}: <a href="${stdHref(id)}/download.pdf?text=${d.doc.lang}">PDF</a> <a href="${stdHref(id)}/download.html?text=${d.doc.lang}">HTML</a> <a href="${stdHref(id)}/source?text=${d.doc.lang}">${t('reader.source')}</a></span>`
    : html`<span class="rdl muted">${t('reader.readOnly')}</span>`
}
</div>`;
}

function header(ctx: PageCtx, d: ReaderData): SafeHtml {
  const number = primaryIdentifier(d.record).value;
  return html`<header class="rhead"><p class="rnum"><a href="${stdHref(d.record.id)}">${number}</a></p><h1 lang="${d.doc.lang}">${d.doc.title}</h1></header>`;
}

/** The whole text of one language with its table of contents. */
export function readerPage(ctx: PageCtx, d: ReaderData): SafeHtml {
  const number = primaryIdentifier(d.record).value;
  const sections = (list: Section[]) => list.map((s) => renderSection(d.rc, s, 0));
  const main = html`<article class="reader" lang="${d.doc.lang}">
${header(ctx, d)}
${toolbar(ctx, d, 'single')}
<div class="rgrid">
${toc(ctx, buildToc(d.doc), (a) => `#${a}`)}
<div class="rtext">
${d.doc.front.length ? html`<div class="front">${sections(d.doc.front)}</div>` : ''}
<div class="body">${sections(d.doc.body)}</div>
${d.doc.back.length ? html`<div class="back">${sections(d.doc.back)}</div>` : ''}
</div>
</div>
</article>`;
  return layout(ctx, {
    title: `${number} ${d.doc.title}`,
    main,
    canonical: readerHref(d.record.id, d.doc.lang),
    breadcrumbs: [{ label: number, href: stdHref(d.record.id) }, { label: ctx.t('reader.title') }],
  });
}

/** One clause in context: its ancestors as a trail, the clause with its subclauses, previous/next links. */
export function clausePage(
  ctx: PageCtx,
  d: ReaderData,
  hit: { section: Section; ancestors: Section[]; prev?: Section; next?: Section },
): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(d.record).value;
  const s = hit.section;
  const cite = citationText(number, s);
  const label = (x: Section) => html`${x.num ? html`${x.num} ` : ''}${renderInlines(d.rc, x.title)}`;
  const nav = html`<nav class="cnav">${hit.prev ? html`<a rel="prev" href="${clauseHref(d.record.id, hit.prev.id, d.doc.lang)}">← ${label(hit.prev)}</a>` : ''}
<a href="${readerHref(d.record.id, d.doc.lang)}#${s.id}">${t('reader.inFullText')}</a>
${hit.next ? html`<a rel="next" href="${clauseHref(d.record.id, hit.next.id, d.doc.lang)}">${label(hit.next)} →</a>` : ''}</nav>`;
  const main = html`<article class="reader clausepage" lang="${d.doc.lang}">
${header(ctx, d)}
${hit.ancestors.length ? html`<ol class="ctx">${hit.ancestors.map((a) => html`<li><a href="${clauseHref(d.record.id, a.id, d.doc.lang)}">${label(a)}</a></li>`)}</ol>` : ''}
${nav}
<p class="ccite">${t('reader.cite')}: <cite>${cite}</cite> — <a href="${clauseHref(d.record.id, s.id, d.doc.lang)}">${ctx.absolute(clauseHref(d.record.id, s.id, d.doc.lang))}</a></p>
<div class="rtext">${renderSection(d.rc, s, hit.ancestors.length)}</div>
${nav}
</article>`;
  return layout(ctx, {
    title: cite,
    main,
    canonical: clauseHref(d.record.id, s.id, d.doc.lang),
    breadcrumbs: [
      { label: number, href: stdHref(d.record.id) },
      { label: t('reader.title'), href: readerHref(d.record.id, d.doc.lang) },
      { label: s.num ?? s.id },
    ],
  });
}

/** Two languages side by side, one row per anchor (a section's own blocks; subsections are their own rows). */
export function bilingualPage(ctx: PageCtx, d: ReaderData, right: { doc: ContentDocument; rc: RenderCtx }): SafeHtml {
  const number = primaryIdentifier(d.record).value;
  const rows = alignByAnchor(d.doc, right.doc);
  const side = (rc: RenderCtx, s: Section | undefined, depth: number, lang: string) =>
    s ? html`<div class="bcol" lang="${lang}">${sectionHeading(rc, s, depth)}${renderBlocks(rc, s.blocks)}</div>` : html`<div class="bcol empty" lang="${lang}"></div>`;
  const main = html`<article class="reader bilingual">
${header(ctx, d)}
${toolbar(ctx, d, 'bilingual')}
${toc(ctx, buildToc(d.doc), (a) => `#${a}`)}
<div class="brows">
<div class="brow bhead"><div class="bcol">${langName(ctx, d.doc.lang)}</div><div class="bcol">${langName(ctx, right.doc.lang)}</div></div>
${rows.map((r) => html`<div class="brow" id="${r.id}">${side(d.rc, r.left, r.depth, d.doc.lang)}${side(right.rc, r.right, r.depth, right.doc.lang)}</div>`)}
</div>
</article>`;
  return layout(ctx, {
    title: `${number} ${d.doc.title}`,
    main,
    canonical: readerHref(d.record.id, undefined, 'bilingual'),
    breadcrumbs: [{ label: number, href: stdHref(d.record.id) }, { label: ctx.t('reader.bilingual') }],
  });
}

/** 403: the text is not disclosed, or may not be downloaded; the reason in the interface language (both if missing). */
export function refusalPage(ctx: PageCtx, record: StandardRecord, disclosure: Disclosure, what: 'read' | 'download'): SafeHtml {
  const { t } = ctx;
  const number = primaryIdentifier(record).value;
  const first = ctx.lang === 'zh-CN' ? disclosure.reason.zh : disclosure.reason.en;
  const other = ctx.lang === 'zh-CN' ? disclosure.reason.en : disclosure.reason.zh;
  const reason = first ?? other;
  const main = html`<h1>${what === 'read' ? t('reader.notDisclosed') : t('reader.noDownload')}</h1>
<p class="rnum"><a href="${stdHref(record.id)}">${number}</a></p>
<p class="disclosure-mode">${t(`reader.mode.${disclosure.mode}`)}</p>
${reason ? html`<p class="reason"><b>${t('reader.reason')}:</b> <span lang="${first ? (ctx.lang === 'zh-CN' ? 'zh' : 'en') : ctx.lang === 'zh-CN' ? 'en' : 'zh'}">${reason}</span></p>` : ''}
${what === 'download' ? html`<p><a href="${readerHref(record.id)}">${t('reader.readOnline')}</a></p>` : ''}
<p><a href="${stdHref(record.id)}">${t('reader.backToRecord')}</a></p>`;
  return layout(ctx, { title: `${number} · ${t('error.title', { status: 403 })}`, main });
}
