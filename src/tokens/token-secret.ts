import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBase62 } from '../common/ids';

export const TOKEN_PREFIX = 'tok_';
const TOKEN_RANDOM_LENGTH = 40;
/** Enough of the token to recognise it in a list, far too little to guess the rest. */
const VISIBLE_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

export function generateTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBase62(TOKEN_RANDOM_LENGTH)}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function visiblePrefix(token: string): string {
  return token.slice(0, VISIBLE_PREFIX_LENGTH);
}

/** Compares digests, so the comparison takes the same time whatever the inputs' lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function looksLikeCustomerToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length <= 128;
}
