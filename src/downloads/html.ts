/**
 * Single-file HTML download: the whole text with its table of contents and the reader's stylesheet inlined, no
 * external resource, no script; opens from disk or prints as it is. Produced as a stream of chunks (front,
 * each body section, back), so a long text is not concatenated into one string first.
 */
import { Readable } from 'node:stream';
import type { ContentDocument } from '../content/model.js';
import { buildToc } from '../reader/text.js';
import { html, type SafeHtml } from '../web/html.js';
import { renderSection, type RenderCtx } from '../web/views/reader-content.js';

export interface HtmlDownloadOptions {
  number: string;
  edition?: string;
  downloadedAt: Date;
  /** The site stylesheet (inlined). */
  css: string;
  /** "Downloaded {date}" in the interface language. */
  downloadedLabel: string;
  tocLabel: string;
  /** Link back to the online text (absolute when PUBLIC_URL is set). */
  onlineHref?: string;
}

function tocList(entries: ReturnType<typeof buildToc>): SafeHtml {
  return html`<ol>${entries.map((e) => html`<li><a href="#${e.id}">${e.num ? `${e.num} ` : ''}${e.title}</a>${e.children.length ? tocList(e.children) : ''}</li>`)}</ol>`;
}

/** The single-file HTML document as a stream of UTF-8 chunks. `rc.clauseHref` should be null (no permalinks). */
export function htmlDownloadStream(text: ContentDocument, rc: RenderCtx, opts: HtmlDownloadOptions): Readable {
  function* chunks(): Generator<string> {
    // The stylesheet is our own constant; '</style' cannot occur in it, but guard anyway.
    const css = opts.css.replace(/<\/style/gi, '<\\/style');
    yield html`<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.number} ${text.title}</title>
<style>${css}</style>
</head>
<body>
<main id="main"><article class="reader" lang="${text.lang}">
<header class="rhead"><p class="rnum">${opts.number}${opts.edition ? ` · ${opts.edition}` : ''}</p><h1>${text.title}</h1>
<p class="muted">${opts.downloadedLabel}${opts.onlineHref ? html` · <a href="${opts.onlineHref}">${opts.onlineHref}</a>` : ''}</p></header>
<nav class="toc"><details open><summary>${opts.tocLabel}</summary>${tocList(buildToc(text))}</details></nav>
<div class="rtext">
`.value;
    for (const s of [...text.front, ...text.body, ...text.back]) yield renderSection(rc, s, 0).value;
    yield `</div>\n</article></main>\n</body>\n</html>\n`;
  }
  return Readable.from(chunks(), { objectMode: false });
}
