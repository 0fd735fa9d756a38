import { Customer } from './customer.entity';

/** The admin-visible state of a customer as history records it (never a token). */
export function customerSnapshot(customer: Customer): Record<string, unknown> {
  return {
    name: customer.name,
    email: customer.email,
    external_id: customer.externalId,
    status: customer.status,
    status_reason: customer.statusReason,
    expires_at: customer.expiresAt ? customer.expiresAt.toISOString() : null,
    on_expiry: customer.onExpiry,
    portal_token_self_service: customer.portalTokenSelfService,
    billing_grace_days: customer.billingGraceDays,
  };
}

/** Only the fields that differ, as {before, after}; null when nothing changed. */
export function snapshotDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const changed = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  if (changed.length === 0) return null;
  return {
    before: Object.fromEntries(changed.map((key) => [key, before[key]])),
    after: Object.fromEntries(changed.map((key) => [key, after[key]])),
  };
}
