import type Stripe from 'stripe';
import { BillingAction, PaddleNotification, paddleAction, stripeAction } from './billing-actions';
import { CustomerStatus } from '../customers/customer-status';

/**
 * Who a reactivation may lift, written out here rather than imported: a paid invoice ends only a
 * payment suspension; a subscription that is active (again) also restores a customer whose previous
 * subscription ended.
 */
const ONLY_SUSPENDED: CustomerStatus[] = ['suspended'];
const SUSPENDED_FROZEN_OR_EXPIRED: CustomerStatus[] = ['suspended', 'frozen', 'expired'];

const CREATED = 1_767_000_000;

function stripeEvent(type: string, object: Record<string, unknown>): Stripe.Event {
  return { id: 'evt_1', object: 'event', type, created: CREATED, data: { object } } as unknown as Stripe.Event;
}

const invoice = (extra: Record<string, unknown> = {}) => ({ id: 'in_1', object: 'invoice', customer: 'cus_A', number: 'INV-0042', attempt_count: 2, ...extra });
const subscription = (status: string, extra: Record<string, unknown> = {}) => ({ id: 'sub_1', object: 'subscription', customer: 'cus_A', status, ...extra });

describe('stripeAction', () => {
  it.each<[string, Stripe.Event, Partial<BillingAction>]>([
    ['a failed invoice payment suspends', stripeEvent('invoice.payment_failed', invoice()),
      { kind: 'suspend', externalCustomerId: 'cus_A', reason: 'Stripe: payment failed for invoice INV-0042 (attempt 2)' }],
    ['a paid invoice lifts only a suspension', stripeEvent('invoice.paid', invoice()),
      { kind: 'reactivate', externalCustomerId: 'cus_A', reason: 'Stripe: invoice INV-0042 paid', from: ONLY_SUSPENDED }],
    ['a past_due subscription suspends', stripeEvent('customer.subscription.updated', subscription('past_due')),
      { kind: 'suspend', externalCustomerId: 'cus_A', reason: 'Stripe: subscription sub_1 is past_due' }],
    ['an unpaid subscription suspends', stripeEvent('customer.subscription.updated', subscription('unpaid')),
      { kind: 'suspend', externalCustomerId: 'cus_A' }],
    ['an active subscription restores access', stripeEvent('customer.subscription.updated', subscription('active')),
      { kind: 'reactivate', externalCustomerId: 'cus_A', from: SUSPENDED_FROZEN_OR_EXPIRED }],
    ['a new active subscription restores access', stripeEvent('customer.subscription.created', subscription('active')),
      { kind: 'reactivate', externalCustomerId: 'cus_A', from: SUSPENDED_FROZEN_OR_EXPIRED }],
    ['a trialing subscription changes nothing', stripeEvent('customer.subscription.updated', subscription('trialing')),
      { kind: 'ignore', externalCustomerId: 'cus_A' }],
    ['a paused subscription changes nothing', stripeEvent('customer.subscription.updated', subscription('paused')),
      { kind: 'ignore' }],
    ['a deleted subscription ends at ended_at', stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: CREATED - 3600, canceled_at: CREATED - 7200 })),
      { kind: 'end_subscription', externalCustomerId: 'cus_A', endedAt: new Date((CREATED - 3600) * 1000), reason: 'Stripe: subscription sub_1 ended' }],
    ['without ended_at, at canceled_at', stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: null, canceled_at: CREATED - 7200 })),
      { kind: 'end_subscription', endedAt: new Date((CREATED - 7200) * 1000) }],
    ['without either, when the event was created', stripeEvent('customer.subscription.deleted', subscription('canceled')),
      { kind: 'end_subscription', endedAt: new Date(CREATED * 1000) }],
    ['an expanded customer object is matched by its id', stripeEvent('invoice.payment_failed', invoice({ customer: { id: 'cus_B', object: 'customer' } })),
      { kind: 'suspend', externalCustomerId: 'cus_B' }],
    ['an invoice without a customer names none', stripeEvent('invoice.payment_failed', invoice({ customer: null })),
      { kind: 'suspend', externalCustomerId: null }],
    ['an invoice without a number is named by its id', stripeEvent('invoice.payment_failed', invoice({ number: null, attempt_count: 0 })),
      { reason: 'Stripe: payment failed for invoice in_1' }],
    ['any other event type is ignored', stripeEvent('charge.succeeded', { id: 'ch_1', customer: 'cus_A' }),
      { kind: 'ignore', externalCustomerId: null, reason: 'Stripe event type charge.succeeded is not used' }],
  ])('%s', (_name, event, expected) => {
    expect(stripeAction(event)).toMatchObject(expected);
  });

  it.each([
    stripeEvent('invoice.payment_failed', invoice()),
    stripeEvent('invoice.paid', invoice()),
    stripeEvent('customer.subscription.updated', subscription('past_due')),
    stripeEvent('customer.subscription.created', subscription('active')),
    stripeEvent('customer.subscription.updated', subscription('trialing')),
    stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: CREATED - 3600 })),
    stripeEvent('charge.succeeded', { id: 'ch_1', customer: 'cus_A' }),
  ])('carries the time the $type event was created, which orders late deliveries', (event) => {
    expect(stripeAction(event).occurredAt).toEqual(new Date(CREATED * 1000));
  });

  it('has no event time when the event states none', () => {
    const event = { ...stripeEvent('invoice.payment_failed', invoice()), created: undefined } as unknown as Stripe.Event;
    expect(stripeAction(event)).toMatchObject({ kind: 'suspend', occurredAt: null });
  });
});

