import { randomBytes } from 'node:crypto';
import { csrfMatches, newSession, openSession, sealSession } from './portal-session';

describe('portal session cookie', () => {
  const key = randomBytes(32);
  const idle = 30 * 60_000;
  const now = Date.UTC(2026, 0, 1);

  it('opens what it sealed, without showing it in clear', () => {
    const session = newSession(now, { customerId: 'cust_1', tokenId: 'tkn_1' });
    const cookie = sealSession(session, key);
    expect(cookie).not.toContain('cust_1');
    expect(openSession(cookie, key, now + 1000, idle)).toEqual({ state: 'valid', session });
  });

  it.each([
    ['absent', undefined],
    ['garbage', 'v1.AAAA'],
    ['another format', 'hello'],
  ])('has no session when the cookie is %s', (_case, cookie) => {
    expect(openSession(cookie, key, now, idle)).toEqual({ state: 'none' });
  });

  it('refuses a tampered cookie and one sealed under another key', () => {
    const cookie = sealSession(newSession(now), key);
    const bytes = Buffer.from(cookie.slice(3), 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(openSession(`v1.${bytes.toString('base64url')}`, key, now, idle).state).toBe('none');
    expect(openSession(cookie, randomBytes(32), now, idle).state).toBe('none');
  });

  it('times out after the idle period, not before', () => {
    const cookie = sealSession(newSession(now), key);
    expect(openSession(cookie, key, now + idle, idle).state).toBe('valid');
    expect(openSession(cookie, key, now + idle + 1, idle).state).toBe('idle');
  });

  it('matches only the exact CSRF token', () => {
    const session = newSession(now);
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, `${session.csrf}x`)).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
  });
});
