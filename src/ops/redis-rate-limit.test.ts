import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from './redis-rate-limit.js';

const REDIS = process.env.STDHUB_TEST_REDIS ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((res) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
    s.once('timeout', () => (s.destroy(), res(false)));
  });
}

const available = await reachable(REDIS);

describe.skipIf(!available)('RedisRateLimitStore (Redis on 127.0.0.1:6379)', () => {
  const prefix = `stdhub:test:${randomBytes(6).toString('hex')}:`;
  const stores: RedisRateLimitStore[] = [];
  const open = () => {
    const s = new RedisRateLimitStore(REDIS, prefix);
    stores.push(s);
    return s;
  };
  afterAll(async () => {
    const keys = await stores[0]?.redis.keys(`${prefix}*`);
    if (keys?.length) await stores[0]!.redis.del(...keys);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('counts hits in fixed windows and refuses past the limit', async () => {
    const s = open();
    const t0 = 1_800_000_000_000; // a window boundary for 60 s windows
    expect(await s.hit('ip:1|login', 3, 60_000, t0)).toEqual({ allowed: true, remaining: 2, resetMs: 60_000 });
    expect(await s.hit('ip:1|login', 3, 60_000, t0 + 1000)).toEqual({ allowed: true, remaining: 1, resetMs: 59_000 });
    expect(await s.hit('ip:1|login', 3, 60_000, t0 + 2000)).toEqual({ allowed: true, remaining: 0, resetMs: 58_000 });
    expect(await s.hit('ip:1|login', 3, 60_000, t0 + 3000)).toEqual({ allowed: false, remaining: 0, resetMs: 57_000 });
    // Another key is independent; the next window starts afresh.
    expect((await s.hit('ip:2|login', 3, 60_000, t0 + 3000)).allowed).toBe(true);
    expect(await s.hit('ip:1|login', 3, 60_000, t0 + 60_000)).toEqual({ allowed: true, remaining: 2, resetMs: 60_000 });
    // The counter expires by itself (PEXPIRE set with the INCR).
    const ttl = await s.redis.pttl(`${prefix}ip:1|login:${Math.floor((t0 + 60_000) / 60_000)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('enforces one limit across several instances hitting at the same time', async () => {
    const a = open();
    const b = open();
    const now = 1_800_000_000_000 + 5_000;
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit('ip:9|search', 25, 60_000, now)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(15);
    expect(new Set(decisions.filter((d) => d.allowed).map((d) => d.remaining)).size).toBe(25);
  });
});
