import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import { CSS_HREF, FAVICON_HREF } from '../assets/site-css.js';
import { can } from '../../accounts/policy.js';

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageOptions {
  /** The page's own title; the site name is appended. */
  title: string;
  main: SafeHtml;
  /** Site path of the canonical URL (without lang); omitted for pages that should not be indexed (errors). */
  canonical?: string;
  /** Extra <head> elements (alternate links), built with `html`. */
  head?: SafeHtml;
  breadcrumbs?: Crumb[];
  /** Pre-fills the header search box. */
  q?: string;
  /** Hides the header search box (the home page has its own). */
  noHeaderSearch?: boolean;
}

/** Breadcrumb trail (the last crumb is the current page). */
export function breadcrumbs(ctx: PageCtx, crumbs: Crumb[]): SafeHtml {
  return html`<nav class="crumbs" aria-label="${ctx.t('nav.breadcrumb')}"><ol>${crumbs.map((c, i) =>
    c.href && i < crumbs.length - 1 ? html`<li><a href="${c.href}">${c.label}</a></li>` : html`<li aria-current="page">${c.label}</li>`,
  )}</ol></nav>`;
}

/**
 * The header's user menu: "Sign in" when signed out (returning to this page afterwards); otherwise the person's
 * name and links to their account, the editor (when they may edit standards), administration (admins), their
 * watch list, and a sign-out button (a POST form with the session's CSRF token: signing out changes state).
 */
export function userMenu(ctx: PageCtx): SafeHtml {
  const { t } = ctx;
  const p = ctx.principal;
  if (!p || p.kind !== 'user') {
    const next = ctx.path.startsWith('/login') ? '' : `?next=${encodeURIComponent(ctx.path + (ctx.query.size ? `?${ctx.query.toString()}` : ''))}`;
    return html`<nav class="usermenu" aria-label="${t('accounts.menu')}"><a href="/login${next}">${t('accounts.signIn')}</a></nav>`;
  }
  const isAdmin = p.grants.some((g) => g.role === 'admin');
  return html`<nav class="usermenu" aria-label="${t('accounts.menu')}">
      <span class="who">${p.name}</span>
      <a href="/account">${t('accounts.account')}</a>
      ${can(p, 'standard.edit') ? html`<a href="/editor">${t('accounts.editor')}</a>` : ''}
      ${isAdmin ? html`<a href="/admin/people">${t('accounts.admin')}</a>` : ''}
      ${can(p, 'audit.read_scoped') ? html`<a href="/admin/audit">${t('audit.admin.title')}</a>` : ''}
      <a href="/watch">${t('accounts.watch')}</a>
      <a href="/notifications">${t('alerts.nav.notifications')}</a>
      <form class="signout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${p.csrfToken ?? ''}"><button type="submit" class="linkish">${t('accounts.signOut')}</button></form>
    </nav>`;
}

/** The page shell: head with meta, canonical and language alternates; header with navigation and language switch. */
export function layout(ctx: PageCtx, p: PageOptions): SafeHtml {
  const { t } = ctx;
  const canonical = p.canonical !== undefined ? ctx.absolute(p.canonical) : undefined;
  const sep = p.canonical?.includes('?') ? '&' : '?';
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ${t('site.name')}</title>
<link rel="stylesheet" href="${CSS_HREF}">
<link rel="icon" href="${FAVICON_HREF}" type="image/svg+xml">
${canonical
    ? html`<link rel="canonical" href="${canonical}">
<link rel="alternate" hreflang="zh-CN" href="${canonical}${sep}lang=zh-CN">
<link rel="alternate" hreflang="en" href="${canonical}${sep}lang=en">`
    : html`<meta name="robots" content="noindex">`}
${p.head}
</head>
<body>
<a class="skip" href="#main">${t('site.skip')}</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/">${t('site.name')}</a>
    <nav aria-label="${t('nav.main')}">
      <a href="/search">${t('nav.search')}</a>
      <a href="/ics">${t('nav.ics')}</a>
      <a href="/ccs">${t('nav.ccs')}</a>
      <a href="/bodies">${t('nav.bodies')}</a>
      <a href="/bulletins">${t('bulletins.nav')}</a>
      <a href="/stats">${t('nav.stats')}</a>
      <a class="lang" href="${ctx.switchHref}" hreflang="${ctx.otherLang}" lang="${ctx.otherLang}" title="${t('lang.switchTitle')}">${t('lang.switch')}</a>
    </nav>
    ${userMenu(ctx)}
  </div>
  ${p.noHeaderSearch
    ? ''
    : html`<form class="hsearch" action="/search" method="get" role="search">
    <input type="search" name="q" value="${p.q ?? ''}" placeholder="${t('search.placeholder')}" aria-label="${t('search.label')}" maxlength="500">
    <button type="submit">${t('search.button')}</button>
  </form>`}
</header>
<main id="main">
${p.breadcrumbs?.length ? breadcrumbs(ctx, p.breadcrumbs) : ''}
${p.main}
</main>
<footer class="site"><p>${t('site.footer')} · <a href="/api/openapi.json">${t('nav.api')}</a></p></footer>
</body>
</html>
`;
}
