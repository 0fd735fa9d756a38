import { revalidate } from './last-modified';

const at = (time: string) => new Date(`2027-01-01T${time}Z`);
const http = (time: string) => at(time).toUTCString();

describe('revalidate (Last-Modified / If-Modified-Since)', () => {
  it.each([
    ['a change in the past is announced as such', at('10:00:00'), at('10:05:00'), at('10:00:00')],
    [
      'a fraction of a second rounds up, to the second after the change',
      at('10:00:00.250'),
      at('10:05:00'),
      at('10:00:01'),
    ],
    [
      'a change stamped ahead of the wall clock is announced as now',
      at('10:00:35'),
      at('10:00:01.900'),
      at('10:00:01'),
    ],
    ['never later than the Date of the response', at('10:00:02'), at('10:00:01.999'), at('10:00:01')],
  ])('Last-Modified: %s', (_label, changedAt, now, expected) => {
    // Without If-Modified-Since there is nothing to confirm: always the full answer.
    expect(revalidate(changedAt, now, undefined)).toEqual({ lastModified: expected, notModified: false });
  });

  it.each([
    ['the copy is as new as the change', at('10:00:00'), at('10:05:00'), http('10:00:00'), true],
    ['the copy is newer than the change', at('10:00:00'), at('10:05:00'), http('10:03:00'), true],
    ['the copy is older than the change', at('10:00:00'), at('10:05:00'), http('09:59:59'), false],
    [
      'the change is in the same second as the copy, after it',
      at('10:00:00.500'),
      at('10:05:00'),
      http('10:00:00'),
      false,
    ],
    ['the change is stamped ahead of the wall clock', at('10:00:35'), at('10:00:10'), http('10:00:05'), false],
    [
      'the copy was announced as now while the change was ahead',
      at('10:00:35'),
      at('10:00:20'),
      http('10:00:10'),
      false,
    ],
    [
      'a subscription lapsed after the copy although the change clock was ahead',
      at('10:00:35'),
      at('10:00:06'),
      http('10:00:04'),
      false,
    ],
    ['the wall clock has passed a change that was ahead', at('10:00:35'), at('10:01:00'), http('10:00:35'), true],
    [
      'an If-Modified-Since later than the server clock is ignored',
      at('10:00:00'),
      at('10:05:00'),
      http('11:00:00'),
      false,
    ],
    ['an unparseable If-Modified-Since is ignored', at('10:00:00'), at('10:05:00'), 'yesterday', false],
    // The server's clock counts in whole seconds too: any instant within its current second is not ahead of it.
    ['a copy dated the current second', at('10:00:00'), at('10:05:00.600'), http('10:05:00'), true],
    ['a copy dated late in the current second', at('10:00:00'), at('10:05:00'), at('10:05:00.999').toISOString(), true],
    ['a copy dated the next second is from the future', at('10:00:00'), at('10:05:00.999'), http('10:05:01'), false],
  ])('304: %s', (_label, changedAt, now, ifModifiedSince, notModified) => {
    expect(revalidate(changedAt, now, ifModifiedSince).notModified).toBe(notModified);
  });

  it('never confirms a copy it announced while a change was still ahead of the clock', () => {
    const changedAt = at('10:00:35');
    for (let second = 0; second < 35; second += 1) {
      const now = new Date(at('10:00:00').getTime() + second * 1000 + 500);
      const { lastModified } = revalidate(changedAt, now, undefined);
      expect(lastModified.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(revalidate(changedAt, new Date(now.getTime() + 1000), lastModified.toUTCString()).notModified).toBe(false);
    }
  });
});
