import type Stripe from 'stripe';
import { BillingProvider, SUBSCRIPTION_STATUSES, SubscriptionReport, SubscriptionStatus } from './billing-state';

/** What one verified provider event says, read without touching the database. */
export type BillingReading =
  /** A state (or a payment hint) of one subscription of the customer the provider knows as externalCustomerId. */
  | { kind: 'report'; externalCustomerId: string | null; occurredAt: Date | null; report: SubscriptionReport }
  /** Nothing about a subscription: an event type Packyard does not use, or a one-off payment. */
  | {
      kind: 'ignore';
      outcome: 'ignored_event_type' | 'ignored_no_subscription';
      externalCustomerId: string | null;
      occurredAt: Date | null;
      reason: string;
    };

/** Provider ids are short (cus_…, sub_…, ctm_…); anything else is not one and names nothing. */
const MAX_ID_LENGTH = 200;

function idOf(value: string | { id?: unknown } | null | undefined): string | null {
  const id = typeof value === 'string' ? value : value?.id;
  return typeof id === 'string' && id !== '' && id.length <= MAX_ID_LENGTH ? id : null;
}

function fromUnixSeconds(...candidates: Array<number | null | undefined>): Date | null {
  const seconds = candidates.find(
    (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0,
  );
  return seconds === undefined ? null : new Date(seconds * 1000);
}

function fromIsoTimes(...candidates: Array<string | null | undefined>): Date | null {
  for (const candidate of candidates) {
    const date = typeof candidate === 'string' ? new Date(candidate) : undefined;
    if (date && !Number.isNaN(date.getTime())) return date;
  }
  return null;
}

function subscriptionStatus(value: unknown): SubscriptionStatus | null {
  return SUBSCRIPTION_STATUSES.includes(value as SubscriptionStatus) ? (value as SubscriptionStatus) : null;
}

const earlier = (date: Date | null, bound: Date): Date => (date && date < bound ? date : bound);

interface ReportInput {
  provider: BillingProvider;
  eventId: string;
  externalCustomerId: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  subscriptionId: string;
  status: SubscriptionStatus;
  source: SubscriptionReport['source'];
  endedAt?: Date | null;
  reason: string;
}

function report(input: ReportInput): BillingReading {
  const ended = input.status === 'canceled' || input.status === 'incomplete_expired';
  return {
    kind: 'report',
    externalCustomerId: input.externalCustomerId,
    occurredAt: input.occurredAt,
    report: {
      provider: input.provider,
      eventId: input.eventId,
      subscriptionId: input.subscriptionId,
      status: input.status,
      source: input.source,
      // An event without a usable time is as new as its arrival.
      reportedAt: input.occurredAt ?? input.receivedAt,
      // An end the provider dates in the future (or not at all) is the time the news arrived.
      endedAt: ended ? earlier(input.endedAt ?? null, input.receivedAt) : null,
      reason: input.reason,
    },
  };
}

/** The subscription an invoice bills: `parent.subscription_details` since API 2025-03-31, `subscription` before. */
function invoiceSubscription(invoice: Record<string, unknown>): string | null {
  const parent = invoice.parent as
    { subscription_details?: { subscription?: string | { id?: unknown } | null } | null } | null | undefined;
  return idOf(
    parent?.subscription_details?.subscription ??
      (invoice.subscription as string | { id?: unknown } | null | undefined),
  );
}

/** Reads a Stripe event whose signature was verified; pure, so every row of the mapping is unit-tested. */
export function readStripeEvent(event: Stripe.Event, receivedAt: Date): BillingReading {
  const occurredAt = fromUnixSeconds(event.created);
  const common = { provider: 'stripe' as const, eventId: event.id, occurredAt, receivedAt };
  const object = event.data.object as unknown as Record<string, unknown>;
  const externalCustomerId = idOf(object.customer as string | { id?: unknown } | null);
  if (event.type.startsWith('customer.subscription.')) {
    const status = subscriptionStatus(object.status);
    const subscriptionId = idOf(object.id as string);
    if (!status || !subscriptionId) {
      return {
        kind: 'ignore',
        outcome: 'ignored_event_type',
        externalCustomerId,
        occurredAt,
        reason: `Stripe subscription status ${String(object.status)} is not known`,
      };
    }
    const ended = event.type === 'customer.subscription.deleted';
    return report({
      ...common,
      externalCustomerId,
      subscriptionId,
      // A deleted subscription has ended whatever status the object still shows.
      status: ended && status !== 'incomplete_expired' ? 'canceled' : status,
      source: 'subscription',
      endedAt: fromUnixSeconds(object.ended_at as number, object.canceled_at as number, event.created),
      reason: ended
        ? `Stripe: subscription ${subscriptionId} ended`
        : `Stripe: subscription ${subscriptionId} is ${status}`,
    });
  }
  if (
    event.type === 'invoice.payment_failed' ||
    event.type === 'invoice.paid' ||
    event.type === 'invoice.payment_succeeded'
  ) {
    const invoice = `${(object.number as string | null) ?? (object.id as string)}`;
    const subscriptionId = invoiceSubscription(object);
    const failed = event.type === 'invoice.payment_failed';
    const attempt =
      typeof object.attempt_count === 'number' && object.attempt_count > 0 ? ` (attempt ${object.attempt_count})` : '';
    const reason = failed
      ? `Stripe: payment failed for invoice ${invoice}${attempt}`
      : `Stripe: invoice ${invoice} paid`;
    if (!subscriptionId) {
      return {
        kind: 'ignore',
        outcome: 'ignored_no_subscription',
        externalCustomerId,
        occurredAt,
        reason: `${reason}; not a subscription invoice`,
      };
    }
    return report({
      ...common,
      externalCustomerId,
      subscriptionId,
      status: failed ? 'past_due' : 'active',
      source: 'payment',
      reason,
    });
  }
  return {
    kind: 'ignore',
    outcome: 'ignored_event_type',
    externalCustomerId: null,
    occurredAt,
    reason: `Stripe event type ${event.type} is not used`,
  };
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
    status?: string;
    customer_id?: string | null;
    subscription_id?: string | null;
    canceled_at?: string | null;
  };
}

