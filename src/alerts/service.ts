/**
 * Alerts use cases: follow and unfollow, notifications, mail preferences, the private feed token, one-click
 * unsubscribe, webhooks and their delivery log, and the scheduled jobs (fan-out, webhook deliveries, mail).
 * Routes (web and API) stay thin and call these with the request's principal.
 */
import { randomUUID } from 'node:crypto';
import { actorOf, type Principal } from '../accounts/principal.js';
import { authorize } from '../accounts/policy.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import type { JobDefinition } from '../jobs/ports.js';
import { AppError } from '../kernel/errors.js';
import type { Clock } from '../kernel/clock.js';
import type { Mailer } from '../mail/ports.js';
import type { CatalogueSearch } from '../search/ports.js';
import { isUiLang, type UiLang } from '../web/i18n/index.js';
import { checkWebhookUrl } from '../webhooks/ssrf.js';
import { deliverDue, type WebhookConfig } from '../webhooks/deliver.js';
import { postJson } from '../webhooks/send.js';
import { describe, summaryPath } from './describe.js';
import { familyOf, runFanOut } from './fanout.js';
import { runMail } from './mail.js';
import { isWatchKind, normaliseTarget, type MailMode, type Notification, type Watch, type WatchKind } from './model.js';
import type { AlertStore, DeliveryAttempt, MailPref, NewNotification, Webhook } from './ports.js';
import { canonicalSearch, parseSavedSearch } from './search-watch.js';
import { deriveToken, hashToken, looksLikeToken, randomSecret } from './tokens.js';

export const LIMITS = { watchesPerPerson: 1000, webhooksPerPerson: 10, targetChars: 500, labelChars: 200, pageSize: 50 };

export interface AlertServiceDeps {
  store: AlertStore;
  clock: Clock;
  catalogue: CatalogueStore;
  search: CatalogueSearch;
  mailer: Mailer | null;
  baseUrl: string;
  defaultMode: MailMode;
  defaultLang: UiLang;
  webhooks: WebhookConfig;
  jobEveryMs: number;
  successorsOf?: (stdId: string) => Promise<string[]>;
  /** Event ids below the fan-out cursor re-read on each run (PostgreSQL: late commits; see fanout.ts). */
  rescan?: number;
  /** The HTTP client of webhook deliveries (tests may wrap it). */
  send?: typeof postJson;
}

/** Builds the JSON body of a webhook delivery for a notification. */
export function webhookPayload(baseUrl: string) {
  return (n: { id: string; createdAt: string } & NewNotification, deliveryId: string) => {
    const eventName = `notification.${n.kind}`;
    const body = {
      delivery: deliveryId,
      event: eventName,
      notification: {
        id: n.id,
        kind: n.kind,
        eventId: n.eventId,
        createdAt: n.createdAt,
        standard: n.stdId ? { id: n.stdId, number: n.summary.number, url: `${baseUrl}${summaryPath(n.summary)}` } : null,
        text: { en: describe('en', n.summary), 'zh-CN': describe('zh-CN', n.summary) },
        summary: n.summary,
      },
    };
    return { eventName, payload: JSON.stringify(body) };
  };
}

function personOf(p: Principal): string {
  authorize(p, 'watch.manage');
  if (!p.userId) throw new AppError('unauthenticated');
  return p.userId;
}

export class AlertService {
  constructor(private readonly d: AlertServiceDeps) {}

