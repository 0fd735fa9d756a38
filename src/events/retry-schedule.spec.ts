import { nextAttemptAt, retryDelayMs, RetryPolicy } from './retry-schedule';

const HOUR = 3_600_000;
const policy: RetryPolicy = { baseMs: 10_000, maxDelayMs: HOUR, windowMs: 24 * HOUR };

describe('webhook retry schedule', () => {
  it.each([
    [0, 10_000],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [9, 2_560_000],
    [10, HOUR],
    [500, HOUR],
    [5000, HOUR],
  ])('waits after attempt %i for %i ms', (attempts, delay) => {
    expect(retryDelayMs(policy, attempts)).toBe(delay);
  });

  const created = new Date('2026-01-01T00:00:00Z');
  const after = (ms: number) => new Date(created.getTime() + ms);

  it.each<[string, number, Date, Date | null]>([
    ['soon after the first failure: the base delay', 1, after(0), after(10_000)],
    ['after more failures: a longer delay', 3, after(30_000), after(70_000)],
    ['a retry that lands exactly at the end of the window is still made', 20, after(23 * HOUR), after(24 * HOUR)],
    ['one that would land a millisecond after the window: given up', 20, after(23 * HOUR + 1), null],
  ])('%s', (_name, attempts, now, expected) => {
    expect(nextAttemptAt(policy, created, attempts, now)).toEqual(expected);
  });

  it('keeps trying for the whole window, then gives up', () => {
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
