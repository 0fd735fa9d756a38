import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The one grammar for instants the API accepts: an RFC 3339 date-time with its time zone
 * (`2027-01-01T10:30:00Z`, `…+02:00`, optional fraction) or a calendar date (`2027-01-01`, midnight
 * UTC). Years 0001–9999, so that every accepted value is one PostgreSQL's timestamptz stores. A
 * time without a zone is refused: it would mean whatever zone the server happens to run in.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})))?$/;
const MAX_DATE_TIME_LENGTH = 40;

export const DATE_TIME_RULE =
  'an ISO 8601 date-time with a time zone (2027-01-01T00:00:00Z, 2027-01-01T02:00:00+02:00) or a date (2027-01-01)';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The instant `text` names, or undefined when it is not one (see DATE_TIME). Pure; linear time. */
export function parseDateTime(text: string): Date | undefined {
  if (text.length > MAX_DATE_TIME_LENGTH) return undefined;
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number);
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => Number(part ?? 0));
  const millis = match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[9]) {
    const [offsetHours, offsetMins] = [Number(match[10]), Number(match[11])];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

/**
 * Turns a DTO's date-time string into a `Date` at the edge, and refuses (400 validation_failed,
 * naming the field) anything parseDateTime does not accept. Combine with @IsOptional() for
 * optional fields; null passes through only where @IsOptional() lets it.
 */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseDateTime(value) ?? value) : value)),
    ValidateBy(
      {
        name: 'isDateTime',
        validator: {
          validate: (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime()),
          defaultMessage: (args) => `${args?.property ?? 'value'} must be ${DATE_TIME_RULE}`,
        },
      },
      options,
    ),
  );
}
