import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the portal's cookie holds. Never the token itself: the token id, checked on every request,
 * so revoking the token ends the session at its next request.
 */
export interface PortalSession {
  /** Random per sign-in; a new one after signing in, so a planted cookie cannot be ridden. */
  sid: string;
  customerId?: string;
  tokenId?: string;
  /** Synchronizer token every form carries (also before signing in, against login CSRF). */
  csrf: string;
  /** Last request (epoch ms), for the idle timeout. */
  seenAt: number;
}

const VERSION = 'v1';

export function newSession(now: number, signedIn?: { customerId: string; tokenId: string }): PortalSession {
  return {
    sid: randomBytes(16).toString('base64url'),
    csrf: randomBytes(24).toString('base64url'),
    seenAt: now,
    ...signedIn,
  };
}

/** AES-256-GCM: the cookie is both unreadable and tamper-proof to the browser. */
export function sealSession(session: PortalSession, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

export type OpenedSession = { state: 'valid'; session: PortalSession } | { state: 'idle' } | { state: 'none' };

/** The session, 'idle' when it timed out, 'none' when absent, forged, damaged or sealed under another key. */
export function openSession(cookie: string | undefined, key: Buffer, now: number, idleMs: number): OpenedSession {
  if (!cookie || !cookie.startsWith(`${VERSION}.`)) return { state: 'none' };
  const raw = Buffer.from(cookie.slice(VERSION.length + 1), 'base64url');
  if (raw.length < 29) return { state: 'none' };
  let session: PortalSession;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    session = JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'),
    ) as PortalSession;
  } catch {
    return { state: 'none' };
  }
  if (typeof session.seenAt !== 'number' || typeof session.csrf !== 'string') return { state: 'none' };
  if (now - session.seenAt > idleMs) return { state: 'idle' };
  return { state: 'valid', session };
}

export function csrfMatches(session: PortalSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(session.csrf, 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
