import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { KyselyAlertStore } from './adapters/kysely-store.js';
import type { NewNotification } from './ports.js';
import { deriveToken, hashToken } from './tokens.js';

/**
 * The AlertStore contract, run by every database (SQLite here; PostgreSQL through a `*.pg.test.ts` runner).
 * `make` returns a migrated, empty database.
 */
export function alertStoreContract(name: string, make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>) {
  const T0 = '2026-11-25T08:00:00.000Z';
  const setup = async () => {
    const { db, close } = await make();
    let now = new Date(T0);
    const store = new KyselyAlertStore(db, () => now, (n, d) => ({ eventName: `notification.${n.kind}`, payload: JSON.stringify({ d, n: n.id }) }));
    return { db, store, close, setNow: (t: string) => (now = new Date(t)) };
  };
  const note = (personId: string, eventId: number, watchId: string, dedupeKey: string | null = null): NewNotification => ({
    personId,
    eventId,
    watchId,
    kind: 'status_changed',
    stdId: 'S',
    dedupeKey,
    summary: { kind: 'status_changed', stdId: 'S', number: 'GB 1-2020', title: {}, watch: { kind: 'standard', target: 'S', label: null }, verb: 'standard.updated', at: T0 },
  });

  describe(`AlertStore contract: ${name}`, () => {
    it('watches are unique per person, kind and target; adding and removing record events', async () => {
      const { db, store, close } = await setup();
      try {
        const a = await store.addWatch({ personId: 'p', kind: 'standard', target: 'S', label: null }, 'user:p');
        const b = await store.addWatch({ personId: 'p', kind: 'standard', target: 'S', label: null }, 'user:p');
        expect(a.created).toBe(true);
        expect(b).toEqual({ watch: a.watch, created: false });
        expect(a.watch.sinceEventId).toBeGreaterThan(0);
        await store.addWatch({ personId: 'q', kind: 'standard', target: 'S', label: null }, 'user:q');
        expect(await store.watcherCount('S')).toBe(2);
        expect(await store.removeWatch('q', a.watch.id, 'user:q')).toBe(false); // not q's watch
        expect(await store.removeWatch('p', a.watch.id, 'user:p')).toBe(true);
        const verbs = (await db.selectFrom('event').select('verb').orderBy('id').execute()).map((e) => e.verb);
        expect(verbs).toEqual(['watch.created', 'watch.created', 'watch.deleted']);
      } finally {
        await close();
      }
    });

    it('applyEvent is idempotent (person+event+watch and person+dedupe key) and moves the cursor with the notifications', async () => {
      const { db, store, close } = await setup();
      try {
        await store.createWebhook('p', 'http://127.0.0.1:1/x', 'secret', 'user:p');
        expect(await store.applyEvent('fanout', 7, [note('p', 7, 'w1', 'k1'), note('p', 7, 'w1', 'k1')], [], T0)).toBe(1);
        expect(await store.applyEvent('fanout', 8, [note('p', 8, 'w1', 'k1')], [], T0)).toBe(0); // same dedupe key
        expect(await store.applyEvent('fanout', 9, [note('p', 9, 'w1'), note('p', 9, 'w2')], [], T0)).toBe(2);
        expect(await store.cursor('fanout')).toBe(9);
        expect(await store.unreadCount('p')).toBe(3);
        // Keyset paging: all three share one created_at, two one event; the second page continues after the first.
        const page1 = await store.notifications('p', { limit: 2 });
        const page2 = await store.notifications('p', { limit: 2, before: { createdAt: page1[1].createdAt, eventId: page1[1].eventId, id: page1[1].id } });
        expect(page2).toHaveLength(1);
        expect(new Set([...page1, ...page2].map((n) => n.id)).size).toBe(3);
        // One queued delivery per notification for the person's webhook.
        expect((await db.selectFrom('webhook_delivery').select('id').execute()).length).toBe(3);
        const [first] = await store.notifications('p', { limit: 1 });
        expect(await store.markRead('p', first.id, T0)).toBe(1);
        expect(await store.markRead('other', 'all', T0)).toBe(0);
        expect(await store.markRead('p', 'all', T0)).toBe(2);
        expect(await store.unreadCount('p')).toBe(0);
      } finally {
        await close();
      }
    });

    it('mail preferences and feed tokens are found by token hash; rotation invalidates the old token', async () => {
      const { store, close } = await setup();
      try {
        const secret = await store.secret();
        expect(await store.secret()).toBe(secret);
        expect((await store.mailPref('p', 'daily')).mode).toBe('daily');
        expect(await store.personByUnsubscribeHash(hashToken(deriveToken(secret, 'unsubscribe', 'p', 0)))).toBe('p');
        await store.setMailMode('p', 'weekly', 'en', 'user:p', 'daily');
        expect(await store.mailPref('p', 'daily')).toMatchObject({ mode: 'weekly', lang: 'en' });
        expect(await store.feedGeneration('p')).toBe(0);
        const old = hashToken(deriveToken(secret, 'feed', 'p', 0));
        expect(await store.personByFeedHash(old)).toBe('p');
        expect(await store.rotateFeedToken('p', 'user:p')).toBe(1);
        expect(await store.personByFeedHash(old)).toBeNull();
        expect(await store.personByFeedHash(hashToken(deriveToken(secret, 'feed', 'p', 1)))).toBe('p');
      } finally {
        await close();
      }
    });

    it('deliveries: due attempts are claimed once under a lease, outcomes logged, the next attempt queued', async () => {
      const { store, close } = await setup();
      try {
        const hook = await store.createWebhook('p', 'http://127.0.0.1:1/x', 's', 'user:p');
        await store.enqueueDelivery({ deliveryId: 'd1', webhookId: hook.id, notificationId: null, eventId: null, eventName: 'ping', payload: '{}', nextAttemptAt: T0, createdAt: T0 });
        const claimed = await store.claimDue(T0, '2026-11-25T08:05:00.000Z', 10);
        expect(claimed.map((c) => [c.deliveryId, c.attempt, c.status])).toEqual([['d1', 1, 'sending']]);
        expect(await store.claimDue(T0, '2026-11-25T08:05:00.000Z', 10)).toEqual([]); // leased
        await store.finishAttempt(claimed[0].id, { status: 'failed', responseCode: 500, error: 'HTTP 500', at: T0 }, { at: '2026-11-25T08:00:30.000Z' });
        expect(await store.claimDue('2026-11-25T08:00:29.000Z', 'x', 10)).toEqual([]);
        const second = await store.claimDue('2026-11-25T08:00:30.000Z', '2026-11-25T08:10:00.000Z', 10);
        expect(second.map((c) => c.attempt)).toEqual([2]);
        // A crashed attempt (lease expired, still 'sending') is picked up again.
        expect((await store.claimDue('2026-11-25T08:10:00.000Z', '2026-11-25T08:20:00.000Z', 10)).map((c) => c.attempt)).toEqual([2]);
        await store.finishAttempt(second[0].id, { status: 'delivered', responseCode: 204, error: null, at: '2026-11-25T08:10:00.000Z' }, null);
        const log = await store.deliveries(hook.id, 10);
        expect(log.map((d) => [d.attempt, d.status, d.responseCode])).toEqual([
          [2, 'delivered', 204],
          [1, 'failed', 500],
        ]);
        expect(await store.deleteWebhook('q', hook.id, 'user:q')).toBe(false);
        expect(await store.deleteWebhook('p', hook.id, 'user:p')).toBe(true);
        expect(await store.deliveries(hook.id, 10)).toEqual([]);
      } finally {
        await close();
      }
    });
  });
}
