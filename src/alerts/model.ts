/**
 * The alerts domain: what a person can follow (watch kinds), what they are told about (notification kinds) and
 * the pure rules that decide whether a change concerns a watch. Nothing here touches storage or the network.
 */

export const WATCH_KINDS = ['standard', 'family', 'search', 'ics', 'ccs', 'committee', 'publisher'] as const;
export type WatchKind = (typeof WATCH_KINDS)[number];

export function isWatchKind(v: unknown): v is WatchKind {
  return typeof v === 'string' && (WATCH_KINDS as readonly string[]).includes(v);
}

/** What a notification says happened. */
export const NOTIFICATION_KINDS = [
  'new_edition', // a new edition in the family of a followed standard
  'new_standard', // a new standard in a followed set (ICS/CCS, committee, publisher, saved search)
  'status_changed',
  'replaced',
  'abolished',
  'bulletin', // a published bulletin names the standard
  'announced',
  'new_text', // a full text or translation became available
  'followed_successor', // the watch moved from a replaced standard to its successor
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const MAIL_MODES = ['immediate', 'daily', 'weekly', 'off'] as const;
export type MailMode = (typeof MAIL_MODES)[number];
export function isMailMode(v: unknown): v is MailMode {
  return typeof v === 'string' && (MAIL_MODES as readonly string[]).includes(v);
}

export interface Watch {
  id: string;
  personId: string;
  kind: WatchKind;
  target: string;
  label: string | null;
  /** The replaced standard this watch was on before it followed the successor. */
  followedFrom: string | null;
  /** The watch hears about events after this one (the event that created it). */
  sinceEventId: number;
  createdAt: string;
}

/** What a notification shows, frozen at the time of the change (titles and statuses as recorded then). */
export interface NotificationSummary {
  kind: NotificationKind;
  stdId: string | null;
  number: string | null;
  title: Record<string, string>;
  fromStatus?: string | null;
  toStatus?: string | null;
  successor?: { id: string; number: string } | null;
  /** For followed_successor: the standard the watch was on. */
  previous?: { id: string; number: string } | null;
  bulletin?: { id: string; title: string | null } | null;
  action?: 'replacement' | 'abolition' | null;
  effectiveDate?: string | null;
  /** Language of a new text. */
  lang?: string | null;
  /** The watch that matched, as the person sees it. */
  watch: { kind: WatchKind; target: string; label: string | null };
  /** Verb of the event that caused it (stable, for API clients and webhooks). */
  verb: string;
  at: string;
}

export interface Notification {
  id: string;
  personId: string;
  eventId: number;
  watchId: string;
  kind: NotificationKind;
  stdId: string | null;
  summary: NotificationSummary;
  createdAt: string;
  readAt: string | null;
}

/** A change to one standard, read from one event (see events.ts). */
export interface Change {
  type: 'created' | 'status' | 'bulletin' | 'announced' | 'text';
  stdId: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  /** Successor named by the event itself (lifecycle 'replaced' facts carry it). */
  successorId?: string | null;
  bulletin?: { id: string; title: string | null } | null;
  /** What a bulletin line does to the standard. */
  action?: 'replacement' | 'abolition' | null;
  /** Date of legal effect the event names (implementation, replacement or abolition), 'YYYY-MM-DD'. */
  effectiveDate?: string | null;
  lang?: string | null;
}

/** What the matcher needs to know about the changed standard (from the catalogue, or from the event). */
export interface StdFacts {
  id: string;
  number: string;
  family: string;
  body: string;
  committee: string | null;
  docType: string;
  nature: string | null;
  status: string;
  year: number | null;
  ics: string[];
  ccs: string[];
  title: Record<string, string>;
}

/** Statuses that end a standard's life: a created record already in one of them is history, not news. */
export const ENDED_STATUSES = new Set(['replaced', 'abolished', 'withdrawn', 'cancelled', 'obsoleted', 'historic']);

/** The notification kind of a status change. */
export function statusKind(toStatus: string | null | undefined): NotificationKind {
  if (toStatus === 'replaced') return 'replaced';
  if (toStatus === 'abolished' || toStatus === 'withdrawn' || toStatus === 'cancelled') return 'abolished';
  return 'status_changed';
}

function changeKind(c: Change): NotificationKind {
  switch (c.type) {
    case 'status':
      return statusKind(c.toStatus);
    case 'bulletin':
      return 'bulletin';
    case 'announced':
      return 'announced';
    case 'text':
      return 'new_text';
    case 'created':
      return 'new_standard';
  }
}

/** A classification code watch covers the code and everything below it ('13.220' covers '13.220.50'). */
export function codeCovers(watched: string, code: string): boolean {
  const w = watched.trim().toUpperCase();
  const c = code.trim().toUpperCase();
  if (!w) return false;
  return c === w || (c.startsWith(w) && (w.endsWith('.') || c[w.length] === '.' || /[A-Z]$/.test(w)));
}

/** Committees compare without case and spacing; a TC watch covers its SCs and WGs ('SAC/TC 113' ⊇ 'SAC/TC 113/SC 2'). */
export function committeeCovers(watched: string, committee: string | null): boolean {
  if (!committee) return false;
  const norm = (s: string) => s.toUpperCase().replace(/\s+/g, '');
  const w = norm(watched);
  const c = norm(committee);
  return c === w || c.startsWith(`${w}/`);
}

/** Normalises a watch target as typed by a person, per kind (the unique key compares these). */
export function normaliseTarget(kind: WatchKind, target: string): string {
  const t = target.trim().normalize('NFKC');
  switch (kind) {
    case 'family':
    case 'publisher':
      return t.toUpperCase().replace(/\s+/g, ' ');
    case 'ics':
    case 'ccs':
      return t.toUpperCase().replace(/\s+/g, '');
    case 'committee':
      return t.replace(/\s+/g, ' ');
    default:
      return t;
  }
}

/**
 * Decides whether a change concerns a watch, and as what. `watchedFamily` is the family of the standard a
 * 'standard' watch is on (a watch on a standard also hears about its family's new editions). Saved searches are
 * matched by the caller (they need the search port); here they only pass when `searchMatched` says so.
 * Returns null when the watch does not care.
 */
export function matchWatch(
  change: Change,
  facts: StdFacts | null,
  watch: Pick<Watch, 'kind' | 'target'>,
  ctx: { watchedFamily?: string | null; searchMatched?: boolean } = {},
): NotificationKind | null {
  const isNew = change.type === 'created' || change.type === 'announced';
  switch (watch.kind) {
    case 'standard':
      if (change.stdId === watch.target) return change.type === 'created' ? null : changeKind(change);
      if (isNew && facts && ctx.watchedFamily && facts.family === ctx.watchedFamily) return 'new_edition';
      return null;
    case 'family':
      if (!facts || facts.family !== watch.target.toUpperCase()) return null;
      return isNew ? 'new_edition' : changeKind(change);
    default:
      break;
  }
  // Sets: only news about membership and life (not every bulletin line or metadata edit of every member).
  if (!facts) return null;
  if (change.type === 'bulletin') return null;
  let inSet = false;
  switch (watch.kind) {
    case 'ics':
      inSet = facts.ics.some((c) => codeCovers(watch.target, c));
      break;
    case 'ccs':
      inSet = facts.ccs.some((c) => codeCovers(watch.target, c));
      break;
    case 'committee':
      inSet = committeeCovers(watch.target, facts.committee);
      break;
    case 'publisher':
      inSet = facts.body.toUpperCase() === watch.target.toUpperCase();
      break;
    case 'search':
      inSet = ctx.searchMatched === true;
      break;
  }
  return inSet ? changeKind(change) : null;
}

/** Specificity of a watch kind: when one change matches several watches of a person, the most specific one wins. */
export const WATCH_RANK: Record<WatchKind, number> = { standard: 0, family: 1, committee: 2, publisher: 3, ics: 4, ccs: 5, search: 6 };

/** Key that makes the same change seen through two events (a lifecycle event and the record update) notify once. */
export function dedupeKey(change: Change, kind: NotificationKind): string | null {
  switch (change.type) {
    case 'created':
      return `new:${change.stdId}`;
    case 'announced':
      return `announced:${change.stdId}`;
    case 'status':
      return `status:${change.stdId}:${change.toStatus ?? ''}`;
    case 'bulletin':
      return `bulletin:${change.bulletin?.id ?? ''}:${change.stdId}`;
    case 'text':
      // Every new text or translation is news of its own (the event id keeps it unique).
      return kind === 'new_text' ? null : `text:${change.stdId}:${change.lang ?? ''}`;
  }
}
