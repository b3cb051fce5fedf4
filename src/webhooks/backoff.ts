/**
 * Retry schedule of webhook deliveries: exponential backoff from a base delay (attempt 1 failed → wait base,
 * attempt 2 → base·4, …), capped at one day. Driven by the clock: the next attempt's time is stored, and the
 * delivery job sends whatever is due, so retries survive restarts.
 */
export const BACKOFF_FACTOR = 4;
export const BACKOFF_CAP_MS = 24 * 3600_000;

/** Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(BACKOFF_CAP_MS, baseMs * BACKOFF_FACTOR ** Math.max(0, attempt - 1));
}
