import enBase from './en.json' with { type: 'json' };
import zhBase from './zh-CN.json' with { type: 'json' };
import accountsEn from './accounts.en.json' with { type: 'json' };
import accountsZh from './accounts.zh-CN.json' with { type: 'json' };
import editorialEn from './editorial.en.json' with { type: 'json' };
import editorialZh from './editorial.zh-CN.json' with { type: 'json' };
import auditEn from './audit.en.json' with { type: 'json' };
import auditZh from './audit.zh-CN.json' with { type: 'json' };
import lifecycleEn from './lifecycle.en.json' with { type: 'json' };
import lifecycleZh from './lifecycle.zh-CN.json' with { type: 'json' };
import bulletinsEn from './bulletins.en.json' with { type: 'json' };
import bulletinsZh from './bulletins.zh-CN.json' with { type: 'json' };
import alertsEn from './alerts.en.json' with { type: 'json' };
import alertsZh from './alerts.zh-CN.json' with { type: 'json' };

/**
 * Messages are split per domain (`<domain>.<lang>.json`) beside the base files so that parallel work on different
 * domains never edits the same file; they merge into one flat catalogue per language (keys must not collide —
 * the completeness test checks that both languages have every key).
 */
const en = { ...enBase, ...accountsEn, ...editorialEn, ...auditEn, ...lifecycleEn, ...bulletinsEn, ...alertsEn };
const zhCN = { ...zhBase, ...accountsZh, ...editorialZh, ...auditZh, ...lifecycleZh, ...bulletinsZh, ...alertsZh };

/** Interface languages. Record data may be in any language; the interface is in one of these. */
export const UI_LANGS = ['zh-CN', 'en'] as const;
export type UiLang = (typeof UI_LANGS)[number];

/** Message keys come from en.json, so a misspelt key is a type error; the test checks zh-CN.json has them all. */
export type MessageKey = keyof typeof en;

const catalogues: Record<UiLang, Record<string, string>> = { en, 'zh-CN': zhCN };

/** The keys of one language's message file (for the completeness test). */
export function messageKeys(lang: UiLang): string[] {
  return Object.keys(catalogues[lang]);
}

/** True for a supported interface language tag. */
export function isUiLang(v: unknown): v is UiLang {
  return typeof v === 'string' && (UI_LANGS as readonly string[]).includes(v);
}

/**
 * The message in a language with `{name}` placeholders filled in. Returns plain text: the view's `html` template
 * escapes it, so parameters may carry record data safely.
 */
export function t(lang: UiLang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const msg = catalogues[lang][key] ?? catalogues.en[key] ?? key;
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Digits grouped the way the language writes them. */
export function formatCount(lang: UiLang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** The language code record titles use for an interface language ('zh-CN' → 'zh'). */
export function contentLang(lang: UiLang): string {
  return lang === 'zh-CN' ? 'zh' : 'en';
}

/** Display name of a content language ('fr' → 'French' / '法文'); unknown codes are shown as they are. */
export function languageName(lang: UiLang, code: string): string {
  const key = `lang.${code}`;
  return key in catalogues[lang] ? catalogues[lang][key] : code;
}

/** Maps a language tag from a header or cookie to an interface language, or null when none fits. */
export function matchUiLang(tag: string): UiLang | null {
  const v = tag.trim().toLowerCase();
  if (v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh-CN';
  if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  return null;
}

/**
 * Picks the interface language from an Accept-Language header (RFC 9110 §12.5.4: tags weighted by q, q=0
 * means "not acceptable"); null when nothing acceptable is supported.
 */
export function fromAcceptLanguage(header: string | undefined): UiLang | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const m = matchUiLang(r.tag);
    if (m) return m;
  }
  return null;
}

/** Reads one cookie from a Cookie header (RFC 6265 §5.4 pairs separated by ';'). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) {
      const v = pair.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
  }
  return undefined;
}
