import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-store.js';
import { rateLimitStoreContract } from './store.case.js';

rateLimitStoreContract(async () => ({ store: new MemoryRateLimitStore(), close: async () => undefined }), 'in memory');

const MIN = 60_000;
const T = Date.parse('2026-11-25T10:00:00Z');

describe('MemoryRateLimitStore (fixed window)', () => {
  it('allows `limit` hits per window per key, then refuses until the window ends', async () => {
    const s = new MemoryRateLimitStore();
    for (let i = 1; i <= 3; i++) expect(await s.hit('a', 3, MIN, T + i)).toEqual({ allowed: true, remaining: 3 - i, resetMs: MIN - i });
    expect(await s.hit('a', 3, MIN, T + 10_000)).toEqual({ allowed: false, remaining: 0, resetMs: 50_000 });
    // Another key has its own count.
    expect((await s.hit('b', 3, MIN, T + 10_000)).allowed).toBe(true);
    // The next window starts afresh.
    expect(await s.hit('a', 3, MIN, T + MIN)).toEqual({ allowed: true, remaining: 2, resetMs: MIN });
  });

  it('keeps memory bounded: expired windows are swept and the oldest evicted beyond capacity', async () => {
    const s = new MemoryRateLimitStore(100, 50);
    for (let i = 0; i < 1000; i++) await s.hit(`k${i}`, 5, MIN, T);
    expect(s.size).toBeLessThanOrEqual(100);
    // A minute later every old window is over; new hits sweep them away.
    for (let i = 0; i < 60; i++) await s.hit(`n${i}`, 5, MIN, T + MIN);
    expect(s.size).toBeLessThanOrEqual(60);
    s.sweep(T + 3 * MIN);
    expect(s.size).toBe(0);
  });
});
