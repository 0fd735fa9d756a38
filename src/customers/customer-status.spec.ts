import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  effectiveStatus,
  hasLapsed,
  InvalidStatusTransitionError,
  planStatusChange,
  statusAfterExpiry,
} from './customer-status';

describe('planStatusChange', () => {
  /**
   * The whole transition table, written out: from (row) -> to (column). Reactivation is the way
   * back from every restricted state; only an expired customer cannot be suspended (nothing to
   * suspend); repeating the current status changes nothing.
   */
  const table: Record<CustomerStatus, Record<CustomerStatus, 'change' | 'unchanged' | 'refused'>> = {
    active: { active: 'unchanged', suspended: 'change', frozen: 'change', expired: 'change' },
    suspended: { active: 'change', suspended: 'unchanged', frozen: 'change', expired: 'change' },
    frozen: { active: 'change', suspended: 'change', frozen: 'unchanged', expired: 'change' },
    expired: { active: 'change', suspended: 'refused', frozen: 'change', expired: 'unchanged' },
  };
  const pairs = (Object.keys(table) as CustomerStatus[]).flatMap((from) =>
    (Object.keys(table[from]) as CustomerStatus[]).map((to) => [from, to, table[from][to]] as const),
  );

  it.each(pairs)('%s -> %s: %s', (from, to, expected) => {
    if (expected === 'refused') {
      expect(() => planStatusChange(from, to)).toThrow(InvalidStatusTransitionError);
    } else {
      expect(planStatusChange(from, to)).toBe(expected);
    }
  });

  it('has a row and a column in the table for every status there is', () => {
    expect(Object.keys(table).sort()).toEqual([...CUSTOMER_STATUSES].sort());
    for (const from of CUSTOMER_STATUSES)
      expect(Object.keys(table[from]).sort()).toEqual([...CUSTOMER_STATUSES].sort());
  });

  it('refuses with a 409 that names both statuses', () => {
    expect(() => planStatusChange('expired', 'suspended')).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'invalid_status_transition',
        message: 'A customer who is expired cannot become suspended',
        details: { from: 'expired', to: 'suspended' },
      }),
    );
  });
});

describe('statusAfterExpiry', () => {
  it.each([
    ['expire', 'expired'],
    ['freeze', 'frozen'],
  ] as const)('on_expiry %s means %s', (onExpiry, status) => {
    expect(statusAfterExpiry(onExpiry)).toBe(status);
  });
});

describe('hasLapsed', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it.each<[CustomerStatus, Date | null, boolean]>([
    ['active', null, false],
    ['active', new Date(now.getTime() + 1), false],
    ['active', now, true],
    ['active', new Date(now.getTime() - 1), true],
    ['suspended', now, true],
    ['suspended', new Date(now.getTime() + 1), false],
    ['suspended', null, false],
    ['frozen', new Date(now.getTime() - 1), false],
    ['expired', new Date(now.getTime() - 1), false],
  ])('%s with expires_at %s: %s', (status, expiresAt, lapsed) => {
    expect(hasLapsed({ status, expiresAt }, now)).toBe(lapsed);
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
    ['suspended', now, 'freeze', 'frozen'],
    ['suspended', null, 'expire', 'suspended'],
    ['frozen', past, 'expire', 'frozen'],
    ['expired', past, 'freeze', 'expired'],
  ])('%s with expires_at %s and on_expiry %s is treated as %s', (status, expiresAt, onExpiry, expected) => {
    expect(effectiveStatus({ status, expiresAt, onExpiry }, now)).toBe(expected);
  });
});
