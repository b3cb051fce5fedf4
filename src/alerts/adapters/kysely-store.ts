import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeEvent, type NewEvent } from '../../db/events.js';
import type { Database } from '../../db/schema.js';
import type { EventRow } from '../events.js';
import { isMailMode, type MailMode, type Notification, type NotificationKind, type NotificationSummary, type Watch, type WatchKind } from '../model.js';
import type { AlertStore, DeliveryAttempt, MailPref, NewNotification, Webhook, WatchMove } from '../ports.js';
import { deriveToken, hashToken, randomSecret } from '../tokens.js';

/** Builds the webhook body of a notification (kept outside the store: the store only persists it). */
export type WebhookPayloadBuilder = (n: { id: string; createdAt: string } & NewNotification, deliveryId: string) => { eventName: string; payload: string };

type WatchRow = Database['watch'];
type NotificationRow = Database['notification'];
type DeliveryRow = Database['webhook_delivery'];

const toWatch = (r: WatchRow): Watch => ({
  id: r.id,
  personId: r.person_id,
  kind: r.kind as WatchKind,
  target: r.target,
  label: r.label,
  followedFrom: r.followed_from,
  sinceEventId: Number(r.since_event_id),
  createdAt: r.created_at,
});
const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  personId: r.person_id,
  eventId: Number(r.event_id),
  watchId: r.watch_id,
  kind: r.kind as NotificationKind,
  stdId: r.std_id,
  summary: JSON.parse(r.summary) as NotificationSummary,
  createdAt: r.created_at,
  readAt: r.read_at,
});
const toDelivery = (r: DeliveryRow): DeliveryAttempt => ({
  id: r.id,
  deliveryId: r.delivery_id,
  webhookId: r.webhook_id,
  notificationId: r.notification_id,
  eventId: r.event_id === null ? null : Number(r.event_id),
  eventName: r.event_name,
  payload: r.payload,
  attempt: Number(r.attempt),
  status: r.status as DeliveryAttempt['status'],
  responseCode: r.response_code === null ? null : Number(r.response_code),
  error: r.error,
  nextAttemptAt: r.next_attempt_at,
  attemptedAt: r.attempted_at,
  createdAt: r.created_at,
});
const toWebhook = (r: Database['webhook']): Webhook => ({ id: r.id, personId: r.person_id, url: r.url, secret: r.secret, active: Number(r.active) === 1, createdAt: r.created_at });

