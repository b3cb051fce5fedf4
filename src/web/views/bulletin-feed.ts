/**
 * The Atom feed of published bulletins (RFC 4287). Required elements: feed id, title, updated, author (feed-level
 * here, so entries need none); each entry id, title, updated. "atom:id … MUST NOT change" (§4.2.6) — so entry ids
 * are urn:uuid: of the bulletin id (stable across host names), never its page URL. All text goes through
 * escapeXml; dates are RFC 3339 (§3.3).
 */
import { bulletinLabel, bulletinPath, type Bulletin } from '../../bulletins/model.js';
import type { ItemCounts } from '../../bulletins/ports.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attributes; drops characters XML 1.0 forbids (C0 controls except tab/LF/CR). */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

export interface FeedData {
  /** Absolute base URL of the site ('https://std.example.org'), no trailing slash. */
  base: string;
  siteName: string;
  title: string;
  items: Bulletin[];
  counts: Map<string, ItemCounts>;
  /** Fallback 'updated' when there is no bulletin yet (RFC 4287 requires the element). */
  now: string;
}

function entryTitle(b: Bulletin): string {
  const own = b.title.zh ?? b.title.en;
  return own ? `${own} ${bulletinLabel(b, 'zh')}` : `${b.publisher} ${bulletinLabel(b, 'zh')} / ${bulletinLabel(b, 'en')}`;
}

function summary(b: Bulletin, c: ItemCounts | undefined): string {
  const v = c ?? { new: 0, revision: 0, abolition: 0 };
  const bodies = b.issuingBodies.map((x) => x.zh ?? x.en).filter(Boolean).join('、');
  return `${b.date} ${bodies}: ${v.new} new, ${v.revision} revised, ${v.abolition} abolished / 新制定 ${v.new} 项，修订 ${v.revision} 项，废止 ${v.abolition} 项`;
}

/** Renders the feed document (UTF-8 XML text). */
export function bulletinFeed(d: FeedData): string {
  const updated = d.items.map((b) => b.publishedAt ?? b.updatedAt).sort().at(-1) ?? d.now;
  const e = escapeXml;
  const entries = d.items.map((b) => {
    const url = `${d.base}${bulletinPath(b)}`;
    const when = b.publishedAt ?? b.updatedAt;
    return `  <entry>
    <id>urn:uuid:${e(b.id)}</id>
    <title>${e(entryTitle(b))}</title>
    <link rel="alternate" type="text/html" href="${e(url)}"/>
    <published>${e(when)}</published>
    <updated>${e(when)}</updated>
    <category term="${e(b.publisher)}"/>
    <summary type="text">${e(summary(b, d.counts.get(b.id)))}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${e(`${d.base}/bulletins.atom`)}</id>
  <title>${e(d.title)}</title>
  <updated>${e(updated)}</updated>
  <author><name>${e(d.siteName)}</name></author>
  <link rel="self" type="application/atom+xml" href="${e(`${d.base}/bulletins.atom`)}"/>
  <link rel="alternate" type="text/html" href="${e(`${d.base}/bulletins`)}"/>
${entries.join('\n')}
</feed>
`;
}
