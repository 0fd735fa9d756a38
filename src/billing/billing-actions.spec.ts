import type Stripe from 'stripe';
import { PaddleNotification, readPaddleEvent, readStripeEvent } from './billing-actions';

/** The part of a reading a row states. */
type Expected = Record<string, unknown>;

const CREATED = 1_767_000_000;
const RECEIVED = new Date((CREATED + 30) * 1000);

function stripeEvent(type: string, object: Record<string, unknown>, created: number | null = CREATED): Stripe.Event {
  return { id: 'evt_1', object: 'event', type, created, data: { object } } as unknown as Stripe.Event;
}

const invoice = (extra: Record<string, unknown> = {}) => ({
  id: 'in_1',
  object: 'invoice',
  customer: 'cus_A',
  number: 'INV-0042',
  attempt_count: 2,
  parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1' } },
  ...extra,
});
const subscription = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'sub_1',
  object: 'subscription',
  customer: 'cus_A',
  status,
  ...extra,
});

describe('readStripeEvent', () => {
  it.each<[string, Stripe.Event, Expected]>([
    [
      'a subscription update reports its status',
      stripeEvent('customer.subscription.updated', subscription('past_due')),
      {
        kind: 'report',
        externalCustomerId: 'cus_A',
        report: {
          subscriptionId: 'sub_1',
          status: 'past_due',
          source: 'subscription',
          reason: 'Stripe: subscription sub_1 is past_due',
        },
      },
    ],
    [
      'a new subscription reports its status',
      stripeEvent('customer.subscription.created', subscription('trialing')),
      { kind: 'report', report: { status: 'trialing', source: 'subscription' } },
    ],
    [
      'a paused subscription reports paused',
      stripeEvent('customer.subscription.paused', subscription('paused')),
      { kind: 'report', report: { status: 'paused' } },
    ],
    [
      'a deleted subscription has ended, at ended_at',
      stripeEvent(
        'customer.subscription.deleted',
        subscription('canceled', { ended_at: CREATED - 3600, canceled_at: CREATED - 7200 }),
      ),
      {
        kind: 'report',
        report: {
          status: 'canceled',
          endedAt: new Date((CREATED - 3600) * 1000),
          reason: 'Stripe: subscription sub_1 ended',
        },
      },
    ],
    [
      'without ended_at, at canceled_at',
      stripeEvent(
        'customer.subscription.deleted',
        subscription('canceled', { ended_at: null, canceled_at: CREATED - 7200 }),
      ),
      { report: { status: 'canceled', endedAt: new Date((CREATED - 7200) * 1000) } },
    ],
    [
      'without either, when the event was created',
      stripeEvent('customer.subscription.deleted', subscription('canceled')),
      { report: { status: 'canceled', endedAt: new Date(CREATED * 1000) } },
    ],
    [
      'an end dated after the arrival ends at the arrival',
      stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: CREATED + 86400 })),
      { report: { endedAt: RECEIVED } },
    ],
    [
      'a deleted subscription has ended even if the object still says active',
      stripeEvent('customer.subscription.deleted', subscription('active')),
      { report: { status: 'canceled' } },
    ],
    [
      'a failed invoice payment hints past_due for its subscription',
      stripeEvent('invoice.payment_failed', invoice()),
      {
        kind: 'report',
        externalCustomerId: 'cus_A',
        report: {
          subscriptionId: 'sub_1',
          status: 'past_due',
          source: 'payment',
          reason: 'Stripe: payment failed for invoice INV-0042 (attempt 2)',
        },
      },
    ],
    [
      'a paid invoice hints active',
      stripeEvent('invoice.paid', invoice()),
      { kind: 'report', report: { status: 'active', source: 'payment', reason: 'Stripe: invoice INV-0042 paid' } },
    ],
    [
      'an invoice of the older API names its subscription directly',
      stripeEvent('invoice.paid', invoice({ parent: null, subscription: 'sub_legacy' })),
      { report: { subscriptionId: 'sub_legacy' } },
    ],
    [
      'a one-off invoice is no news about a subscription',
      stripeEvent('invoice.payment_failed', invoice({ parent: null })),
      { kind: 'ignore', outcome: 'ignored_no_subscription', externalCustomerId: 'cus_A' },
    ],
    [
      'an expanded customer object is matched by its id',
      stripeEvent('invoice.payment_failed', invoice({ customer: { id: 'cus_B', object: 'customer' } })),
      { externalCustomerId: 'cus_B' },
    ],
    [
      'an invoice without a customer names none',
      stripeEvent('invoice.payment_failed', invoice({ customer: null })),
      { kind: 'report', externalCustomerId: null },
    ],
    [
      'an invoice without a number is named by its id',
      stripeEvent('invoice.payment_failed', invoice({ number: null, attempt_count: 0 })),
      { report: { reason: 'Stripe: payment failed for invoice in_1' } },
    ],
    [
      'a customer id no provider would issue (too long) names no customer',
      stripeEvent('invoice.paid', invoice({ customer: `cus_${'x'.repeat(300)}` })),
      { kind: 'report', externalCustomerId: null },
    ],
    [
      'an unknown subscription status is not used',
      stripeEvent('customer.subscription.updated', subscription('mystery')),
      { kind: 'ignore', outcome: 'ignored_event_type' },
    ],
    [
      'any other event type is not used',
      stripeEvent('charge.succeeded', { id: 'ch_1', customer: 'cus_A' }),
      {
        kind: 'ignore',
        outcome: 'ignored_event_type',
        externalCustomerId: null,
        reason: 'Stripe event type charge.succeeded is not used',
      },
    ],
  ])('%s', (_name, event, expected) => {
    expect(readStripeEvent(event, RECEIVED)).toMatchObject(expected);
  });

  it('dates a report by when Stripe created the event, which orders late deliveries', () => {
    expect(readStripeEvent(stripeEvent('invoice.paid', invoice()), RECEIVED)).toMatchObject({
      occurredAt: new Date(CREATED * 1000),
      report: { reportedAt: new Date(CREATED * 1000), eventId: 'evt_1', provider: 'stripe' },
    });
  });

  it('dates an event without a time by its arrival', () => {
    expect(readStripeEvent(stripeEvent('invoice.paid', invoice(), null), RECEIVED)).toMatchObject({
      occurredAt: null,
      report: { reportedAt: RECEIVED },
    });
  });

  it('has no end for a subscription that has not ended', () => {
    expect(
      readStripeEvent(
        stripeEvent('customer.subscription.updated', subscription('active', { canceled_at: CREATED })),
        RECEIVED,
      ),
    ).toMatchObject({ report: { endedAt: null } });
  });
});

