import { decodeNotification, encodeNotification, FLUSH_ALL, isEmpty, MAX_NOTIFY_PAYLOAD_BYTES } from './change-keys';

const keys = (customers: string[], packages: string[]) => ({
  customers: new Set(customers),
  packages: new Set(packages),
  all: false,
});

describe('change notification payloads', () => {
  it.each([
    ['one customer', keys(['cust_a'], [])],
    ['one package', keys([], ['acme/widget'])],
    ['both', keys(['cust_a', 'cust_b'], ['acme/widget', 'acme/gadget'])],
  ])('round-trips %s with the sender', (_name, sent) => {
    const decoded = decodeNotification(encodeNotification('inst-1', sent));
    expect(decoded.instanceId).toBe('inst-1');
    expect(decoded.keys.all).toBe(false);
    expect([...decoded.keys.customers]).toEqual([...sent.customers]);
    expect([...decoded.keys.packages]).toEqual([...sent.packages]);
  });

  it('asks for a full flush when the keys do not fit in one NOTIFY', () => {
    const many = keys(
      Array.from({ length: 1000 }, (_, i) => `cust_${'x'.repeat(20)}${i}`),
      [],
    );
    const payload = encodeNotification('inst-1', many);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTIFY_PAYLOAD_BYTES);
    expect(decodeNotification(payload).keys.all).toBe(true);
  });

  it('keeps a full flush a full flush', () => {
    expect(decodeNotification(encodeNotification('inst-1', FLUSH_ALL)).keys.all).toBe(true);
  });

  it.each([
    ['not json', 'garbage'],
    ['missing lists', '{"i":"x"}'],
    ['numbers', '{"i":"x","c":[1],"p":[]}'],
    ['nothing', undefined],
  ])('treats an unreadable payload (%s) as everything changed', (_name, payload) => {
    expect(decodeNotification(payload).keys.all).toBe(true);
  });

  it('knows an empty change', () => {
    expect(isEmpty(keys([], []))).toBe(true);
    expect(isEmpty(keys(['cust_a'], []))).toBe(false);
    expect(isEmpty(FLUSH_ALL)).toBe(false);
  });
});
