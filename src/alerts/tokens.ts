/**
 * Capability tokens of the alerts domain: the private feed token and the one-click unsubscribe token. Both are
 * derived, not stored: token = HMAC-SHA256(installation secret, purpose:person:generation). Only their SHA-256 is
 * stored (for lookup), yet the account page can always show the current feed URL and every mail can carry the
 * person's unsubscribe link. Rotating = bumping the generation, which invalidates the old token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'feed' | 'unsubscribe';

/** Derives the token of a person for a purpose and generation (URL-safe, 43 characters). */
export function deriveToken(secret: string, purpose: TokenPurpose, personId: string, generation: number): string {
  return createHmac('sha256', secret).update(`${purpose}:${personId}:${generation}`).digest('base64url');
}

/** SHA-256 (hex) of a token: what the tables store and look up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh random secret (webhook secrets, the installation secret). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Shape check before a lookup: tokens are base64url of 32 bytes. */
export function looksLikeToken(t: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(t);
}
