import { label, type VocabKind } from '../../catalogue/vocabularies.js';
import type { Highlight } from '../../search/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { contentLang, formatCount } from '../i18n/index.js';

/** Vocabulary label in the interface language. */
export function vocab(ctx: PageCtx, kind: VocabKind, code: string): string {
  return label(kind, code, ctx.lang);
}

/** A status badge; the class is the status code, restricted to safe characters. */
export function statusBadge(ctx: PageCtx, status: string | null | undefined): SafeHtml {
  if (!status) return html``;
  const cls = status.replace(/[^a-z-]/g, '');
  return html`<span class="badge ${cls}">${vocab(ctx, 'status', status)}</span>`;
}

/**
 * The title to show first: the interface language's, then English, then Chinese, then any. `titles` is a map
 * lang → text as in StandardSummary.
 */
export function pickTitle(ctx: PageCtx, titles: Record<string, string> | null | undefined): string {
  if (!titles) return '';
  return titles[contentLang(ctx.lang)] ?? titles.en ?? titles.zh ?? Object.values(titles)[0] ?? '';
}

/** The other language's title when it differs from pickTitle (shown as a second line). */
export function secondTitle(ctx: PageCtx, titles: Record<string, string> | null | undefined): string {
  if (!titles) return '';
  const first = pickTitle(ctx, titles);
  const other = contentLang(ctx.lang) === 'zh' ? titles.en : titles.zh;
  return other && other !== first ? other : '';
}

/** Highlighted text: matched pieces in <mark>, every piece escaped by `html`. */
export function highlighted(h: Highlight): SafeHtml {
  return html`${h.map((seg) => (seg.hit ? html`<mark>${seg.text}</mark>` : seg.text))}`;
}

/** Link to a standard's page. */
export function stdHref(id: string): string {
  return `/std/${encodeURIComponent(id)}`;
}

/** Link to a classification code's browse page. */
export function classHref(scheme: string, code: string): string {
  return `/${scheme}/${encodeURIComponent(code)}`;
}

/** Link to a body's page (body codes may contain '/', as in ISO/IEC). */
export function bodyHref(code: string): string {
  return `/bodies/${encodeURIComponent(code)}`;
}

/** A number formatted for the interface language. */
export function num(ctx: PageCtx, n: number): string {
  return formatCount(ctx.lang, n);
}

/** A partial date as written ('2024-10-28', '2008-11', '1987') inside a <time> element. */
export function dateEl(value: string): SafeHtml {
  return html`<time datetime="${value}">${value}</time>`;
}
