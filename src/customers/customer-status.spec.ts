import { CUSTOMER_STATUSES, CustomerStatus, InvalidStatusTransitionError, planStatusChange, statusGrantsAccess } from './customer-status';

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

describe('statusGrantsAccess', () => {
  it.each<[CustomerStatus, boolean]>([
    ['active', true],
    ['frozen', true],
    ['suspended', false],
    ['expired', false],
  ])('%s -> %s', (status, expected) => {
    expect(statusGrantsAccess(status)).toBe(expected);
  });
});
