/**
 * SSRF guard for webhook URLs: only http(s), no credentials in the URL, and no private, loopback, link-local or
 * otherwise non-public address — checked on the address actually connected to (the lookup hook of the HTTP
 * client), so DNS rebinding between the check and the request cannot slip through. WEBHOOK_ALLOW_PRIVATE=true
 * lifts the address rule (tests, intranet deployments).
 */
import { isIP } from 'node:net';
import { AppError } from '../kernel/errors.js';

function v4Parts(ip: string): number[] {
  return ip.split('.').map((x) => Number(x));
}

/** True for addresses that must not be reached from the server on a user's behalf. */
export function isPrivateAddress(ip: string): boolean {
  const fam = isIP(ip);
  if (fam === 4) {
    const [a, b] = v4Parts(ip);
    return (
      a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) || a >= 224
    );
  }
  if (fam === 6) {
    const v = ip.toLowerCase();
    if (v === '::' || v === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (mapped) return isPrivateAddress(mapped[1]);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(v) || v.startsWith('64:ff9b:') || v.startsWith('2001:db8:');
  }
  return true; // not an address at all: refuse
}

/** Validates a webhook URL as typed (scheme, length, no credentials, literal private addresses). */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('invalid_input', 'The webhook URL does not parse', { field: 'url' });
  }
  if (raw.length > 2000) throw new AppError('invalid_input', 'The webhook URL is too long', { field: 'url' });
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('invalid_input', 'Webhook URLs must be http or https', { field: 'url' });
  if (url.username || url.password) throw new AppError('invalid_input', 'Webhook URLs may not carry credentials', { field: 'url' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate) {
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal'))
      throw new AppError('invalid_input', 'Webhook URLs may not point to a private or loopback address', { field: 'url' });
    if (isIP(host) && isPrivateAddress(host)) throw new AppError('invalid_input', 'Webhook URLs may not point to a private or loopback address', { field: 'url' });
  }
  return url;
}
