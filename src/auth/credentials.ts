import { createHash, timingSafeEqual } from 'node:crypto';

/** Pulls the presented secret out of an Authorization header: Bearer, or Basic with the token as password. */
export function readCredentials(header: string | undefined): { scheme: 'bearer' | 'basic'; secret: string } | null {
  if (!header) return null;
  const match = /^(\w+)\s+(.+)$/.exec(header.trim());
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  const value = match[2].trim();
  if (scheme === 'bearer') return value ? { scheme, secret: value } : null;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const password = decoded.slice(colon + 1);
    return password ? { scheme, secret: password } : null;
  }
  return null;
}

/**
 * A constant-time check against one secret. It compares digests, so the time taken does not
 * depend on the inputs' lengths; the expected digest is computed once.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const expectedDigest = createHash('sha256').update(expected, 'utf8').digest();
  return (given) => timingSafeEqual(createHash('sha256').update(given, 'utf8').digest(), expectedDigest);
}
