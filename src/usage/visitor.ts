import { createHmac, randomBytes } from 'node:crypto';
import { MAX_UA } from './model.js';

/** Where the daily salt lives while its day lasts (the store; tests may use a Map). */
export type SaltSource = (day: string, fresh: Buffer) => Buffer | Promise<Buffer>;

/**
 * Visitor keys without raw addresses: key = HMAC-SHA256(salt of the UTC day, ip + "\n" + user agent), truncated to
 * 128 bits (hex). The salt is 32 random bytes made when the day's first event arrives; it is kept in memory and in
 * usage_salt (so a restart on the same day counts the same visitor once) and deleted when the day is closed, after
 * which a key cannot be recomputed from an address, even by the operator. Keys are only comparable within a day,
 * which is all "distinct visitors per day" needs.
 */
export class VisitorHasher {
  private day = '';
  private salt: Buffer | null = null;

  constructor(private readonly source: SaltSource) {}

  /** The visitor key of an address and user agent on a UTC day (YYYY-MM-DD). */
  key(day: string, ip: string, userAgent: string): string {
    if (day !== this.day || !this.salt) {
      const fresh = randomBytes(32);
      try {
        const got = this.source(day, fresh);
        if (got instanceof Promise) {
          // An asynchronous store (PostgreSQL): hash with the fresh salt until the stored one arrives. It is the same
          // salt unless another process stored the day's salt first; then only the events of these few milliseconds
          // may count a visitor twice.
          this.salt = fresh;
          got.then(
            (stored) => {
              if (this.day === day) this.salt = stored;
            },
            () => undefined,
          );
        } else this.salt = got;
      } catch {
        // The store is unavailable: a salt held only in memory still hashes; a restart today may count a visitor twice.
        this.salt = fresh;
      }
      this.day = day;
    }
    return createHmac('sha256', this.salt)
      .update(ip.slice(0, 64))
      .update('\n')
      .update(userAgent.slice(0, MAX_UA))
      .digest('hex')
      .slice(0, 32);
  }

  /** Forgets the in-memory salt (the day is over, or the service is closing). */
  forget(): void {
    this.salt = null;
    this.day = '';
  }
}