function paddleEvent(eventType: string, data: PaddleNotification['data'], occurredAt = '2026-01-10T12:00:00.000Z'): PaddleNotification {
  return { event_id: 'evt_01', event_type: eventType, occurred_at: occurredAt, data };
}

describe('paddleAction', () => {
  const subscriptionData = { id: 'sub_01', customer_id: 'ctm_A' };
  it.each<[string, PaddleNotification, Partial<BillingAction>]>([
    ['a past-due subscription suspends', paddleEvent('subscription.past_due', subscriptionData),
      { kind: 'suspend', externalCustomerId: 'ctm_A', reason: 'Paddle: subscription sub_01 is past due' }],
    ['a failed transaction payment suspends', paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: 'ctm_A' }),
      { kind: 'suspend', externalCustomerId: 'ctm_A', reason: 'Paddle: payment failed for transaction txn_01' }],
    ['an activated subscription restores access', paddleEvent('subscription.activated', subscriptionData),
      { kind: 'reactivate', externalCustomerId: 'ctm_A', from: SUSPENDED_FROZEN_OR_EXPIRED, reason: 'Paddle: subscription sub_01 activated' }],
    ['a resumed subscription restores access', paddleEvent('subscription.resumed', subscriptionData),
      { kind: 'reactivate', externalCustomerId: 'ctm_A', from: SUSPENDED_FROZEN_OR_EXPIRED, reason: 'Paddle: subscription sub_01 resumed' }],
    ['a canceled subscription ends at canceled_at', paddleEvent('subscription.canceled', { ...subscriptionData, canceled_at: '2026-01-09T08:00:00Z' }),
      { kind: 'end_subscription', externalCustomerId: 'ctm_A', endedAt: new Date('2026-01-09T08:00:00Z') }],
    ['without canceled_at, when it occurred', paddleEvent('subscription.canceled', { ...subscriptionData, canceled_at: null }),
      { kind: 'end_subscription', endedAt: new Date('2026-01-10T12:00:00.000Z') }],
    ['a transaction without a customer names none', paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: null }),
      { kind: 'suspend', externalCustomerId: null }],
    ['any other event type is ignored', paddleEvent('transaction.completed', { id: 'txn_01', customer_id: 'ctm_A' }),
      { kind: 'ignore', externalCustomerId: null, reason: 'Paddle event type transaction.completed is not used' }],
  ])('%s', (_name, event, expected) => {
    expect(paddleAction(event)).toMatchObject(expected);
  });

  it('has no end time when the notification states none', () => {
    const action = paddleAction({ event_id: 'evt_01', event_type: 'subscription.canceled', data: { id: 'sub_01', customer_id: 'ctm_A' } });
    expect(action).toMatchObject({ kind: 'end_subscription', endedAt: null, occurredAt: null });
  });

  it.each([
    paddleEvent('subscription.past_due', subscriptionData),
    paddleEvent('transaction.payment_failed', { id: 'txn_01', customer_id: 'ctm_A' }),
    paddleEvent('subscription.activated', subscriptionData),
    paddleEvent('subscription.canceled', { ...subscriptionData, canceled_at: '2026-01-09T08:00:00Z' }),
    paddleEvent('transaction.completed', { id: 'txn_01', customer_id: 'ctm_A' }),
  ])('carries the time the $event_type event occurred, which orders late deliveries', (event) => {
    expect(paddleAction(event).occurredAt).toEqual(new Date('2026-01-10T12:00:00.000Z'));
  });

  it('reads occurred_at as Paddle writes it, with microseconds (kept to the millisecond)', () => {
    const action = paddleAction(paddleEvent('subscription.past_due', subscriptionData, '2026-01-10T12:00:00.621022Z'));
    expect(action.occurredAt).toEqual(new Date('2026-01-10T12:00:00.621Z'));
  });

  it('has no event time when occurred_at is not a time', () => {
    expect(paddleAction(paddleEvent('subscription.past_due', subscriptionData, 'yesterday')).occurredAt).toBeNull();
  });
});


