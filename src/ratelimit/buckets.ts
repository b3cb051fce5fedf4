/**
 * Which routes count against which abuse limit, as data keyed by the route pattern (Fastify's routeOptions.url),
 * so a route added later under the same pattern family (another download format, another clause form) is
 * limited without editing this file.
 */
export type BucketName = 'search' | 'reader' | 'downloads';

interface Rule {
  bucket: BucketName;
  exact?: string;
  prefix?: string;
}

export const BUCKET_RULES: readonly Rule[] = [
  { bucket: 'search', exact: '/search' },
  { bucket: 'search', exact: '/search/text' },
  { bucket: 'search', exact: '/api/v1/search' },
  { bucket: 'search', exact: '/api/v1/clauses' },
  { bucket: 'reader', exact: '/std/:id/read' },
  { bucket: 'reader', prefix: '/std/:id/clause/' },
  { bucket: 'reader', exact: '/api/v1/standards/:id/text' },
  { bucket: 'downloads', prefix: '/std/:id/download.' },
  { bucket: 'downloads', exact: '/std/:id/source' },
];

/** The bucket a route pattern belongs to, or null when it is not limited. */
export function bucketOfRoute(url: string | undefined): BucketName | null {
  if (!url) return null;
  for (const r of BUCKET_RULES) if (r.exact === url || (r.prefix !== undefined && url.startsWith(r.prefix))) return r.bucket;
  return null;
}

/** Limit and window of each bucket, from configuration. */
export interface BucketLimits {
  search: { limit: number; windowMs: number };
  reader: { limit: number; windowMs: number };
  downloads: { limit: number; windowMs: number };
}

/**
 * The client a request counts against: the signed-in person or the API token's owner (one person, one budget,
 * whichever address they come from), else the client address. With `trustProxy` hops, the address is taken
 * from X-Forwarded-For: the entry that many hops back from the TCP peer (entries further left are client-made
 * and cannot be trusted).
 */
export function clientKey(userId: string | null, peer: string, forwardedFor: string | undefined, trustProxy: number): { key: string; ip: string } {
  let ip = peer;
  if (trustProxy > 0 && forwardedFor) {
    const chain = [...forwardedFor.split(',').map((s) => s.trim()).filter(Boolean), peer];
    ip = chain[Math.max(0, chain.length - 1 - trustProxy)];
  }
  return { key: userId ? `u:${userId}` : `ip:${ip}`, ip };
}
