import { CUSTOMER_STATUSES, CustomerStatus, effectiveStatus, InvalidStatusTransitionError, planStatusChange } from './customer-status';

describe('planStatusChange', () => {
  const allowed: Array<[CustomerStatus, CustomerStatus]> = [
    ['active', 'suspended'],
    ['active', 'frozen'],
    ['active', 'expired'],
    ['suspended', 'active'],
    ['suspended', 'frozen'],
    ['suspended', 'expired'],
    ['frozen', 'active'],
    ['frozen', 'suspended'],
    ['frozen', 'expired'],
    ['expired', 'active'],
    ['expired', 'frozen'],
  ];
  const refused: Array<[CustomerStatus, CustomerStatus]> = [['expired', 'suspended']];

  it.each(allowed)('%s -> %s is a change', (from, to) => {
    expect(planStatusChange(from, to)).toBe('change');
  });

  it.each(refused)('%s -> %s is refused', (from, to) => {
    expect(() => planStatusChange(from, to)).toThrow(InvalidStatusTransitionError);
  });

  it.each(CUSTOMER_STATUSES.map((s) => [s]))('%s -> itself is unchanged (idempotent actions)', (status) => {
    expect(planStatusChange(status, status)).toBe('unchanged');
  });

  it('covers every pair of statuses', () => {
    expect(allowed.length + refused.length).toBe(CUSTOMER_STATUSES.length * (CUSTOMER_STATUSES.length - 1));
  });
});


describe('effectiveStatus', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const past = new Date('2026-05-31T23:59:59Z');
  const future = new Date('2026-06-01T00:00:01Z');

  it.each<[CustomerStatus, Date | null, 'expire' | 'freeze', CustomerStatus]>([
    ['active', null, 'freeze', 'active'],
    ['active', future, 'freeze', 'active'],
    ['active', past, 'freeze', 'frozen'],
    ['active', past, 'expire', 'expired'],
    ['active', now, 'expire', 'expired'],
    ['suspended', past, 'freeze', 'frozen'],
    ['suspended', past, 'expire', 'expired'],
    ['suspended', future, 'expire', 'suspended'],
    ['frozen', past, 'expire', 'frozen'],
    ['expired', past, 'freeze', 'expired'],
  ])('%s with expires_at %s and on_expiry %s is treated as %s', (status, expiresAt, onExpiry, expected) => {
    expect(effectiveStatus({ status, expiresAt, onExpiry }, now)).toBe(expected);
  });
});
