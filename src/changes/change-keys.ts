/**
 * What a committed change touched: the customers whose view may differ and the packages whose
 * catalog entry may differ. Caches drop exactly these; `all` drops everything (a missed
 * notification, or a change too wide to name).
 */
export interface ChangeKeys {
  customers: ReadonlySet<string>;
  packages: ReadonlySet<string>;
  all: boolean;
}

export const FLUSH_ALL: ChangeKeys = { customers: new Set(), packages: new Set(), all: true };

export function isEmpty(keys: ChangeKeys): boolean {
  return !keys.all && keys.customers.size === 0 && keys.packages.size === 0;
}

/** The LISTEN/NOTIFY channel that carries committed keys between instances. */
export const CHANGE_CHANNEL = 'packyard_changes';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; wider changes ask for a full flush. */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7900;

/** The NOTIFY payload: the sending instance (to skip its own echo) and the keys. */
export function encodeNotification(instanceId: string, keys: ChangeKeys): string {
  if (!keys.all) {
    const payload = JSON.stringify({ i: instanceId, c: [...keys.customers], p: [...keys.packages] });
    if (Buffer.byteLength(payload, 'utf8') <= MAX_NOTIFY_PAYLOAD_BYTES) return payload;
  }
  return JSON.stringify({ i: instanceId, all: true });
}

export interface DecodedNotification {
  instanceId: string;
  keys: ChangeKeys;
}

/** Anything unreadable is treated as "everything changed": a cache is never trusted on a guess. */
export function decodeNotification(payload: string | undefined): DecodedNotification {
  try {
    const parsed = JSON.parse(payload ?? '') as { i?: unknown; c?: unknown; p?: unknown; all?: unknown };
    const strings = (value: unknown): string[] | undefined =>
      Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
    const customers = strings(parsed.c);
    const packages = strings(parsed.p);
    const instanceId = typeof parsed.i === 'string' ? parsed.i : '';
    if (parsed.all === true || !customers || !packages) return { instanceId, keys: FLUSH_ALL };
    return { instanceId, keys: { customers: new Set(customers), packages: new Set(packages), all: false } };
  } catch {
    return { instanceId: '', keys: FLUSH_ALL };
  }
}
