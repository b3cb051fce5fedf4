/**
 * Webhook signatures. Every delivery carries `X-Stdhub-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact
 * request body bytes keyed with the webhook's secret (the scheme GitHub uses for X-Hub-Signature-256), so a
 * receiver can check that the body came from this site and was not altered.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Stdhub-Signature';
export const EVENT_HEADER = 'X-Stdhub-Event';
export const DELIVERY_HEADER = 'X-Stdhub-Delivery';

/** `sha256=<hex HMAC-SHA256 of body>`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Receiver side (documented for users, used by the tests): constant-time check of a signature header. */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
