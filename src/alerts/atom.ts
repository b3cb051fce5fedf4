/**
 * The private Atom feed of a person's notifications (RFC 4287): one entry per notification, newest first. The
 * feed URL carries a capability token (no cookie: feed readers have none), so the document is marked private and
 * never cached by shared caches.
 */
import type { UiLang } from '../web/i18n/index.js';
import { t } from '../web/i18n/index.js';
import { describe, summaryPath, summaryTitle } from './describe.js';
import type { Notification } from './model.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attributes, dropping characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Renders the feed. `selfUrl` must not be logged or shown elsewhere (it is the secret). */
export function atomFeed(opts: { lang: UiLang; baseUrl: string; selfUrl: string; personId: string; items: Notification[]; updated: string }): string {
  const { lang, baseUrl, items } = opts;
  const entries = items.map((n) => {
    const title = describe(lang, n.summary);
    const stdTitle = summaryTitle(lang, n.summary);
    return `  <entry>
    <id>urn:stdhub:notification:${xmlEscape(n.id)}</id>
    <title>${xmlEscape(title)}</title>
    <updated>${xmlEscape(n.createdAt)}</updated>
    <link rel="alternate" type="text/html" href="${xmlEscape(baseUrl + summaryPath(n.summary))}"/>
    <category term="${xmlEscape(n.kind)}"/>
    <content type="text">${xmlEscape(stdTitle ? `${title} — ${stdTitle}` : title)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
  <id>urn:stdhub:feed:notifications:${xmlEscape(opts.personId)}</id>
  <title>${xmlEscape(t(lang, 'alerts.feed.title'))}</title>
  <updated>${xmlEscape(items[0]?.createdAt ?? opts.updated)}</updated>
  <author><name>${xmlEscape(t(lang, 'site.name'))}</name></author>
  <link rel="self" type="application/atom+xml" href="${xmlEscape(opts.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xmlEscape(`${baseUrl}/notifications`)}"/>
${entries.join('\n')}
</feed>
`;
}