/** The alerts store on Kysely (SQLite and PostgreSQL alike: no dialect-specific SQL). */
export class KyselyAlertStore implements AlertStore {
  private cachedSecret: string | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
    private readonly webhookPayload: WebhookPayloadBuilder,
    /** Where mail addresses come from (the accounts service in the composition root). */
    private readonly contacts?: (personId: string) => Promise<{ email: string } | null>,
  ) {}

  private iso(): string {
    return this.now().toISOString();
  }

  private event(tx: Transaction<Database> | Kysely<Database>, e: Omit<NewEvent, 'at'> & { at?: string }): Promise<number> {
    return writeEvent(tx, { ...e, at: e.at ?? this.iso() });
  }

  async secret(): Promise<string> {
    if (this.cachedSecret) return this.cachedSecret;
    await this.db
      .insertInto('meta')
      .values({ key: 'alerts.secret', value: randomSecret() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', 'alerts.secret').executeTakeFirstOrThrow();
    this.cachedSecret = row.value;
    return row.value;
  }

  async addWatch(w: { personId: string; kind: WatchKind; target: string; label: string | null }, actor: string) {
    const existing = await this.findWatch(w.personId, w.kind, w.target);
    if (existing) return { watch: existing, created: false };
    return this.db.transaction().execute(async (tx) => {
      const row: WatchRow = { id: randomUUID(), person_id: w.personId, kind: w.kind, target: w.target, label: w.label, followed_from: null, since_event_id: 0, created_at: this.iso() };
      const r = await tx.insertInto('watch').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
        const again = await tx.selectFrom('watch').selectAll().where('person_id', '=', w.personId).where('kind', '=', w.kind).where('target', '=', w.target).executeTakeFirstOrThrow();
        return { watch: toWatch(again), created: false };
      }
      const evId = await this.event(tx, { actor, verb: 'watch.created', type: 'watch', id: row.id, after: { kind: row.kind, target: row.target, person: row.person_id } });
      await tx.updateTable('watch').set({ since_event_id: evId }).where('id', '=', row.id).execute();
      return { watch: toWatch({ ...row, since_event_id: evId }), created: true };
    });
  }

  async removeWatch(personId: string, id: string, actor: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('watch').selectAll().where('id', '=', id).where('person_id', '=', personId).executeTakeFirst();
      if (!row) return false;
      await tx.deleteFrom('watch').where('id', '=', id).execute();
      await this.event(tx, { actor, verb: 'watch.deleted', type: 'watch', id, before: { kind: row.kind, target: row.target, person: row.person_id } });
      return true;
    });
  }

  async watches(personId: string): Promise<Watch[]> {
    const rows = await this.db.selectFrom('watch').selectAll().where('person_id', '=', personId).orderBy('kind').orderBy('target').limit(5000).execute();
    return rows.map(toWatch);
  }

  async findWatch(personId: string, kind: WatchKind, target: string): Promise<Watch | null> {
    const r = await this.db.selectFrom('watch').selectAll().where('person_id', '=', personId).where('kind', '=', kind).where('target', '=', target).executeTakeFirst();
    return r ? toWatch(r) : null;
  }

  async oldestWatchSince(): Promise<number | null> {
    const r = await this.db.selectFrom('watch').select((eb) => eb.fn.min('since_event_id').as('m')).executeTakeFirst();
    return r?.m === null || r?.m === undefined ? null : Number(r.m);
  }

  async candidateWatches(std: { id: string; family: string | null; body: string | null }) {
    const out: (Watch & { watchedFamily: string | null })[] = [];
    // Standard watches on this standard or on any edition of its family (new editions are news for them).
    const stdRows = await this.db
      .selectFrom('watch')
      .leftJoin('standard', 'standard.id', 'watch.target')
      .selectAll('watch')
      .select('standard.family as watched_family')
      .where('watch.kind', '=', 'standard')
      .where((eb) => {
        const ors = [eb('watch.target', '=', std.id)];
        if (std.family) ors.push(eb('standard.family', '=', std.family));
        return eb.or(ors);
      })
      .execute();
    for (const r of stdRows) out.push({ ...toWatch(r), watchedFamily: r.watched_family ?? null });
    const keyed = await this.db
      .selectFrom('watch')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'family'), eb('target', '=', std.family ?? '\u0000')]),
          eb.and([eb('kind', '=', 'publisher'), eb('target', '=', (std.body ?? '\u0000').toUpperCase())]),
        ]),
      )
      .execute();
    for (const r of keyed) out.push({ ...toWatch(r), watchedFamily: null });
    return out;
  }

  async setWatches(): Promise<Watch[]> {
    const rows = await this.db.selectFrom('watch').selectAll().where('kind', 'in', ['ics', 'ccs', 'committee', 'search']).limit(200_000).execute();
    return rows.map(toWatch);
  }

  async watcherCount(stdId: string): Promise<number> {
    const fam = await this.db.selectFrom('standard').select('family').where('id', '=', stdId).executeTakeFirst();
    const r = await this.db
      .selectFrom('watch')
      .select((eb) => eb.fn.count<number>('person_id').distinct().as('n'))
      .where((eb) => {
        const ors = [eb.and([eb('kind', '=', 'standard'), eb('target', '=', stdId)])];
        if (fam) ors.push(eb.and([eb('kind', '=', 'family'), eb('target', '=', fam.family)]));
        return eb.or(ors);
      })
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async cursor(name: string): Promise<number | null> {
    const r = await this.db.selectFrom('alert_cursor').select('last_event_id').where('name', '=', name).executeTakeFirst();
    return r ? Number(r.last_event_id) : null;
  }

  async maxEventId(): Promise<number> {
    const r = await this.db.selectFrom('event').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  async eventsAfter(id: number, limit: number): Promise<EventRow[]> {
    const rows = await this.db.selectFrom('event').selectAll().where('id', '>', id).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  private async upsertCursor(tx: Transaction<Database> | Kysely<Database>, name: string, eventId: number, now: string) {
    await tx
      .insertInto('alert_cursor')
      .values({ name, last_event_id: eventId, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_event_id: eventId, updated_at: now }))
      .execute();
  }

  async setCursor(name: string, eventId: number, now: string): Promise<void> {
    await this.upsertCursor(this.db, name, eventId, now);
  }

  /** Inserts one notification unless it exists; queues a delivery per active webhook of the person. */
  private async insertNotification(tx: Transaction<Database>, n: NewNotification, now: string): Promise<boolean> {
    const id = randomUUID();
    const r = await tx
      .insertInto('notification')
      .values({
        id,
        person_id: n.personId,
        event_id: n.eventId,
        watch_id: n.watchId,
        kind: n.kind,
        std_id: n.stdId,
        summary: JSON.stringify(n.summary),
        dedupe_key: n.dedupeKey,
        created_at: now,
        read_at: null,
        mailed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    const hooks = await tx.selectFrom('webhook').select('id').where('person_id', '=', n.personId).where('active', '=', 1).execute();
    for (const h of hooks) {
      const deliveryId = randomUUID();
      const { eventName, payload } = this.webhookPayload({ ...n, id, createdAt: now }, deliveryId);
      await tx
        .insertInto('webhook_delivery')
        .values({
          id: randomUUID(),
          delivery_id: deliveryId,
          webhook_id: h.id,
          notification_id: id,
          event_id: n.eventId,
          event_name: eventName,
          payload,
          attempt: 1,
          status: 'pending',
          response_code: null,
          error: null,
          next_attempt_at: now,
          attempted_at: null,
          created_at: now,
        })
        .execute();
    }
    return true;
  }

  async applyEvent(cursorName: string, eventId: number, notes: NewNotification[], moves: WatchMove[], now: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let created = 0;
      for (const n of notes) if (await this.insertNotification(tx, n, now)) created++;
      for (const m of moves) {
        const still = await tx.selectFrom('watch').selectAll().where('id', '=', m.watch.id).where('target', '=', m.previous.id).executeTakeFirst();
        if (!still) continue; // already moved (replayed event) or removed
        const dup = await tx.selectFrom('watch').select('id').where('person_id', '=', still.person_id).where('kind', '=', 'standard').where('target', '=', m.successor.id).executeTakeFirst();
        // Already following the successor: the old watch has nothing left to do.
        if (dup) await tx.deleteFrom('watch').where('id', '=', still.id).execute();
        else await tx.updateTable('watch').set({ target: m.successor.id, followed_from: m.previous.id, label: null }).where('id', '=', still.id).execute();
        const watchId = dup?.id ?? still.id;
        const evId = await this.event(tx, {
          actor: 'system:alerts',
          verb: 'watch.followed_successor',
          type: 'watch',
          id: watchId,
          before: { target: m.previous.id, person: still.person_id },
          after: { target: m.successor.id, person: still.person_id, merged: !!dup },
          at: now,
        });
        const summary: NotificationSummary = {
          kind: 'followed_successor',
          stdId: m.successor.id,
          number: m.successor.number,
          title: m.successor.title,
          previous: { id: m.previous.id, number: m.previous.number },
          successor: { id: m.successor.id, number: m.successor.number },
          watch: { kind: 'standard', target: m.successor.id, label: null },
          verb: 'watch.followed_successor',
          at: now,
        };
        if (await this.insertNotification(tx, { personId: still.person_id, eventId: evId, watchId, kind: 'followed_successor', stdId: m.successor.id, summary, dedupeKey: null }, now)) created++;
      }
      // Never backwards (a re-read window below the cursor replays older events).
      const cur = await tx.selectFrom('alert_cursor').select('last_event_id').where('name', '=', cursorName).executeTakeFirst();
      if (!cur || Number(cur.last_event_id) < eventId) await this.upsertCursor(tx, cursorName, eventId, now);
      return created;
    });
  }

  async notifications(personId: string, opts: { limit: number; unreadOnly?: boolean; before?: { createdAt: string; eventId: number; id: string } }): Promise<Notification[]> {
    let q = this.db.selectFrom('notification').selectAll().where('person_id', '=', personId);
    if (opts.unreadOnly) q = q.where('read_at', 'is', null);
    const b = opts.before;
    // Keyset (created_at, event_id, id), newest first: notifications of one run share created_at.
    if (b)
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', b.createdAt),
          eb.and([eb('created_at', '=', b.createdAt), eb('event_id', '<', b.eventId)]),
          eb.and([eb('created_at', '=', b.createdAt), eb('event_id', '=', b.eventId), eb('id', '<', b.id)]),
        ]),
      );
    const rows = await q.orderBy('created_at', 'desc').orderBy('event_id', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    return rows.map(toNotification);
  }

  async unreadCount(personId: string): Promise<number> {
    const r = await this.db.selectFrom('notification').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async markRead(personId: string, id: string | 'all', now: string): Promise<number> {
    let q = this.db.updateTable('notification').set({ read_at: now }).where('person_id', '=', personId).where('read_at', 'is', null);
    if (id !== 'all') q = q.where('id', '=', id);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async unmailed(before: string, limit: number): Promise<Notification[]> {
    const rows = await this.db.selectFrom('notification').selectAll().where('mailed_at', 'is', null).where('created_at', '<', before).orderBy('person_id').orderBy('created_at').limit(limit).execute();
    return rows.map(toNotification);
  }

  async markMailed(ids: string[], now: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.db.updateTable('notification').set({ mailed_at: now }).where('id', 'in', ids.slice(i, i + 500)).execute();
  }

  async mailPref(personId: string, defaultMode: MailMode): Promise<MailPref> {
    const r = await this.db.selectFrom('mail_pref').selectAll().where('person_id', '=', personId).executeTakeFirst();
    if (r) return { personId, mode: isMailMode(r.mode) ? r.mode : defaultMode, lang: r.lang, unsubscribeGeneration: Number(r.unsubscribe_generation) };
    // Created on first read so that the unsubscribe token of the first mail can be looked up.
    const secret = await this.secret();
    await this.db
      .insertInto('mail_pref')
      .values({ person_id: personId, mode: defaultMode, lang: null, unsubscribe_token_hash: hashToken(deriveToken(secret, 'unsubscribe', personId, 0)), unsubscribe_generation: 0, updated_at: this.iso() })
      .onConflict((oc) => oc.column('person_id').doNothing())
      .execute();
    return this.mailPref(personId, defaultMode);
  }

  async setMailMode(personId: string, mode: MailMode, lang: string | null, actor: string, defaultMode: MailMode): Promise<void> {
    const before = await this.mailPref(personId, defaultMode);
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('mail_pref').set({ mode, lang: lang ?? before.lang, updated_at: this.iso() }).where('person_id', '=', personId).execute();
      await this.event(tx, { actor, verb: 'mail_pref.changed', type: 'person', id: personId, before: { mode: before.mode }, after: { mode } });
    });
  }

  async personByUnsubscribeHash(hash: string): Promise<string | null> {
    const r = await this.db.selectFrom('mail_pref').select('person_id').where('unsubscribe_token_hash', '=', hash).executeTakeFirst();
    return r?.person_id ?? null;
  }

  async contactOf(personId: string): Promise<{ email: string } | null> {
    if (this.contacts) return this.contacts(personId);
    // Fallback without the accounts service (domain tests): the accounts domain's person table, read-only.
    try {
      const r = await this.db.selectFrom('person').select(['email', 'status', 'email_verified_at']).where('id', '=', personId).executeTakeFirst();
      if (!r || r.status !== 'active' || !r.email_verified_at) return null;
      return { email: r.email };
    } catch {
      return null;
    }
  }

  async feedGeneration(personId: string): Promise<number> {
    const r = await this.db.selectFrom('feed_token').select('generation').where('person_id', '=', personId).executeTakeFirst();
    if (r) return Number(r.generation);
    const secret = await this.secret();
    await this.db
      .insertInto('feed_token')
      .values({ person_id: personId, token_hash: hashToken(deriveToken(secret, 'feed', personId, 0)), generation: 0, created_at: this.iso() })
      .onConflict((oc) => oc.column('person_id').doNothing())
      .execute();
    return this.feedGeneration(personId);
  }

  async rotateFeedToken(personId: string, actor: string): Promise<number> {
    const gen = (await this.feedGeneration(personId)) + 1;
    const secret = await this.secret();
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('feed_token').set({ generation: gen, token_hash: hashToken(deriveToken(secret, 'feed', personId, gen)), created_at: this.iso() }).where('person_id', '=', personId).execute();
      await this.event(tx, { actor, verb: 'feed_token.rotated', type: 'person', id: personId, after: { generation: gen } });
    });
    return gen;
  }

  async personByFeedHash(hash: string): Promise<string | null> {
    const r = await this.db.selectFrom('feed_token').select('person_id').where('token_hash', '=', hash).executeTakeFirst();
    return r?.person_id ?? null;
  }

  async createWebhook(personId: string, url: string, secret: string, actor: string): Promise<Webhook> {
    const row = { id: randomUUID(), person_id: personId, url, secret, active: 1, created_at: this.iso() };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('webhook').values(row).execute();
      await this.event(tx, { actor, verb: 'webhook.created', type: 'webhook', id: row.id, after: { url, person: personId } });
    });
    return toWebhook(row);
  }

  async webhooks(personId: string): Promise<Webhook[]> {
    return (await this.db.selectFrom('webhook').selectAll().where('person_id', '=', personId).orderBy('created_at').execute()).map(toWebhook);
  }

  async webhook(id: string): Promise<Webhook | null> {
    const r = await this.db.selectFrom('webhook').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  async deleteWebhook(personId: string, id: string, actor: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('webhook').select(['url']).where('id', '=', id).where('person_id', '=', personId).executeTakeFirst();
      if (!r) return false;
      await tx.deleteFrom('webhook_delivery').where('webhook_id', '=', id).execute();
      await tx.deleteFrom('webhook').where('id', '=', id).execute();
      await this.event(tx, { actor, verb: 'webhook.deleted', type: 'webhook', id, before: { url: r.url, person: personId } });
      return true;
    });
  }

  async enqueueDelivery(d: Parameters<AlertStore['enqueueDelivery']>[0]): Promise<void> {
    await this.db
      .insertInto('webhook_delivery')
      .values({
        id: randomUUID(),
        delivery_id: d.deliveryId,
        webhook_id: d.webhookId,
        notification_id: d.notificationId,
        event_id: d.eventId,
        event_name: d.eventName,
        payload: d.payload,
        attempt: 1,
        status: 'pending',
        response_code: null,
        error: null,
        next_attempt_at: d.nextAttemptAt ?? d.createdAt,
        attempted_at: null,
        created_at: d.createdAt,
      })
      .execute();
  }

  async claimDue(now: string, leaseUntil: string, limit: number): Promise<DeliveryAttempt[]> {
    return this.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('webhook_delivery')
        .selectAll()
        .where('status', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      if (!rows.length) return [];
      // A 'sending' row whose lease expired was interrupted (crash, restart): it is attempted again.
      await tx
        .updateTable('webhook_delivery')
        .set({ status: 'sending', next_attempt_at: leaseUntil })
        .where('id', 'in', rows.map((r) => r.id))
        .execute();
      return rows.map((r) => toDelivery({ ...r, status: 'sending' }));
    });
  }

  async finishAttempt(id: string, o: { status: 'delivered' | 'failed' | 'gave_up'; responseCode: number | null; error: string | null; at: string }, next: { at: string } | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('webhook_delivery').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return;
      await tx
        .updateTable('webhook_delivery')
        .set({ status: o.status, response_code: o.responseCode, error: o.error?.slice(0, 500) ?? null, attempted_at: o.at, next_attempt_at: null })
        .where('id', '=', id)
        .execute();
      if (next)
        await tx
          .insertInto('webhook_delivery')
          .values({ ...row, id: randomUUID(), attempt: Number(row.attempt) + 1, status: 'pending', response_code: null, error: null, attempted_at: null, next_attempt_at: next.at, created_at: o.at })
          .onConflict((oc) => oc.doNothing())
          .execute();
    });
  }

  async deliveries(webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
    const rows = await this.db
      .selectFrom('webhook_delivery')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at', 'desc')
      .orderBy('delivery_id')
      .orderBy('attempt', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }
}

