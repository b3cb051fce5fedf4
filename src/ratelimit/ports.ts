/** Result of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** Milliseconds until the window resets (Retry-After when refused). */
  resetMs: number;
}

/**
 * Counts requests per key (client + bucket) in fixed windows. In-memory for one instance; a shared adapter
 * (Redis or PostgreSQL) makes several instances enforce one limit.
 */
export interface RateLimitStore {
  hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
}
