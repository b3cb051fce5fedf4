import type { ClassificationCode } from '../../classification/ports.js';
import { primaryIdentifier, type StandardRecord, type Title } from '../../catalogue/model.js';
import type { ResolvedRelation, StandardSummary } from '../../catalogue/ports.js';
import { html, safeUrl, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { contentLang, languageName } from '../i18n/index.js';
import { layout } from './layout.js';
import { bodyHref, classHref, statusBadge, vocab } from './components.js';
import { editions, relations } from './standard-relations.js';
import { history, lifecycle, type HistoryEvent } from './standard-timeline.js';

/** Everything the standard page shows, loaded by the route. */
export interface StandardPageData {
  record: StandardRecord;
  relations: ResolvedRelation[];
  editions: StandardSummary[];
  /** Languages of the stored full texts (empty when none). */
  textLangs?: string[];
  history: HistoryEvent[];
  /** Sections contributed by other domains (src/web/standard-panels.ts), rendered below the editions. */
  panels?: SafeHtml[];
  /** The tab row (src/web/standard-panels.ts standardTabsNav). */
  tabs?: SafeHtml;
  /** Titles of the record's ICS/CCS codes, keyed 'scheme:code' (null when the code is not loaded). */
  classTitles: Map<string, ClassificationCode | null>;
}

/** One full title per language: the 'main' title, else intro — main — part joined as ISO prints them. */
function titlesByLang(titles: Title[]): [string, string][] {
  const langs = [...new Set(titles.map((x) => x.lang))];
  return langs.map((l) => {
    const mine = titles.filter((x) => x.lang === l);
    const main = mine.find((x) => x.type === 'main');
    if (main) return [l, main.text];
    const parts = ['title-intro', 'title-main', 'title-part'].map((ty) => mine.find((x) => x.type === ty)?.text).filter(Boolean);
    return [l, parts.length ? parts.join(' — ') : mine[0].text];
  });
}

function titleLabel(ctx: PageCtx, lang: string): string {
  if (lang === 'zh') return ctx.t('std.titleZh');
  if (lang === 'en') return ctx.t('std.titleEn');
  return ctx.t('std.titleIn', { lang: languageName(ctx.lang, lang) });
}

function field(label: string, value: SafeHtml | string | undefined | null | false): SafeHtml {
  if (value === undefined || value === null || value === false || value === '') return html``;
  return html`<dt>${label}</dt><dd>${value}</dd>`;
}

function classList(ctx: PageCtx, d: StandardPageData, scheme: 'ics' | 'ccs'): SafeHtml | null {
  const codes = d.record.classifications.filter((c) => c.scheme === scheme);
  if (!codes.length) return null;
  return html`${codes.map((c, i) => {
    const info = d.classTitles.get(`${scheme}:${c.code}`);
    const title = info ? (ctx.lang === 'zh-CN' ? info.titleZh ?? info.titleEn : info.titleEn ?? info.titleZh) : null;
    return html`${i ? html`<br>` : ''}<a href="${classHref(scheme, c.code)}">${c.code}</a>${title ? html` ${title}` : ''}`;
  })}`;
}

/** The standard's page: metadata, abstract, lifecycle, record history, relations and editions. */
export function standardPage(ctx: PageCtx, d: StandardPageData): SafeHtml {
  const { t } = ctx;
  const r = d.record;
  const number = primaryIdentifier(r).value;
  const titles = titlesByLang(r.titles);
  const mine = contentLang(ctx.lang);
  const heading = titles.find(([l]) => l === mine) ?? titles.find(([l]) => l === 'en') ?? titles[0];
  const others = r.identifiers.filter((i) => i.value !== number);
  const links = r.links.map((l) => ({ ...l, href: safeUrl(l.url) })).filter((l) => l.href);
  const apiHref = `/api/v1/standards/${encodeURIComponent(r.id)}`;
  const body = vocab(ctx, 'body', r.body);
  const main = html`
<h1><span class="num">${number}</span> ${statusBadge(ctx, r.status)}${heading ? html`<br><span${heading[0] !== mine ? html` lang="${heading[0]}"` : ''}>${heading[1]}</span>` : ''}</h1>
${d.tabs ?? ''}
${d.textLangs?.length ? html`<p class="read-link"><a href="${`/std/${encodeURIComponent(r.id)}/read`}">${t('std.readFullText')}</a> <span class="muted">(${d.textLangs.join(' / ')})</span></p>` : ''}
<section>
<h2>${t('std.metadata')}</h2>
<dl class="fields">
  ${field(t('std.number'), number)}
  ${field(t('std.identifiers'), others.length ? html`${others.map((i, n) => html`${n ? html`<br>` : ''}${i.value} <span class="muted">(${i.type})</span>`)}` : null)}
  ${titles.map(([l, text]) => field(titleLabel(ctx, l), html`<span lang="${l}">${text}</span>`))}
  ${field(t('std.body'), html`<a href="${bodyHref(r.body)}">${body}</a>${body !== r.body ? html` <span class="muted">(${r.body})</span>` : ''}`)}
  ${field(t('std.docType'), vocab(ctx, 'doc_type', r.docType))}
  ${field(t('std.nature'), r.nature ? vocab(ctx, 'nature', r.nature) : null)}
  ${field(t('std.status'), html`${statusBadge(ctx, r.status)}${r.statusSource ? html` <span class="muted">${t('std.statusSource', { source: r.statusSource })}</span>` : ''}`)}
  ${field(t('std.stage'), r.stage)}
  ${field(t('std.edition'), r.edition)}
  ${field(t('std.year'), r.year ? String(r.year) : null)}
  ${field(t('std.ics'), classList(ctx, d, 'ics'))}
  ${field(t('std.ccs'), classList(ctx, d, 'ccs'))}
  ${field(t('std.committee'), r.committee)}
  ${field(t('std.contributors'), r.contributors.length ? html`${r.contributors.map((c, i) => html`${i ? html`<br>` : ''}<span class="muted">${vocab(ctx, 'contributor_role', c.role)}:</span> ${c.name}${c.abbreviation && c.abbreviation !== c.name ? ` (${c.abbreviation})` : ''}`)}` : null)}
  ${field(t('std.keywords'), r.keywords.length ? r.keywords.join(', ') : null)}
  ${field(t('std.links'), links.length ? html`${links.map((l, i) => html`${i ? html`<br>` : ''}<a href="${l.href}" rel="nofollow noopener">${l.type}</a> <span class="muted">${l.url}</span>`)}` : null)}
  ${field(t('std.source'), `${r.source.importer}: ${r.source.ref}`)}
  ${field('JSON', html`<a href="${apiHref}" type="application/json">${t('std.json')}</a>`)}
</dl>
</section>
${r.abstracts.length ? html`<section><h2>${t('std.abstract')}</h2>${r.abstracts.map((a) => html`<p class="abstract" lang="${a.lang}">${a.text}</p>`)}</section>` : ''}
<div class="cols">
<section><h2>${t('std.lifecycle')}</h2>${lifecycle(ctx, r)}</section>
<section><h2>${t('std.history')}</h2>${history(ctx, d.history)}</section>
</div>
<section><h2>${t('std.relations')}</h2>${relations(ctx, d.relations)}</section>
${d.editions.length > 1 ? html`<section><h2>${t('std.editions')}</h2>${editions(ctx, d.editions, r.id)}</section>` : ''}
${d.panels ?? []}`;
  return layout(ctx, {
    title: heading ? `${number} ${heading[1]}` : number,
    main,
    canonical: `/std/${encodeURIComponent(r.id)}`,
    head: html`<link rel="alternate" type="application/json" href="${apiHref}">`,
    breadcrumbs: [{ label: t('nav.home'), href: '/' }, { label: body, href: bodyHref(r.body) }, { label: number }],
  });
}
