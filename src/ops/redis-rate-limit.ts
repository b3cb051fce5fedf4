import { Redis } from 'ioredis';
import type { RateDecision, RateLimitStore } from '../ratelimit/ports.js';

/**
 * RateLimitStore shared by several app instances through Redis: one counter per key and fixed window
 * (`<prefix><key>:<window index>`), incremented with INCR and given a PEXPIRE in the same MULTI, so the count is
 * atomic across instances and a window's counter disappears by itself once the window is over.
 *
 * Windows are computed from the `now` the caller passes (the app's clock), so all instances agree on window
 * boundaries as long as their clocks do.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'stdhub:rl:',
  ) {
    // Fail fast instead of queueing hits while Redis is away: the caller decides (fail open or closed).
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const index = Math.floor(now / windowMs);
    const resetMs = (index + 1) * windowMs - now;
    const k = `${this.prefix}${key}:${index}`;
    // A little longer than the window's remainder, so a slightly fast clock on another instance still finds it.
    const r = await this.redis.multi().incr(k).pexpire(k, resetMs + 1000).exec();
    if (!r) throw new Error('redis transaction aborted');
    const [err, value] = r[0]!;
    if (err) throw err;
    const count = Number(value);
    const allowed = count <= limit;
    return { allowed, remaining: allowed ? limit - count : 0, resetMs };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
