import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app/container.js';
import { ANONYMOUS, type Principal } from '../accounts/principal.js';
import { cookieValue, fromAcceptLanguage, isUiLang, t, type MessageKey, type UiLang } from './i18n/index.js';

/** Name of the cookie that remembers the chosen interface language. */
export const LANG_COOKIE = 'lang';

/** What every view needs about the request: language, URL, a bound translator and the services. */
export interface PageCtx {
  lang: UiLang;
  /** The other interface language (the switch link goes there). */
  otherLang: UiLang;
  /** Path of the request, as sent (percent-encoded). */
  path: string;
  /** Query parameters of the request without `lang`. */
  query: URLSearchParams;
  /** Same page in the other language: the current query string with lang replaced. */
  switchHref: string;
  /** Absolute URL (when PUBLIC_URL is set) of a site path, for canonical links. */
  absolute(path: string): string;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  services: Services;
  now: Date;
  /** Who is asking (anonymous when signed out); the header's user menu reads it. */
  principal: Principal;
}

/**
 * The interface language of a request: `?lang=` (remembered in a cookie), then the cookie, then Accept-Language,
 * then config.DEFAULT_LANG. Sets the cookie when `?lang=` is given, so the switch works as a plain link.
 */
export function pageContext(req: FastifyRequest, reply: FastifyReply, services: Services): PageCtx {
  const url = new URL(req.url, 'http://localhost');
  const asked = url.searchParams.get('lang');
  let lang: UiLang;
  if (isUiLang(asked)) {
    lang = asked;
    // Not httpOnly: nothing secret, and a future client script may read it. One year; SameSite=Lax (RFC 6265bis).
    reply.header('set-cookie', `${LANG_COOKIE}=${encodeURIComponent(lang)}; Path=/; Max-Age=31536000; SameSite=Lax`);
  } else {
    const fromCookie = cookieValue(req.headers.cookie, LANG_COOKIE);
    lang = isUiLang(fromCookie)
      ? fromCookie
      : (fromAcceptLanguage(req.headers['accept-language']) ?? services.config.DEFAULT_LANG);
  }
  // The same URL serves either language, so caches must key on what chose it.
  reply.header('vary', 'Accept-Language, Cookie');
  reply.header('content-language', lang);
  const query = new URLSearchParams(url.searchParams);
  query.delete('lang');
  const otherLang: UiLang = lang === 'en' ? 'zh-CN' : 'en';
  const switchQuery = new URLSearchParams(query);
  switchQuery.set('lang', otherLang);
  const base = services.config.PUBLIC_URL?.replace(/\/+$/, '') ?? '';
  return {
    lang,
    otherLang,
    path: url.pathname,
    query,
    switchHref: `${url.pathname}?${switchQuery.toString()}`,
    absolute: (path) => `${base}${path}`,
    t: (key, params) => t(lang, key, params),
    services,
    now: services.clock.now(),
    principal: req.principal ?? ANONYMOUS,
  };
}