  get store(): AlertStore {
    return this.d.store;
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  /**
   * Follows something. Standards are given by id or number (resolved; stored by id), families by a number
   * (stored as the family key), saved searches by their query string (stored canonically).
   */
  async follow(p: Principal, input: { kind: string; target: string; label?: string | null }): Promise<{ watch: Watch; created: boolean }> {
    const personId = personOf(p);
    if (!isWatchKind(input.kind)) throw new AppError('invalid_input', 'Unknown watch kind', { field: 'kind' });
    const kind: WatchKind = input.kind;
    const raw = String(input.target ?? '').trim();
    if (!raw || raw.length > LIMITS.targetChars) throw new AppError('invalid_input', `The target must be 1–${LIMITS.targetChars} characters`, { field: 'target' });
    let target = normaliseTarget(kind, raw);
    if (kind === 'standard') {
      const r = await this.d.catalogue.resolve(raw);
      if (!r) throw new AppError('standard_not_found', `No standard matches "${raw.slice(0, 100)}"`);
      target = r.id;
    } else if (kind === 'family') {
      const r = await this.d.catalogue.resolve(raw);
      if (r) target = familyOf(r);
    } else if (kind === 'search') {
      target = canonicalSearch(parseSavedSearch(raw));
      if (!target) throw new AppError('invalid_input', 'A saved search needs a query or a filter', { field: 'target' });
    }
    const label = input.label ? String(input.label).trim().slice(0, LIMITS.labelChars) || null : null;
    const existing = await this.d.store.findWatch(personId, kind, target);
    if (existing) return { watch: existing, created: false };
    if ((await this.d.store.watches(personId)).length >= LIMITS.watchesPerPerson) throw new AppError('invalid_input', `At most ${LIMITS.watchesPerPerson} watches`);
    return this.d.store.addWatch({ personId, kind, target, label }, actorOf(p));
  }

  async unfollow(p: Principal, watchId: string): Promise<boolean> {
    const personId = personOf(p);
    const ok = await this.d.store.removeWatch(personId, watchId, actorOf(p));
    if (!ok) throw new AppError('not_found', 'No such watch');
    return ok;
  }

  async watches(p: Principal): Promise<Watch[]> {
    return this.d.store.watches(personOf(p));
  }

  /** The person's watch on a standard, if any (for the Follow/Unfollow button). */
  async watchOnStandard(personId: string, stdId: string): Promise<Watch | null> {
    return this.d.store.findWatch(personId, 'standard', stdId);
  }

  /** Distinct people following a standard, directly or through its family (used by the bulletin impact view). */
  async watcherCount(stdId: string): Promise<number> {
    return this.d.store.watcherCount(stdId);
  }

  async notifications(p: Principal, opts: { unreadOnly?: boolean; before?: string; limit?: number } = {}): Promise<Notification[]> {
    const limit = Math.min(Math.max(1, opts.limit ?? LIMITS.pageSize), 200);
    // `before` = '<createdAt>|<eventId>|<id>' of the last item shown (see pageCursor); anything else is ignored.
    const m = opts.before ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|(\d{1,15})\|([0-9a-f-]{36})$/.exec(opts.before) : null;
    return this.d.store.notifications(personOf(p), { limit, unreadOnly: opts.unreadOnly, before: m ? { createdAt: m[1], eventId: Number(m[2]), id: m[3] } : undefined });
  }

  /** The `before` value that continues after a notification (keyset paging). */
  static pageCursor(n: Notification): string {
    return `${n.createdAt}|${n.eventId}|${n.id}`;
  }

  async unreadCount(p: Principal): Promise<number> {
    return this.d.store.unreadCount(personOf(p));
  }

  async markRead(p: Principal, id: string | 'all'): Promise<number> {
    return this.d.store.markRead(personOf(p), id, this.now());
  }

  async mailPref(p: Principal): Promise<MailPref> {
    return this.d.store.mailPref(personOf(p), this.d.defaultMode);
  }

  async setMailMode(p: Principal, mode: MailMode, lang: string | null): Promise<void> {
    await this.d.store.setMailMode(personOf(p), mode, isUiLang(lang) ? lang : null, actorOf(p), this.d.defaultMode);
  }

  /** The current private feed path of the person (derived from the token generation; see tokens.ts). */
  async feedPath(p: Principal): Promise<string> {
    const personId = personOf(p);
    const gen = await this.d.store.feedGeneration(personId);
    return `/feeds/notifications/${deriveToken(await this.d.store.secret(), 'feed', personId, gen)}.atom`;
  }

  /** The feed URL with the configured base (PUBLIC_URL, else HOST:PORT). */
  async feedUrl(p: Principal): Promise<string> {
    return `${this.d.baseUrl}${await this.feedPath(p)}`;
  }

  async rotateFeed(p: Principal): Promise<void> {
    await this.d.store.rotateFeedToken(personOf(p), actorOf(p));
  }

  /** The person a feed token belongs to (null for unknown or rotated tokens). */
  async feedOwner(token: string): Promise<string | null> {
    if (!looksLikeToken(token)) return null;
    return this.d.store.personByFeedHash(hashToken(token));
  }

  async feedItems(personId: string): Promise<Notification[]> {
    return this.d.store.notifications(personId, { limit: 50 });
  }

  /** The person an unsubscribe token belongs to, with their current mode (null for unknown tokens). */
  async unsubscribeTarget(token: string): Promise<{ personId: string; mode: MailMode } | null> {
    if (!looksLikeToken(token)) return null;
    const personId = await this.d.store.personByUnsubscribeHash(hashToken(token));
    if (!personId) return null;
    return { personId, mode: (await this.d.store.mailPref(personId, this.d.defaultMode)).mode };
  }

  /** One-click unsubscribe (RFC 8058): the token alone authorises turning alert mail off. */
  async unsubscribe(token: string): Promise<boolean> {
    const t = await this.unsubscribeTarget(token);
    if (!t) return false;
    if (t.mode !== 'off') await this.d.store.setMailMode(t.personId, 'off', null, 'system:unsubscribe', this.d.defaultMode);
    return true;
  }

  async createWebhook(p: Principal, url: string): Promise<Webhook> {
    const personId = personOf(p);
    const checked = checkWebhookUrl(String(url ?? ''), this.d.webhooks.allowPrivate);
    if ((await this.d.store.webhooks(personId)).length >= LIMITS.webhooksPerPerson) throw new AppError('invalid_input', `At most ${LIMITS.webhooksPerPerson} webhooks`);
    return this.d.store.createWebhook(personId, checked.toString(), randomSecret(32), actorOf(p));
  }

  /** Like createWebhook, but a webhook the person already has for the same URL is returned instead of a second one. */
  async ensureWebhook(p: Principal, url: string): Promise<{ webhook: Webhook; created: boolean }> {
    const checked = checkWebhookUrl(String(url ?? ''), this.d.webhooks.allowPrivate).toString();
    const existing = (await this.d.store.webhooks(personOf(p))).find((h) => h.url === checked);
    return existing ? { webhook: existing, created: false } : { webhook: await this.createWebhook(p, checked), created: true };
  }

  async webhooks(p: Principal): Promise<Webhook[]> {
    return this.d.store.webhooks(personOf(p));
  }

  /** A webhook of the person (404 for anyone else's: its existence is not theirs to know). */
  async webhook(p: Principal, id: string): Promise<Webhook> {
    const personId = personOf(p);
    const h = await this.d.store.webhook(id);
    if (!h || h.personId !== personId) throw new AppError('not_found', 'No such webhook');
    return h;
  }

  async deleteWebhook(p: Principal, id: string): Promise<void> {
    if (!(await this.d.store.deleteWebhook(personOf(p), id, actorOf(p)))) throw new AppError('not_found', 'No such webhook');
  }

  async deliveries(p: Principal, id: string, limit = 200): Promise<DeliveryAttempt[]> {
    await this.webhook(p, id);
    return this.d.store.deliveries(id, Math.min(Math.max(1, limit), 500));
  }

  /** Queues a 'ping' delivery so the owner can test the receiver and see the result in the log. */
  async pingWebhook(p: Principal, id: string): Promise<void> {
    const h = await this.webhook(p, id);
    const at = this.now();
    const deliveryId = randomUUID();
    const payload = JSON.stringify({ delivery: deliveryId, event: 'ping', webhook: h.id, at });
    await this.d.store.enqueueDelivery({ deliveryId, webhookId: h.id, notificationId: null, eventId: null, eventName: 'ping', payload, nextAttemptAt: at, createdAt: at });
  }

  /** Fan-out: new events → notifications (and queued webhook deliveries). */
  async runFanOut(now: Date = this.d.clock.now()) {
    return runFanOut({ store: this.d.store, catalogue: this.d.catalogue, search: this.d.search, successorsOf: this.d.successorsOf }, now, { rescan: this.d.rescan });
  }

  /** Sends due webhook attempts. */
  async runDeliveries(now: Date = this.d.clock.now()) {
    return deliverDue(this.d.store, now, this.d.webhooks, this.d.send);
  }

  /** Sends due alert mail (immediate and digests). */
  async runMail(now: Date = this.d.clock.now()) {
    return runMail({ store: this.d.store, mailer: this.d.mailer, baseUrl: this.d.baseUrl, defaultMode: this.d.defaultMode, defaultLang: this.d.defaultLang }, now);
  }

  /** Everything once, in order (what the scheduled jobs do; tests and the CLI call it directly). */
  async runAll(now: Date = this.d.clock.now()) {
    const fanout = await this.runFanOut(now);
    const deliveries = await this.runDeliveries(now);
    const mail = await this.runMail(now);
    return { fanout, deliveries, mail };
  }

  /** The scheduled jobs of the alerts domain (registered with the scheduler by the composition root). */
  jobs(): JobDefinition[] {
    const every = this.d.jobEveryMs;
    return [
      { name: 'alerts.fanout', everyMs: every, run: async (now) => ({ changed: (await this.runFanOut(now)).notifications }) },
      // Deliveries run more often than the fan-out so that retries keep their schedule (bounded below by 1 s).
      { name: 'alerts.webhooks', everyMs: Math.max(1000, Math.min(every, 15_000)), run: async (now) => ({ changed: await this.runDeliveries(now) }) },
      { name: 'alerts.mail', everyMs: every, run: async (now) => ({ changed: (await this.runMail(now)).mails }) },
    ];
  }
}
