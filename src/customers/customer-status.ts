import { ConflictError } from '../common/domain-error';

export const CUSTOMER_STATUSES = ['active', 'suspended', 'frozen', 'expired'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/**
 * Which statuses each status may be reached from. Reactivation is the way back from every
 * restricted state; suspension only makes sense for a customer who still has some access.
 */
const REACHABLE_FROM: Record<CustomerStatus, readonly CustomerStatus[]> = {
  active: ['suspended', 'frozen', 'expired'],
  suspended: ['active', 'frozen'],
  frozen: ['active', 'suspended', 'expired'],
  expired: ['active', 'suspended', 'frozen'],
};

export class InvalidStatusTransitionError extends ConflictError {
  constructor(from: CustomerStatus, to: CustomerStatus) {
    super('invalid_status_transition', `A customer who is ${from} cannot become ${to}`, { from, to });
  }
}

/** 'unchanged' lets status actions be idempotent: repeating one is not an error and changes nothing. */
export function planStatusChange(from: CustomerStatus, to: CustomerStatus): 'change' | 'unchanged' {
  if (from === to) return 'unchanged';
  if (!REACHABLE_FROM[to].includes(from)) throw new InvalidStatusTransitionError(from, to);
  return 'change';
}

export const ON_EXPIRY_ACTIONS = ['expire', 'freeze'] as const;
export type OnExpiry = (typeof ON_EXPIRY_ACTIONS)[number];

export function statusAfterExpiry(onExpiry: OnExpiry): CustomerStatus {
  return onExpiry === 'expire' ? 'expired' : 'frozen';
}

/**
 * A subscription end applies from its very instant, before any job records it: an active or
 * suspended customer whose expires_at has passed is treated as their on_expiry status.
 * CustomerRepository holds the same rule in SQL (LAPSED_SQL, EFFECTIVE_STATUS_SQL): change both.
 */
export function hasLapsed(customer: { status: CustomerStatus; expiresAt: Date | null }, now: Date): boolean {
  return (
    (customer.status === 'active' || customer.status === 'suspended') &&
    customer.expiresAt !== null &&
    customer.expiresAt <= now
  );
}

export function effectiveStatus(
  customer: { status: CustomerStatus; expiresAt: Date | null; onExpiry: OnExpiry },
  now: Date,
): CustomerStatus {
  return hasLapsed(customer, now) ? statusAfterExpiry(customer.onExpiry) : customer.status;
}
