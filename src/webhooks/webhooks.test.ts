import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyAlertStore } from '../alerts/adapters/kysely-store.js';
import { BASE, alertsHarness, rec, user, type AlertsHarness } from '../alerts/harness.case.js';
import { webhookPayload } from '../alerts/service.js';
import { backoffMs } from './backoff.js';
import { deliverDue } from './deliver.js';
import { postJson } from './send.js';
import { verifySignature } from './sign.js';
import { checkWebhookUrl, isPrivateAddress } from './ssrf.js';
import { loadConfig } from '../kernel/config.js';

/** A local HTTP receiver on 127.0.0.1 answering with the queued statuses (the last one repeats). */
async function receiver(statuses: number[], opts: { hang?: boolean } = {}) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (opts.hang) return; // never answers: the client's timeout must end it
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const OLD = rec({ id: 'GB-12955-2008', number: 'GB 12955-2008' });

let h: AlertsHarness;
let rx: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await rx?.close();
  rx = undefined;
  await h?.close();
});

/** One followed standard, one webhook, one change → one queued delivery. */
async function setup(statuses: number[], maxAttempts: number) {
  h = await alertsHarness({ webhooks: { maxAttempts, backoffBaseMs: 30_000 } });
  rx = await receiver(statuses);
  await h.put(OLD);
  await h.service.follow(user('u1'), { kind: 'standard', target: OLD.id });
  const hook = await h.service.createWebhook(user('u1'), rx.url);
  await h.put({ ...OLD, status: 'abolished' });
  await h.service.runFanOut();
  return hook;
}

const log = async (hookId: string) => (await h.service.deliveries(user('u1'), hookId)).slice().reverse();

