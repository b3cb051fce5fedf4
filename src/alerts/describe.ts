/**
 * One sentence per notification, in an interface language — shared by the notification page, mails, the Atom
 * feed and webhook payloads, so every channel says the same thing. Built from the summary frozen at the time of
 * the change (statuses and titles as recorded then).
 */
import { label } from '../catalogue/vocabularies.js';
import { t, type MessageKey, type UiLang } from '../web/i18n/index.js';
import type { NotificationSummary, WatchKind } from './model.js';

/** The watch as a person reads it ('ICS 13.220', 'Publisher SAC', 'Search "防火门"'). */
export function describeWatch(lang: UiLang, w: { kind: WatchKind; target: string; label: string | null }): string {
  if (w.label) return w.label;
  const kindLabel = t(lang, `alerts.kind.${w.kind}` as MessageKey);
  return `${kindLabel} ${w.kind === 'search' ? decodeSearch(w.target) : w.target}`;
}

/** A saved search shown as its query text and filters ('防火门 · body=SAC'). */
export function decodeSearch(target: string): string {
  const p = new URLSearchParams(target);
  const parts: string[] = [];
  const q = p.get('q');
  if (q) parts.push(`“${q}”`);
  for (const [k, v] of p) if (k !== 'q') parts.push(`${k}=${v}`);
  return parts.join(' · ') || '*';
}

/** The notification as one sentence. */
export function describe(lang: UiLang, s: NotificationSummary): string {
  const number = s.number ?? s.stdId ?? '';
  const status = (code: string | null | undefined) => (code ? label('status', code, lang) : '');
  switch (s.kind) {
    case 'new_edition':
      return t(lang, 'alerts.msg.new_edition', { number });
    case 'new_standard':
      return t(lang, 'alerts.msg.new_standard', { number, watch: describeWatch(lang, s.watch) });
    case 'status_changed':
      return t(lang, 'alerts.msg.status_changed', { number, from: status(s.fromStatus) || '—', to: status(s.toStatus) });
    case 'replaced':
      return s.successor ? t(lang, 'alerts.msg.replaced_by', { number, successor: s.successor.number }) : t(lang, 'alerts.msg.replaced', { number });
    case 'abolished':
      return t(lang, 'alerts.msg.abolished', { number, status: status(s.toStatus) });
    case 'bulletin': {
      const bulletin = s.bulletin?.title ?? s.bulletin?.id ?? '';
      const date = s.effectiveDate ?? '';
      if (s.action === 'replacement' && s.successor) return t(lang, 'alerts.msg.bulletin_replacement', { number, successor: s.successor.number, date, bulletin });
      if (s.action === 'abolition') return t(lang, 'alerts.msg.bulletin_abolition', { number, date, bulletin });
      return t(lang, 'alerts.msg.bulletin', { number, bulletin });
    }
    case 'announced':
      return s.bulletin
        ? t(lang, 'alerts.msg.announced_in', { number, bulletin: s.bulletin.title ?? s.bulletin.id, date: s.effectiveDate ?? '' })
        : t(lang, 'alerts.msg.announced', { number });
    case 'new_text':
      return t(lang, 'alerts.msg.new_text', { number, lang: s.lang ?? '' });
    case 'followed_successor':
      return t(lang, 'alerts.msg.followed_successor', { previous: s.previous?.number ?? '', number });
  }
}

/** The title of the standard in the language, if the summary has one. */
export function summaryTitle(lang: UiLang, s: NotificationSummary): string {
  const l = lang === 'zh-CN' ? 'zh' : 'en';
  return s.title[l] ?? s.title.en ?? s.title.zh ?? '';
}

/** Site path of what the notification is about. */
export function summaryPath(s: NotificationSummary): string {
  return s.stdId ? `/std/${encodeURIComponent(s.stdId)}` : '/notifications';
}
