/**
 * When a failed webhook delivery is tried again: exponential backoff from `baseMs`, doubling per
 * attempt, capped at `maxDelayMs`; after `windowMs` from the first attempt the delivery is given up.
 * With the defaults (10 s base, 1 h cap, 24 h window) that is about 30 attempts over a day.
 */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  windowMs: number;
}

export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(exponent, 40));
}

/** The next attempt's time, or null when the window is over and the delivery fails for good. */
export function nextAttemptAt(policy: RetryPolicy, createdAt: Date, attempts: number, now: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(policy, attempts));
  return next.getTime() - createdAt.getTime() > policy.windowMs ? null : next;
}