function paddleEvent(
  eventType: string,
  data: PaddleNotification['data'],
  occurredAt = '2026-01-10T12:00:00.000Z',
): PaddleNotification {
  return { event_id: 'evt_01', event_type: eventType, occurred_at: occurredAt, data };
}

describe('readPaddleEvent', () => {
  const PADDLE_RECEIVED = new Date('2026-01-10T12:00:05Z');
  const sub = (status: string, extra: Record<string, unknown> = {}) => ({
    id: 'sub_01',
    customer_id: 'ctm_A',
    status,
    ...extra,
  });
  it.each<[string, PaddleNotification, Expected]>([
    [
      'subscription.updated reports the status (recovery from past_due)',
      paddleEvent('subscription.updated', sub('active')),
      {
        kind: 'report',
        externalCustomerId: 'ctm_A',
        report: {
          subscriptionId: 'sub_01',
          status: 'active',
          source: 'subscription',
          reason: 'Paddle: subscription sub_01 is active',
        },
      },
    ],
    [
      'subscription.past_due reports past_due',
      paddleEvent('subscription.past_due', sub('past_due')),
      { report: { status: 'past_due', reason: 'Paddle: subscription sub_01 is past due' } },
    ],
    [
      'subscription.paused reports paused',
      paddleEvent('subscription.paused', sub('paused')),
      { report: { status: 'paused' } },
    ],
    [
      'subscription.canceled ends at canceled_at',
      paddleEvent('subscription.canceled', sub('canceled', { canceled_at: '2026-01-09T08:00:00Z' })),
      {
        report: {
          status: 'canceled',
          endedAt: new Date('2026-01-09T08:00:00Z'),
          reason: 'Paddle: subscription sub_01 canceled',
        },
      },
    ],
    [
      'without canceled_at, when it occurred',
      paddleEvent('subscription.canceled', sub('canceled', { canceled_at: null })),
      { report: { endedAt: new Date('2026-01-10T12:00:00.000Z') } },
    ],
    [
      'a canceled notification without a status still ends it',
      paddleEvent('subscription.canceled', { id: 'sub_01', customer_id: 'ctm_A' }),
      { report: { status: 'canceled' } },
    ],
    [
      'a failed payment of a subscription hints past_due',
      paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: 'ctm_A', subscription_id: 'sub_01' }),
      {
        kind: 'report',
        report: {
          subscriptionId: 'sub_01',
          status: 'past_due',
          source: 'payment',
          reason: 'Paddle: payment failed for transaction txn_01',
        },
      },
    ],
    [
      'a completed transaction of a subscription hints active',
      paddleEvent('transaction.completed', { id: 'txn_01', customer_id: 'ctm_A', subscription_id: 'sub_01' }),
      { kind: 'report', report: { status: 'active', source: 'payment' } },
    ],
    [
      'a declined card on a one-off purchase is no news about a subscription',
      paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: 'ctm_A', subscription_id: null }),
      { kind: 'ignore', outcome: 'ignored_no_subscription', externalCustomerId: 'ctm_A' },
    ],
    [
      'a transaction without a customer names none',
      paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: null, subscription_id: 'sub_01' }),
      { kind: 'report', externalCustomerId: null },
    ],
    [
      'any other event type is not used',
      paddleEvent('customer.updated', { id: 'ctm_A' }),
      {
        kind: 'ignore',
        outcome: 'ignored_event_type',
        externalCustomerId: null,
        reason: 'Paddle event type customer.updated is not used',
      },
    ],
  ])('%s', (_name, event, expected) => {
    expect(readPaddleEvent(event, PADDLE_RECEIVED)).toMatchObject(expected);
  });

  it('reads occurred_at as Paddle writes it, with microseconds (kept to the millisecond)', () => {
    expect(
      readPaddleEvent(
        paddleEvent('subscription.past_due', sub('past_due'), '2026-01-10T12:00:00.621022Z'),
        PADDLE_RECEIVED,
      ),
    ).toMatchObject({
      occurredAt: new Date('2026-01-10T12:00:00.621Z'),
      report: { reportedAt: new Date('2026-01-10T12:00:00.621Z') },
    });
  });

  it('dates a notification whose occurred_at is not a time by its arrival', () => {
    expect(
      readPaddleEvent(paddleEvent('subscription.past_due', sub('past_due'), 'yesterday'), PADDLE_RECEIVED),
    ).toMatchObject({
      occurredAt: null,
      report: { reportedAt: PADDLE_RECEIVED },
    });
  });
});
