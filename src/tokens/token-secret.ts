import { createHash } from 'node:crypto';
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

export function looksLikeCustomerToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length <= 128;
}
