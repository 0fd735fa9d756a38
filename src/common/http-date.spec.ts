import { httpDate } from './http-date';

describe('httpDate', () => {
  it.each([
    ['1970-01-01T00:00:00.000Z', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ['2026-12-01T15:12:40.999Z', 'Tue, 01 Dec 2026 15:12:40 GMT'],
    ['2026-12-01T15:12:41.000Z', 'Tue, 01 Dec 2026 15:12:41 GMT'],
    ['1969-12-31T23:59:59.500Z', 'Wed, 31 Dec 1969 23:59:59 GMT'],
  ])('writes %s as %s', (iso, expected) => {
    expect(httpDate(new Date(iso))).toBe(expected);
    // Asked again within the same second: the remembered text, still the right one.
    expect(httpDate(new Date(new Date(iso).getTime()))).toBe(expected);
  });

  it('stays right for every second after many distinct ones were remembered', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let second = 0; second < 10_000; second += 1) {
      const date = new Date(start + second * 1000 + 250);
      expect(httpDate(date)).toBe(date.toUTCString());
    }
    expect(httpDate(new Date(start + 250))).toBe(new Date(start).toUTCString());
  });
});
