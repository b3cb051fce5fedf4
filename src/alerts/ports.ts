import type { EventRow } from './events.js';
import type { MailMode, Notification, Watch, WatchKind } from './model.js';

/** A notification the fan-out decided to create (insert-or-ignore on person+event+watch and person+dedupe key). */
export interface NewNotification extends Pick<Notification, 'personId' | 'eventId' | 'watchId' | 'kind' | 'stdId' | 'summary'> {
  dedupeKey: string | null;
}

/** A watch moving from a replaced standard to its successor (recorded as event 'watch.followed_successor'). */
export interface WatchMove {
  watch: Watch;
  successor: { id: string; number: string; title: Record<string, string> };
  previous: { id: string; number: string; title: Record<string, string> };
}

export interface Webhook {
  id: string;
  personId: string;
  url: string;
  secret: string;
  active: boolean;
  createdAt: string;
}

/** One attempt (or the pending next attempt) of one webhook delivery. */
export interface DeliveryAttempt {
  id: string;
  deliveryId: string;
  webhookId: string;
  notificationId: string | null;
  eventId: number | null;
  eventName: string;
  payload: string;
  attempt: number;
  status: 'pending' | 'sending' | 'delivered' | 'failed' | 'gave_up';
  responseCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  attemptedAt: string | null;
  createdAt: string;
}

export interface MailPref {
  personId: string;
  mode: MailMode;
  lang: string | null;
  unsubscribeGeneration: number;
}

/** Storage of the alerts domain. Every mutation of a person's settings records an event in the same transaction. */
export interface AlertStore {
  /** Installation secret for derived tokens (created on first use, kept in the meta table). */
  secret(): Promise<string>;

  addWatch(w: { personId: string; kind: WatchKind; target: string; label: string | null }, actor: string): Promise<{ watch: Watch; created: boolean }>;
  removeWatch(personId: string, id: string, actor: string): Promise<boolean>;
  watches(personId: string): Promise<Watch[]>;
  findWatch(personId: string, kind: WatchKind, target: string): Promise<Watch | null>;
  /** The smallest since_event_id of all watches (null when nobody watches anything). */
  oldestWatchSince(): Promise<number | null>;
  /** Watches found by key for a changed standard: standard watches on it or on an edition of its family, family and publisher watches. */
  candidateWatches(std: { id: string; family: string | null; body: string | null }): Promise<(Watch & { watchedFamily: string | null })[]>;
  /** All ICS, CCS, committee and saved-search watches (matched in code; loaded once per batch of events). */
  setWatches(): Promise<Watch[]>;
  /** Distinct people following a standard (directly or through its family). */
  watcherCount(stdId: string): Promise<number>;

  cursor(name: string): Promise<number | null>;
  maxEventId(): Promise<number>;
  eventsAfter(id: number, limit: number): Promise<EventRow[]>;
  /** Applies one event's outcome atomically: notifications (+ webhook deliveries), watch moves, cursor. Returns notifications created. */
  applyEvent(cursorName: string, eventId: number, notes: NewNotification[], moves: WatchMove[], now: string): Promise<number>;
  setCursor(name: string, eventId: number, now: string): Promise<void>;

  /** Newest first; `before` is the (createdAt, eventId, id) of the last item of the previous page (keyset paging). */
  notifications(personId: string, opts: { limit: number; unreadOnly?: boolean; before?: { createdAt: string; eventId: number; id: string } }): Promise<Notification[]>;
  unreadCount(personId: string): Promise<number>;
  markRead(personId: string, id: string | 'all', now: string): Promise<number>;
  /** Notifications not yet mailed (or skipped), created before `before`, grouped by the caller. */
  unmailed(before: string, limit: number): Promise<Notification[]>;
  markMailed(ids: string[], now: string): Promise<void>;

  mailPref(personId: string, defaultMode: MailMode): Promise<MailPref>;
  setMailMode(personId: string, mode: MailMode, lang: string | null, actor: string, defaultMode: MailMode): Promise<void>;
  personByUnsubscribeHash(hash: string): Promise<string | null>;
  /** E-mail address of a person who can receive mail (active, verified), or null. */
  contactOf(personId: string): Promise<{ email: string } | null>;

  feedGeneration(personId: string): Promise<number>;
  rotateFeedToken(personId: string, actor: string): Promise<number>;
  personByFeedHash(hash: string): Promise<string | null>;

  createWebhook(personId: string, url: string, secret: string, actor: string): Promise<Webhook>;
  webhooks(personId: string): Promise<Webhook[]>;
  webhook(id: string): Promise<Webhook | null>;
  deleteWebhook(personId: string, id: string, actor: string): Promise<boolean>;
  enqueueDelivery(d: Omit<DeliveryAttempt, 'id' | 'attempt' | 'status' | 'responseCode' | 'error' | 'attemptedAt' | 'createdAt'> & { createdAt: string }): Promise<void>;
  /** Claims due attempts (pending, or sending with an expired lease) and leases them until `leaseUntil`. */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<DeliveryAttempt[]>;
  /** Records the outcome of an attempt; when `next` is given, queues the next attempt in the same transaction. */
  finishAttempt(id: string, outcome: { status: 'delivered' | 'failed' | 'gave_up'; responseCode: number | null; error: string | null; at: string }, next: { at: string } | null): Promise<void>;
  deliveries(webhookId: string, limit: number): Promise<DeliveryAttempt[]>;
}
