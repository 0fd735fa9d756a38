import type Stripe from 'stripe';
import { CustomerStatus } from '../customers/customer-status';
import { parseDateTime } from '../common/date-time';

export const BILLING_PROVIDERS = ['stripe', 'paddle'] as const;
export type BillingProvider = (typeof BILLING_PROVIDERS)[number];

/**
 * A settled invoice lifts only a payment suspension; a subscription that is (again) active also
 * restores a customer whose previous subscription ended (frozen or expired).
 */
export const AFTER_PAYMENT: readonly CustomerStatus[] = ['suspended'];
export const AFTER_RENEWAL: readonly CustomerStatus[] = ['suspended', 'frozen', 'expired'];

interface ActionBase {
  externalCustomerId: string | null;
  reason: string;
  /**
   * When the provider says the event happened (Stripe `created`, Paddle `occurred_at`), which orders
   * events that arrive out of order; null when the event states no usable time.
   */
  occurredAt: Date | null;
}

/** What one verified billing event asks of the customer it names (by the provider's customer id). */
export type BillingAction =
  | (ActionBase & { kind: 'suspend' })
  | (ActionBase & { kind: 'reactivate'; from: readonly CustomerStatus[] })
    /** endedAt: when the provider says the subscription ended (null: not stated, i.e. now). */
  | (ActionBase & { kind: 'end_subscription'; endedAt: Date | null })
  | (ActionBase & { kind: 'ignore' });

/** Longer than any external_id can be (and than the column recording it), so it names no customer. */
const MAX_EXTERNAL_ID_LENGTH = 200;

function customerIdOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value.length <= MAX_EXTERNAL_ID_LENGTH ? value : null;
}

function stripeCustomerId(customer: string | { id: string } | null | undefined): string | null {
  return customerIdOf(typeof customer === 'object' && customer !== null ? customer.id : customer);
}

/**
 * A field the provider documents as a string or number, as text for a reason; undefined for
 * anything else. Signed events are still untrusted in shape: an object here would otherwise be
 * stringified (or throw, given a non-callable `toString`).
 */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Up to the end of year 9999: every instant a provider can mean, and one PostgreSQL stores. */
const LATEST_SECONDS = 253402300799;

function fromUnixSeconds(...candidates: Array<number | null | undefined>): Date | null {
  const seconds = candidates.find(
    (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= LATEST_SECONDS,
  );
  return seconds === undefined ? null : new Date(seconds * 1000);
}

/** The same date-time grammar as the admin API (RFC 3339 with a zone; Paddle sends microseconds). */
function fromIsoTimes(...candidates: Array<string | null | undefined>): Date | null {
  for (const candidate of candidates) {
    const date = typeof candidate === 'string' ? parseDateTime(candidate) : undefined;
    if (date) return date;
  }
  return null;
}

/** Maps a Stripe event whose signature was verified; pure, so every row of the mapping is unit-tested. */
export function stripeAction(event: Stripe.Event): BillingAction {
  const occurredAt = fromUnixSeconds(event.created);
  switch (event.type) {
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const attemptCount = text(invoice.attempt_count);
      const attempt = attemptCount && attemptCount !== '0' ? ` (attempt ${attemptCount})` : '';
      return {
        kind: 'suspend',
        externalCustomerId: stripeCustomerId(invoice.customer),
        reason: `Stripe: payment failed for invoice ${text(invoice.number) ?? text(invoice.id) ?? 'unknown'}${attempt}`,
        occurredAt,
      };
    }
    case 'invoice.paid': {
      const invoice = event.data.object;
      return {
        kind: 'reactivate',
        externalCustomerId: stripeCustomerId(invoice.customer),
        reason: `Stripe: invoice ${text(invoice.number) ?? text(invoice.id) ?? 'unknown'} paid`,
        from: AFTER_PAYMENT,
        occurredAt,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated': {
      const subscription = event.data.object;
      const externalCustomerId = stripeCustomerId(subscription.customer);
      const reason = `Stripe: subscription ${text(subscription.id) ?? 'unknown'} is ${text(subscription.status) ?? 'unknown'}`;
      if (subscription.status === 'past_due' || subscription.status === 'unpaid') return { kind: 'suspend', externalCustomerId, reason, occurredAt };
      if (subscription.status === 'active') return { kind: 'reactivate', externalCustomerId, reason, from: AFTER_RENEWAL, occurredAt };
      return { kind: 'ignore', externalCustomerId, reason: `${reason}: no change to access`, occurredAt };
    }
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      return {
        kind: 'end_subscription',
        externalCustomerId: stripeCustomerId(subscription.customer),
        reason: `Stripe: subscription ${text(subscription.id) ?? 'unknown'} ended`,
        endedAt: fromUnixSeconds(subscription.ended_at, subscription.canceled_at, event.created),
        occurredAt,
      };
    }
    default:
      return { kind: 'ignore', externalCustomerId: null, reason: `Stripe event type ${event.type} is not used`, occurredAt };
  }
}

/**
 * The fields of a Paddle Billing notification the mapping reads, in Paddle's own snake_case
 * (https://developer.paddle.com/webhooks/overview). Only these are relied upon, so a notification
 * carrying less of the subscription or transaction entity than documented still maps.
 */
export interface PaddleNotification {
  event_id: string;
  event_type: string;
  occurred_at?: string;
  data: {
    id?: string;
    customer_id?: string | null;
    canceled_at?: string | null;
  };
}

/** Maps a Paddle Billing notification whose signature was verified. */
export function paddleAction(event: PaddleNotification): BillingAction {
  const externalCustomerId = customerIdOf(event.data.customer_id);
  const subject = text(event.data.id) ?? 'unknown';
  const occurredAt = fromIsoTimes(event.occurred_at);
  switch (event.event_type) {
    case 'subscription.past_due':
      return { kind: 'suspend', externalCustomerId, reason: `Paddle: subscription ${subject} is past due`, occurredAt };
    case 'transaction.payment_failed':
      return { kind: 'suspend', externalCustomerId, reason: `Paddle: payment failed for transaction ${subject}`, occurredAt };
    case 'subscription.activated':
    case 'subscription.resumed':
      return {
        kind: 'reactivate',
        externalCustomerId,
        reason: `Paddle: subscription ${subject} ${event.event_type === 'subscription.resumed' ? 'resumed' : 'activated'}`,
        from: AFTER_RENEWAL,
        occurredAt,
      };
    case 'subscription.canceled':
      return {
        kind: 'end_subscription',
        externalCustomerId,
        reason: `Paddle: subscription ${subject} canceled`,
        endedAt: fromIsoTimes(event.data.canceled_at, event.occurred_at),
        occurredAt,
      };
    default:
      return { kind: 'ignore', externalCustomerId: null, reason: `Paddle event type ${event.event_type} is not used`, occurredAt };
  }
}
