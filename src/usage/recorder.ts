import { today, type Clock } from '../kernel/clock.js';
import { isBot, MAX_STD_ID, type UsageEvent, type UsageKind } from './model.js';
import type { UsageBatch, UsageCountDelta, UsageStore } from './ports.js';
import { VisitorHasher } from './visitor.js';

/** What a request contributes: the standard, the kind, and who asked (hashed at once, never kept raw). */
export interface UsageHit {
  stdId: string;
  kind: UsageKind;
  ip: string;
  userAgent: string | undefined;
}

export interface RecorderOptions {
  /** Events held in memory before the oldest are dropped (default 100,000). */
  capacity?: number;
  /** Flush interval in ms (default 1,000; 0 = no timer, flush by hand). */
  flushMs?: number;
}

/** Counters of the recorder itself (exposed in the API summary and the benchmark). */
export interface RecorderStats {
  recorded: number;
  flushed: number;
  dropped: number;
  pending: number;
  flushes: number;
  failures: number;
  lastError: string | null;
}

/**
 * Records usage without slowing the request it counts: record() hashes the visitor and appends to a fixed-size ring
 * buffer (O(1), no I/O). A timer (and close()) flushes the buffer as aggregated upserts in one transaction. If the
 * database refuses (locked, full) the events stay queued; when the ring is full the oldest are overwritten and
 * counted in `dropped`, so recording never blocks and memory stays bounded.
 */
export class UsageRecorder {
  private readonly ring: (UsageEvent | undefined)[];
  private head = 0;
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private openDay = '';
  /** The running asynchronous flush, if any, and events dropped from the ring while it ran. */
  private inflight: Promise<number> | null = null;
  private overrun = 0;
  private readonly hasher: VisitorHasher;
  private readonly counters: Omit<RecorderStats, 'pending'> = {
    recorded: 0,
    flushed: 0,
    dropped: 0,
    flushes: 0,
    failures: 0,
    lastError: null,
  };

  constructor(
    private readonly store: UsageStore,
    private readonly clock: Clock,
    opts: RecorderOptions = {},
  ) {
    this.ring = new Array(Math.max(1, opts.capacity ?? 100_000));
    this.hasher = new VisitorHasher((day, fresh) => store.saltOf(day, fresh));
    const ms = opts.flushMs ?? 1000;
    if (ms > 0) {
      this.timer = setInterval(() => void this.flush(), ms);
      this.timer.unref(); // never keeps the process alive on its own
    }
  }

  /** Counts one use. Cheap and synchronous; invalid ids are ignored. */
  record(hit: UsageHit): void {
    if (!hit.stdId || hit.stdId.length > MAX_STD_ID) return;
    const day = today(this.clock);
    const bot = isBot(hit.userAgent);
    const visitor = bot ? null : this.hasher.key(day, hit.ip, hit.userAgent ?? '');
    const ev: UsageEvent = { stdId: hit.stdId, day, kind: hit.kind, bot, visitor };
    const cap = this.ring.length;
    if (this.size === cap) {
      // Full (the database has been refusing writes): the oldest event gives way.
      this.head = (this.head + 1) % cap;
      this.size--;
      this.counters.dropped++;
      if (this.inflight) this.overrun++;
    }
    this.ring[(this.head + this.size) % cap] = ev;
    this.size++;
    this.counters.recorded++;
  }

  /**
   * Writes everything buffered in one transaction; returns the number of events written (0 on failure, the events
   * then stay queued). Also closes days that are over (visitor hashes → counts, old salts deleted). With a store
   * that answers asynchronously (PostgreSQL) the same steps run in order and the result is a promise; flushes never
   * overlap (a flush asked for while one is running runs after it).
   */
  flush(): number | Promise<number> {
    if (this.inflight) return this.inflight.then(() => this.flush());
    const n = this.size;
    const day = today(this.clock);
    const fail = (err: unknown): number => {
      this.counters.failures++;
      this.counters.lastError = (err as Error)?.message?.slice(0, 200) ?? String(err);
      return 0;
    };
    const done = (): number => {
      // Events the ring overwrote while an asynchronous write was running were among the n written.
      const k = Math.max(0, n - this.overrun);
      this.overrun = 0;
      const cap = this.ring.length;
      for (let i = 0; i < k; i++) this.ring[(this.head + i) % cap] = undefined;
      this.head = (this.head + k) % cap;
      this.size -= k;
      this.counters.flushed += n;
      this.counters.flushes++;
      return n;
    };
    const write = (): number | Promise<number> => {
      this.openDay = day;
      if (!n) return 0;
      const w = this.store.write(this.aggregate(n));
      return isPromise(w) ? w.then(done) : done();
    };
    try {
      const closing = day !== this.openDay ? this.store.closeDaysBefore(day) : undefined;
      const result = isPromise(closing) ? closing.then(write) : write();
      if (!isPromise(result)) return result;
      const p = result.catch(fail).finally(() => (this.inflight = null));
      this.inflight = p;
      return p;
    } catch (err) {
      return fail(err);
    }
  }

  private aggregate(n: number): UsageBatch {
    const counts = new Map<string, UsageCountDelta>();
    const visitors = new Map<string, UsageBatch['visitors'][number]>();
    const cap = this.ring.length;
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.head + i) % cap]!;
      const key = `${e.stdId}\u0000${e.day}\u0000${e.kind}\u0000${e.bot ? 1 : 0}`;
      const c = counts.get(key);
      if (c) c.count++;
      else counts.set(key, { stdId: e.stdId, day: e.day, kind: e.kind, bot: e.bot, count: 1 });
      if (e.visitor) {
        const vk = `${e.day}\u0000${e.kind}\u0000${e.visitor}`;
        if (!visitors.has(vk)) visitors.set(vk, { day: e.day, kind: e.kind, visitor: e.visitor });
      }
    }
    return { counts: [...counts.values()], visitors: [...visitors.values()] };
  }

  stats(): RecorderStats {
    return { ...this.counters, pending: this.size };
  }

  /** Stops the timer and flushes what is left (called by the server's close hook and Services.close). */
  close(): void | Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const r = this.flush();
    if (isPromise(r)) return r.then(() => this.hasher.forget());
    this.hasher.forget();
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return !!v && typeof (v as Promise<T>).then === 'function';
}
