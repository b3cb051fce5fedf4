import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from './ports.js';

const MIN = 60_000;
/** A window boundary (a whole hour), so the expectations below do not depend on when the test runs. */
const T = Date.parse('2026-11-25T10:00:00Z');

/**
 * The RateLimitStore contract, for every adapter (in memory here; Redis in src/ops): fixed windows aligned to
 * the epoch, per key, `limit` hits allowed per window, resetMs counting down to the window's end. Each test uses
 * its own keys (`prefix`), so an adapter backed by a shared server may run it without cleaning up.
 */
export function rateLimitStoreContract(make: () => Promise<{ store: RateLimitStore; close(): Promise<void> }>, name: string): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const run = async (fn: (s: RateLimitStore, k: (x: string) => string) => Promise<void>) => {
      const h = await make();
      const prefix = `contract-${Math.random().toString(36).slice(2)}-`;
      try {
        await fn(h.store, (x) => prefix + x);
      } finally {
        await h.close();
      }
    };

    it('allows limit hits per window, then refuses with the time left', () =>
      run(async (s, k) => {
        expect(await s.hit(k('a'), 2, MIN, T + 1_000)).toEqual({ allowed: true, remaining: 1, resetMs: 59_000 });
        expect(await s.hit(k('a'), 2, MIN, T + 2_000)).toEqual({ allowed: true, remaining: 0, resetMs: 58_000 });
        expect(await s.hit(k('a'), 2, MIN, T + 30_000)).toEqual({ allowed: false, remaining: 0, resetMs: 30_000 });
      }));

    it('keeps keys apart and starts afresh in the next window', () =>
      run(async (s, k) => {
        await s.hit(k('a'), 1, MIN, T);
        expect((await s.hit(k('a'), 1, MIN, T + 10)).allowed).toBe(false);
        expect((await s.hit(k('b'), 1, MIN, T + 10)).allowed).toBe(true);
        expect(await s.hit(k('a'), 1, MIN, T + MIN)).toEqual({ allowed: true, remaining: 0, resetMs: MIN });
      }));

    it('counts concurrent hits exactly', () =>
      run(async (s, k) => {
        const r = await Promise.all(Array.from({ length: 20 }, () => s.hit(k('c'), 10, MIN, T + 5)));
        expect(r.filter((x) => x.allowed).length).toBe(10);
      }));
  });
}
