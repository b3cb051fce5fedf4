/**
 * The webhook delivery job: sends every due attempt, records its outcome (one log row per attempt) and queues the
 * next attempt with exponential backoff, until a 2xx answer or the attempt limit. State lives in the
 * webhook_delivery table, so a restart resumes where it stopped; an attempt interrupted mid-flight is retried
 * when its lease expires (receivers de-duplicate with X-Stdhub-Delivery).
 */
import type { AlertStore } from '../alerts/ports.js';
import { backoffMs } from './backoff.js';
import { postJson, type SendResult } from './send.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signBody } from './sign.js';
import { checkWebhookUrl } from './ssrf.js';

export interface WebhookConfig {
  maxAttempts: number;
  backoffBaseMs: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** Sends all due deliveries once; returns how many attempts were made. */
export async function deliverDue(store: AlertStore, now: Date, cfg: WebhookConfig, send: typeof postJson = postJson): Promise<number> {
  const at = now.toISOString();
  // The lease outlasts the timeout, so a slow but live attempt is not picked twice.
  const lease = new Date(now.getTime() + cfg.timeoutMs * 2 + 60_000).toISOString();
  const due = await store.claimDue(at, lease, 50);
  await Promise.all(
    due.map(async (d) => {
      const hook = await store.webhook(d.webhookId);
      let result: SendResult;
      if (!hook || !hook.active) result = { status: null, error: 'webhook removed or inactive' };
      else {
        try {
          const url = checkWebhookUrl(hook.url, cfg.allowPrivate);
          result = await send(url, d.payload, { [SIGNATURE_HEADER]: signBody(hook.secret, d.payload), [EVENT_HEADER]: d.eventName, [DELIVERY_HEADER]: d.deliveryId }, { timeoutMs: cfg.timeoutMs, allowPrivate: cfg.allowPrivate });
        } catch (e) {
          result = { status: null, error: (e as Error).message };
        }
      }
      const ok = result.status !== null && result.status >= 200 && result.status < 300;
      if (ok) return store.finishAttempt(d.id, { status: 'delivered', responseCode: result.status, error: null, at }, null);
      const last = d.attempt >= cfg.maxAttempts || !hook || !hook.active;
      const error = result.error ?? `HTTP ${result.status}`;
      if (last) return store.finishAttempt(d.id, { status: 'gave_up', responseCode: result.status, error, at }, null);
      const next = new Date(now.getTime() + backoffMs(d.attempt, cfg.backoffBaseMs)).toISOString();
      return store.finishAttempt(d.id, { status: 'failed', responseCode: result.status, error, at }, { at: next });
    }),
  );
  return due.length;
}