/** Reads a Paddle Billing notification whose signature was verified. */
export function readPaddleEvent(event: PaddleNotification, receivedAt: Date): BillingReading {
  const externalCustomerId = idOf(event.data.customer_id);
  const occurredAt = fromIsoTimes(event.occurred_at);
  const common = { provider: 'paddle' as const, eventId: event.event_id, externalCustomerId, occurredAt, receivedAt };
  const subject = event.data.id ?? 'unknown';
  if (event.event_type.startsWith('subscription.')) {
    const status = subscriptionStatus(
      event.data.status ?? (event.event_type === 'subscription.canceled' ? 'canceled' : undefined),
    );
    const subscriptionId = idOf(event.data.id);
    if (!status || !subscriptionId) {
      return {
        kind: 'ignore',
        outcome: 'ignored_event_type',
        externalCustomerId,
        occurredAt,
        reason: `Paddle subscription status ${String(event.data.status)} is not known`,
      };
    }
    return report({
      ...common,
      subscriptionId,
      status,
      source: 'subscription',
      endedAt: fromIsoTimes(event.data.canceled_at, event.occurred_at),
      reason:
        status === 'canceled'
          ? `Paddle: subscription ${subject} canceled`
          : `Paddle: subscription ${subject} is ${status.replace('_', ' ')}`,
    });
  }
  if (
    event.event_type === 'transaction.payment_failed' ||
    event.event_type === 'transaction.completed' ||
    event.event_type === 'transaction.paid'
  ) {
    const failed = event.event_type === 'transaction.payment_failed';
    const reason = failed ? `Paddle: payment failed for transaction ${subject}` : `Paddle: transaction ${subject} paid`;
    const subscriptionId = idOf(event.data.subscription_id);
    if (!subscriptionId) {
      return {
        kind: 'ignore',
        outcome: 'ignored_no_subscription',
        externalCustomerId,
        occurredAt,
        reason: `${reason}; a one-off purchase, not a subscription`,
      };
    }
    return report({ ...common, subscriptionId, status: failed ? 'past_due' : 'active', source: 'payment', reason });
  }
  return {
    kind: 'ignore',
    outcome: 'ignored_event_type',
    externalCustomerId: null,
    occurredAt,
    reason: `Paddle event type ${event.event_type} is not used`,
  };
}
