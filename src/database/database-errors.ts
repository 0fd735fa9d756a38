import { QueryFailedError } from 'typeorm';

/** PostgreSQL's unique_violation: the row clashes with an existing one on a unique key. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}
