import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A fresh random secret: `bytes` random bytes as base64url (sessions, CSRF tokens, one-time links). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 (hex) of a secret: what is stored for sessions, API tokens and one-time links. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (for equal lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Prefix of personal API tokens, so secret scanners and people recognise them. */
export const API_TOKEN_PREFIX = 'sth_';

/** A new API token: the plain value (shown once), its hash (stored) and a short prefix to recognise it by. */
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + randomSecret(32);
  return { token, hash: sha256(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
}

/** Password length bounds (argon2 input is bounded so a huge password cannot be used to burn CPU). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

/**
 * argon2id (the @node-rs/argon2 default algorithm) with its default cost: 19 MiB, 2 passes, 1 lane — the OWASP
 * minimum recommendation for argon2id.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Verifies a password against a stored PHC hash; false for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/**
 * A hash to verify against when the e-mail address is unknown, so that a sign-in attempt costs the same time
 * whether or not the account exists (no account enumeration by timing).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hash(randomSecret(16));
  return dummy;
}
