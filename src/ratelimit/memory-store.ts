import type { RateDecision, RateLimitStore } from './ports.js';

interface Window {
  /** floor(now / windowMs): windows are aligned to the epoch, as in the Redis adapter, so both count alike. */
  index: number;
  count: number;
  /** When this window is over (ms since the epoch); after that the entry is garbage. */
  endsAt: number;
}

/**
 * Fixed-window counters in this process's memory (one app instance; the Redis adapter in src/ops shares them).
 * Memory is bounded: entries whose window is over are swept periodically, and if more than `maxKeys` clients are
 * live at once the least recently started windows are dropped first — under a flood of distinct keys that errs
 * towards letting a request through rather than growing without bound.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private hitsSinceSweep = 0;

  constructor(
    private readonly maxKeys = 50_000,
    private readonly sweepEvery = 1_000,
  ) {}

  /** Live keys (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const index = Math.floor(now / windowMs);
    const endsAt = (index + 1) * windowMs;
    let w = this.windows.get(key);
    if (!w || w.index !== index) {
      // Re-inserting moves the key to the end of the Map's order: the oldest windows are first in line for eviction.
      if (w) this.windows.delete(key);
      w = { index, count: 0, endsAt };
      this.windows.set(key, w);
      if (++this.hitsSinceSweep >= this.sweepEvery || this.windows.size > this.maxKeys) this.sweep(now);
    }
    w.count++;
    const allowed = w.count <= limit;
    return { allowed, remaining: allowed ? limit - w.count : 0, resetMs: endsAt - now };
  }

  /** Drops windows that are over, then the oldest ones while over capacity. */
  sweep(now: number): void {
    this.hitsSinceSweep = 0;
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
    if (this.windows.size <= this.maxKeys) return;
    let excess = this.windows.size - this.maxKeys;
    for (const k of this.windows.keys()) {
      if (excess-- <= 0) break;
      this.windows.delete(k);
    }
  }
}
