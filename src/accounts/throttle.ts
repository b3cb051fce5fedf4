import type { ThrottleState } from './model.js';

/**
 * Sign-in throttling, per e-mail address and per client address. After THROTTLE.freeFailures failures close
 * together (each within THROTTLE.windowMinutes of the previous one) every further failure locks the key for a
 * delay that doubles each time (1, 2, 4 … minutes, at most THROTTLE.maxLockMinutes). While locked, sign-in is
 * refused without looking at the password — the right password does not bypass the lock. Quiet for the window
 * after the last failure or lock, the count starts again.
 */
export const THROTTLE = { freeFailures: 5, windowMinutes: 15, baseLockMinutes: 1, maxLockMinutes: 60 } as const;

const MIN = 60_000;

/** When the key is locked at `now`, the time it unlocks; otherwise null. */
export function lockedUntil(s: ThrottleState | null, now: Date): Date | null {
  if (!s?.lockedUntil) return null;
  const until = new Date(s.lockedUntil);
  return until > now ? until : null;
}

/** The state after one more failure at `now`. */
export function afterFailure(s: ThrottleState | null, key: string, now: Date): ThrottleState {
  const quietSince = s ? Math.max(new Date(s.lastAt).getTime(), s.lockedUntil ? new Date(s.lockedUntil).getTime() : 0) : 0;
  const fresh = !s || now.getTime() - quietSince > THROTTLE.windowMinutes * MIN;
  const failures = fresh ? 1 : s.failures + 1;
  let locked: string | null = null;
  if (failures >= THROTTLE.freeFailures) {
    const minutes = Math.min(THROTTLE.maxLockMinutes, THROTTLE.baseLockMinutes * 2 ** (failures - THROTTLE.freeFailures));
    locked = new Date(now.getTime() + minutes * MIN).toISOString();
  }
  return { key, failures, lastAt: now.toISOString(), lockedUntil: locked };
}
