import {
  CHANGE_CHANNEL,
  ChangeKeys,
  decodeNotification,
  encodeNotification,
  FLUSH_ALL,
  isEmpty,
  MAX_NOTIFY_PAYLOAD_BYTES,
} from './change-keys';

const keys = (customers: string[], packages: string[]) => ({
  customers: new Set(customers),
  packages: new Set(packages),
  all: false,
});

/** Keys whose notification payload is exactly `bytes` long (one customer key pads it). */
function keysOfPayloadSize(bytes: number): ChangeKeys {
  const base = Buffer.byteLength(encodeNotification('inst-1', keys([''], [])));
  return keys(['c'.repeat(bytes - base)], []);
}

describe('change notification payloads', () => {
  it.each([
    ['one customer', keys(['cust_a'], [])],
    ['one package', keys([], ['acme/widget'])],
    ['both', keys(['cust_a', 'cust_b'], ['acme/widget', 'acme/gadget'])],
    ['keys just within the NOTIFY limit', keysOfPayloadSize(MAX_NOTIFY_PAYLOAD_BYTES)],
  ])('round-trips %s with the sender', (_name, sent) => {
    const decoded = decodeNotification(encodeNotification('inst-1', sent));
    expect(decoded.instanceId).toBe('inst-1');
    expect(decoded.keys.all).toBe(false);
    expect([...decoded.keys.customers]).toEqual([...sent.customers]);
    expect([...decoded.keys.packages]).toEqual([...sent.packages]);
  });

  it.each([
    [
      'many keys',
      keys(
        Array.from({ length: 1000 }, (_, i) => `cust_${'x'.repeat(20)}${i}`),
        [],
      ),
    ],
    ['keys one byte over the limit', keysOfPayloadSize(MAX_NOTIFY_PAYLOAD_BYTES + 1)],
    // The limit is PostgreSQL's, in bytes: 3000 two-byte letters fit in characters but not in bytes.
    ['multi-byte keys over the limit in bytes only', keys(['é'.repeat(3000), 'ü'.repeat(1000)], [])],
  ])('asks for a full flush when the keys do not fit in one NOTIFY: %s', (_name, sent) => {
    const payload = encodeNotification('inst-1', sent);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTIFY_PAYLOAD_BYTES);
    expect(decodeNotification(payload)).toEqual({ instanceId: 'inst-1', keys: FLUSH_ALL });
  });

  it('keeps a full flush a full flush, with the sender', () => {
    expect(decodeNotification(encodeNotification('inst-1', FLUSH_ALL))).toEqual({
      instanceId: 'inst-1',
      keys: FLUSH_ALL,
    });
  });

  it.each<[string, string | undefined, string]>([
    ['not json', 'garbage', ''],
    ['nothing', undefined, ''],
    ['missing lists', '{"i":"x"}', 'x'],
    ['no package list', '{"i":"x","c":[]}', 'x'],
    ['no customer list', '{"i":"x","p":[]}', 'x'],
    ['numbers', '{"i":"x","c":[1],"p":[]}', 'x'],
    ['a number among the keys', '{"i":"x","c":["cust_a",1],"p":[]}', 'x'],
    ['a string where a list belongs', '{"i":"x","c":"cust_a","p":[]}', 'x'],
    ['a flush flag beside readable lists', '{"i":"x","c":["cust_a"],"p":[],"all":true}', 'x'],
    ['a sender that is not a string', '{"i":7,"c":[],"all":true}', ''],
  ])('flushes everything for a payload that asks for it or cannot be read (%s)', (_name, payload, instanceId) => {
    expect(decodeNotification(payload)).toEqual({ instanceId, keys: FLUSH_ALL });
  });

  it('reads a sender that is not a string as no sender, so the keys are never skipped as an echo', () => {
    expect(decodeNotification('{"i":7,"c":["cust_a"],"p":[]}')).toEqual({
      instanceId: '',
      keys: keys(['cust_a'], []),
    });
  });

  it.each<[string, boolean, ChangeKeys]>([
    ['no keys', true, keys([], [])],
    ['a customer', false, keys(['cust_a'], [])],
    ['a package', false, keys([], ['acme/widget'])],
    ['a full flush', false, FLUSH_ALL],
  ])('knows whether a change is empty: %s → %s', (_name, empty, change) => {
    expect(isEmpty(change)).toBe(empty);
  });

  // LISTEN takes the channel unquoted, so PostgreSQL folds it to lower case; pg_notify() does not.
  // Only a lower-case identifier of at most 63 bytes names the same channel in both.
  it('uses a channel name that LISTEN and pg_notify() spell alike', () => {
    expect(CHANGE_CHANNEL).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
  });
});
