import { parseDateTime } from './date-time';

describe('parseDateTime', () => {
  it.each([
    ['UTC', '2027-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['an offset', '2027-01-01T02:00:00+02:00', '2027-01-01T00:00:00.000Z'],
    ['a negative offset without a colon', '2026-12-31T19:00:00-0500', '2027-01-01T00:00:00.000Z'],
    ['a fraction, kept to the millisecond', '2024-04-12T10:18:49.621022Z', '2024-04-12T10:18:49.621Z'],
    ['minutes only', '2027-01-01T10:30Z', '2027-01-01T10:30:00.000Z'],
    ['a date alone, midnight UTC', '2027-01-01', '2027-01-01T00:00:00.000Z'],
    ['29 February of a leap year', '2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['year 1', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['year 9999', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('accepts %s', (_label, text, iso) => {
    expect(parseDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['an ISO week date', '2027-W01-1'],
    ['a basic-format date', '20270101'],
    ['a time without a zone', '2027-01-01T10:00:00'],
    ['29 February of a common year', '2027-02-29T00:00:00Z'],
    ['30 February', '2028-02-30'],
    ['month 13', '2027-13-01'],
    ['hour 24', '2027-01-01T24:00:00Z'],
    ['a leap second', '2027-01-01T23:59:60Z'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['a five-digit year', '10000-01-01T00:00:00Z'],
    ['a space for T', '2027-01-01 10:00:00Z'],
    ['an offset beyond 23:59', '2027-01-01T00:00:00+24:00'],
    ['words', 'yesterday'],
    ['trailing text', '2027-01-01T00:00:00Zjunk'],
    ['an empty string', ''],
  ])('refuses %s', (_label, text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});
