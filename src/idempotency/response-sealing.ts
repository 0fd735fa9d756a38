import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Stored responses can hold secrets: creating a customer answers with their token, which the
 * database otherwise keeps only as a hash. Sealing the stored body with AES-256-GCM under a key
 * derived from ADMIN_TOKEN means a copy of the database alone does not reveal it.
 */
const VERSION = 'v1';

export function sealingKey(adminToken: string): Buffer {
  return createHash('sha256').update(`packyard idempotency ${VERSION}\0${adminToken}`, 'utf8').digest();
}

export function sealBody(body: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
}

/** The body, or undefined when it was sealed under another key (ADMIN_TOKEN changed) or is damaged. */
export function openBody(stored: string, key: Buffer): string | undefined {
  if (!stored.startsWith(`${VERSION}:`)) return undefined;
  const raw = Buffer.from(stored.slice(VERSION.length + 1), 'base64');
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