describe('which customers a billing event restores', () => {
  const restores = (action: BillingAction, status: CustomerStatus) => action.kind === 'reactivate' && action.from.includes(status);
  const events: Array<[string, BillingAction]> = [
    ['Stripe invoice.paid', stripeAction(stripeEvent('invoice.paid', invoice()))],
    ['Stripe subscription active', stripeAction(stripeEvent('customer.subscription.updated', subscription('active')))],
    ['Paddle subscription.activated', paddleAction(paddleEvent('subscription.activated', { id: 'sub_01', customer_id: 'ctm_A' }))],
    ['Paddle subscription.resumed', paddleAction(paddleEvent('subscription.resumed', { id: 'sub_01', customer_id: 'ctm_A' }))],
  ];
  const expected: Record<string, Record<CustomerStatus, boolean>> = {
    'Stripe invoice.paid': { active: false, suspended: true, frozen: false, expired: false },
    'Stripe subscription active': { active: false, suspended: true, frozen: true, expired: true },
    'Paddle subscription.activated': { active: false, suspended: true, frozen: true, expired: true },
    'Paddle subscription.resumed': { active: false, suspended: true, frozen: true, expired: true },
  };

  it.each(events.flatMap(([name, action]) => (['active', 'suspended', 'frozen', 'expired'] as const).map((status) => [name, status, action] as const)))(
    '%s restores a %s customer as the table says',
    (name, status, action) => {
      expect(restores(action, status)).toBe(expected[name][status]);
    },
  );
});

describe('event fields that are missing or unusable', () => {
  it.each<[string, Stripe.Event, Partial<BillingAction>]>([
    ['an empty customer id names none', stripeEvent('invoice.paid', invoice({ customer: '' })), { externalCustomerId: null }],
    ['a customer object without a string id names none', stripeEvent('invoice.paid', invoice({ customer: { id: 42 } })), { externalCustomerId: null }],
    ['a missing customer names none', stripeEvent('customer.subscription.updated', subscription('active', { customer: undefined })), { externalCustomerId: null }],
    ['an ended_at of 0 is no time: canceled_at counts', stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: 0, canceled_at: CREATED - 60 })),
      { endedAt: new Date((CREATED - 60) * 1000) }],
    ['a negative ended_at is no time', stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: -5, canceled_at: null })),
      { endedAt: new Date(CREATED * 1000) }],
    ['a non-numeric ended_at is no time', stripeEvent('customer.subscription.deleted', subscription('canceled', { ended_at: '1767000000', canceled_at: null })),
      { endedAt: new Date(CREATED * 1000) }],
    ['an attempt count of 1 is named', stripeEvent('invoice.payment_failed', invoice({ attempt_count: 1 })),
      { reason: 'Stripe: payment failed for invoice INV-0042 (attempt 1)' }],
    ['an active subscription names its status in the reason', stripeEvent('customer.subscription.created', subscription('active')),
      { reason: 'Stripe: subscription sub_1 is active' }],
    ['an ignored subscription says it changes nothing', stripeEvent('customer.subscription.updated', subscription('incomplete')),
      { kind: 'ignore', reason: 'Stripe: subscription sub_1 is incomplete: no change to access' }],
    ['a deleted subscription names the customer', stripeEvent('customer.subscription.deleted', subscription('canceled')), { externalCustomerId: 'cus_A' }],
  ])('Stripe: %s', (_name, event, expected) => {
    expect(stripeAction(event)).toMatchObject(expected);
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['infinite', Infinity],
    ['not a number', NaN],
  ])('Stripe: an event created at a %s time has no event time', (_label, created) => {
    const event = { ...stripeEvent('invoice.paid', invoice()), created } as unknown as Stripe.Event;
    expect(stripeAction(event).occurredAt).toBeNull();
  });

  it.each<[string, PaddleNotification, Partial<BillingAction>]>([
    ['an empty customer id names none', paddleEvent('subscription.past_due', { id: 'sub_01', customer_id: '' }), { externalCustomerId: null }],
    ['a customer id that is not a string names none', paddleEvent('subscription.past_due', { id: 'sub_01', customer_id: 42 as unknown as string }), { externalCustomerId: null }],
    ['a notification without an entity id names it unknown', paddleEvent('subscription.past_due', { customer_id: 'ctm_A' }),
      { reason: 'Paddle: subscription unknown is past due' }],
    ['an unreadable canceled_at falls back to when it occurred', paddleEvent('subscription.canceled', { id: 'sub_01', customer_id: 'ctm_A', canceled_at: 'soon' }),
      { endedAt: new Date('2026-01-10T12:00:00.000Z') }],
    ['a canceled subscription names itself', paddleEvent('subscription.canceled', { id: 'sub_01', customer_id: 'ctm_A' }),
      { reason: 'Paddle: subscription sub_01 canceled' }],
  ])('Paddle: %s', (_name, event, expected) => {
    expect(paddleAction(event)).toMatchObject(expected);
  });
});
