import { nextAttemptAt, retryDelayMs, RetryPolicy } from './retry-schedule';

const HOUR = 3_600_000;
const policy: RetryPolicy = { baseMs: 10_000, maxDelayMs: HOUR, windowMs: 24 * HOUR };

describe('webhook retry schedule', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [9, 2_560_000],
    [10, HOUR],
    [500, HOUR],
  ])('waits after attempt %i for %i ms', (attempts, delay) => {
    expect(retryDelayMs(policy, attempts)).toBe(delay);
  });

  it('keeps trying for the whole window, then gives up', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    let now = created;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(policy, created, attempts, now);
      if (!next) break;
      now = next;
    }
    expect(now.getTime() - created.getTime()).toBeGreaterThanOrEqual(23 * HOUR);
    expect(now.getTime() - created.getTime()).toBeLessThanOrEqual(24 * HOUR);
    expect(attempts).toBeGreaterThan(20);
  });
});