describe('webhooks against a local receiver', () => {
  it('signs with HMAC-SHA256 of the raw body, retries 500s with backoff as the clock advances, then delivers', async () => {
    const hook = await setup([500, 500, 200], 6);
    const t0 = h.clock.now().getTime();
    expect(await h.service.runDeliveries()).toBe(1);
    expect(rx!.got).toHaveLength(1);
    // Not due yet: nothing is sent before the backoff has passed.
    h.clock.set(new Date(t0 + 29_000));
    expect(await h.service.runDeliveries()).toBe(0);
    h.clock.set(new Date(t0 + 30_000));
    expect(await h.service.runDeliveries()).toBe(1);
    h.clock.set(new Date(t0 + 30_000 + 119_000));
    expect(await h.service.runDeliveries()).toBe(0);
    h.clock.set(new Date(t0 + 30_000 + 120_000));
    expect(await h.service.runDeliveries()).toBe(1);
    expect(rx!.got).toHaveLength(3);
    h.clock.set(new Date(t0 + 86_400_000));
    expect(await h.service.runDeliveries()).toBe(0); // delivered: nothing more

    for (const r of rx!.got) {
      expect(verifySignature(hook.secret, r.body, r.headers['x-stdhub-signature'] as string)).toBe(true);
      expect(verifySignature('wrong secret', r.body, r.headers['x-stdhub-signature'] as string)).toBe(false);
      expect(r.headers['x-stdhub-event']).toBe('notification.abolished');
      expect(r.headers['content-type']).toContain('application/json');
    }
    // One delivery id across its retries, and the same body every time.
    expect(new Set(rx!.got.map((r) => r.headers['x-stdhub-delivery'])).size).toBe(1);
    expect(new Set(rx!.got.map((r) => r.body)).size).toBe(1);
    const body = JSON.parse(rx!.got[0].body);
    expect(body).toMatchObject({ event: 'notification.abolished', notification: { kind: 'abolished', standard: { id: OLD.id, number: 'GB 12955-2008' } } });
    expect(body.notification.text['zh-CN']).toContain('GB 12955-2008');

    const attempts = await log(hook.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.responseCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 200],
    ]);
    expect(attempts.map((a) => a.attemptedAt)).toEqual([new Date(t0).toISOString(), new Date(t0 + 30_000).toISOString(), new Date(t0 + 150_000).toISOString()]);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS, and the delivery log lists each attempt', async () => {
    const hook = await setup([500], 3);
    const t0 = h.clock.now().getTime();
    for (const dt of [0, 30_000, 150_000, 10 * 86_400_000, 20 * 86_400_000]) {
      h.clock.set(new Date(t0 + dt));
      await h.service.runDeliveries();
    }
    expect(rx!.got).toHaveLength(3);
    const attempts = await log(hook.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.responseCode, a.error])).toEqual([
      [1, 'failed', 500, 'HTTP 500'],
      [2, 'failed', 500, 'HTTP 500'],
      [3, 'gave_up', 500, 'HTTP 500'],
    ]);
  });

  it('retries survive a restart: the pending attempt is in the database, not in memory', async () => {
    await setup([500, 204], 6);
    const t0 = h.clock.now().getTime();
    await h.service.runDeliveries();
    const fresh = new KyselyAlertStore(h.db, () => h.clock.now(), webhookPayload(BASE));
    const cfg = { maxAttempts: 6, backoffBaseMs: 30_000, timeoutMs: 2000, allowPrivate: true };
    expect(await deliverDue(fresh, new Date(t0 + 30_000), cfg)).toBe(1);
    expect(rx!.got).toHaveLength(2);
    expect(await deliverDue(fresh, new Date(t0 + 10 * 86_400_000), cfg)).toBe(0);
  });

  it('a receiver that never answers is cut off by the timeout (AbortSignal.timeout)', async () => {
    h = await alertsHarness({ webhooks: { timeoutMs: 300 } });
    rx = await receiver([200], { hang: true });
    const r = await postJson(new URL(rx.url), '{}', {}, { timeoutMs: 300, allowPrivate: true });
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/timeout/);
  });

  it('the limits come from configuration (WEBHOOK_MAX_ATTEMPTS default 6; private targets off by default)', () => {
    const d = loadConfig({});
    expect([d.WEBHOOK_MAX_ATTEMPTS, d.WEBHOOK_ALLOW_PRIVATE, d.WEBHOOK_BACKOFF_BASE_MS, d.WEBHOOK_TIMEOUT_MS]).toEqual([6, false, 30_000, 10_000]);
    const c = loadConfig({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect([c.WEBHOOK_MAX_ATTEMPTS, c.WEBHOOK_ALLOW_PRIVATE]).toEqual([3, true]);
    expect(() => loadConfig({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
  });

  it('backoff grows 4× per attempt and is capped at a day', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 30_000))).toEqual([30_000, 120_000, 480_000, 1_920_000]);
    expect(backoffMs(20, 30_000)).toBe(86_400_000);
  });
});

describe('SSRF guard', () => {
  it('accepts only http(s) without credentials; private and loopback targets are refused unless allowed', () => {
    expect(() => checkWebhookUrl('ftp://example.org/x', false)).toThrow(/http/);
    expect(() => checkWebhookUrl('file:///etc/passwd', false)).toThrow();
    expect(() => checkWebhookUrl('https://user:pw@example.org/', false)).toThrow(/credentials/);
    for (const u of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://0.0.0.0/'])
      expect(() => checkWebhookUrl(u, false), u).toThrow(/private/);
    expect(checkWebhookUrl('https://hooks.example.org/x', false).hostname).toBe('hooks.example.org');
    expect(checkWebhookUrl('http://127.0.0.1:8080/', true).port).toBe('8080');
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
  });

  it('checks the address actually connected to (a name resolving to loopback is refused at send time)', async () => {
    rx = await receiver([200]);
    const port = new URL(rx.url).port;
    const r = await postJson(new URL(`http://localhost:${port}/hook`), '{}', {}, { timeoutMs: 2000, allowPrivate: false });
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/private/);
    expect(rx.got).toHaveLength(0);
  });

  it('the service refuses a loopback webhook when WEBHOOK_ALLOW_PRIVATE is off', async () => {
    h = await alertsHarness({ webhooks: { allowPrivate: false } });
    await expect(h.service.createWebhook(user('u1'), 'http://127.0.0.1:9/x')).rejects.toThrow(/private/);
  });
});
