import type { ClassificationCode, ClassificationNode } from '../../classification/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { layout, type Crumb } from './layout.js';
import { classHref, num } from './components.js';

export interface ClassificationPageData {
  scheme: 'ics' | 'ccs';
  /** The code shown, or null for the top level of the scheme. */
  code: ClassificationCode | null;
  /** Standards classified under the code (itself and descendants); null at the top level. */
  count: number | null;
  ancestors: ClassificationCode[];
  children: ClassificationNode[];
}

/** A code's title in the interface language, falling back to the other language. */
export function codeTitle(ctx: PageCtx, c: Pick<ClassificationCode, 'titleEn' | 'titleZh'>): string {
  return (ctx.lang === 'zh-CN' ? c.titleZh ?? c.titleEn : c.titleEn ?? c.titleZh) ?? '';
}

/** A browse page of ICS or CCS: breadcrumbs, the code's notes, its standards link and its subdivisions with counts. */
export function classificationPage(ctx: PageCtx, d: ClassificationPageData): SafeHtml {
  const { t } = ctx;
  const schemeTitle = t(d.scheme === 'ics' ? 'cls.ics.title' : 'cls.ccs.title');
  const short = t(d.scheme === 'ics' ? 'cls.ics.short' : 'cls.ccs.short');
  const crumbs: Crumb[] = [{ label: t('nav.home'), href: '/' }, { label: short, href: `/${d.scheme}` }];
  for (const a of d.ancestors) if (!d.code || a.code !== d.code.code) crumbs.push({ label: a.code, href: classHref(d.scheme, a.code) });
  if (d.code) crumbs.push({ label: d.code.code });
  const title = d.code ? `${short} ${d.code.code} ${codeTitle(ctx, d.code)}` : schemeTitle;
  const list = d.children.length
    ? html`<h2>${d.code ? t('cls.children') : schemeTitle}</h2><ul class="plain tree">${d.children.map(
        (c) => html`<li><a class="code" href="${classHref(d.scheme, c.code)}">${c.code}</a><span class="label">${codeTitle(ctx, c)}</span>${
          c.count ? html`<a class="count" href="/search?${d.scheme}=${encodeURIComponent(c.code)}">${t('cls.count', { count: num(ctx, c.count) })}</a>` : html`<span class="count">0</span>`
        }</li>`,
      )}</ul>`
    : html`<p class="muted">${d.code ? t('cls.leaf') : t('cls.empty')}</p>`;
  const main = html`
<h1>${d.code ? html`<span class="num">${d.code.code}</span> ${codeTitle(ctx, d.code)}` : schemeTitle}</h1>
${d.code && d.code.titleEn && d.code.titleZh ? html`<p class="muted" lang="${ctx.lang === 'zh-CN' ? 'en' : 'zh'}">${ctx.lang === 'zh-CN' ? d.code.titleEn : d.code.titleZh}</p>` : ''}
${d.code?.notes.length ? html`<h2>${t('cls.notes')}</h2><ul>${d.code.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${d.code && d.count ? html`<p><a href="/search?${d.scheme}=${encodeURIComponent(d.code.code)}">${t('cls.list', { count: num(ctx, d.count), code: d.code.code })}</a></p>` : ''}
${list}`;
  return layout(ctx, {
    title,
    main,
    canonical: d.code ? classHref(d.scheme, d.code.code) : `/${d.scheme}`,
    breadcrumbs: d.code ? crumbs : undefined,
  });
}
