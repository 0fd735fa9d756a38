import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { TestApp } from './test-app';

export const STRIPE_SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';
export const PADDLE_SECRET = 'pdl_ntfset_01test_0123456789abcdefghijklmnop';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const suffix = () => randomBytes(9).toString('hex');

/** A customer linked to the billing system through external_id, with grants, as a vendor's sign-up hook would create it. */
export async function createBillingCustomer(
  t: TestApp,
  externalId: string,
  grants: Record<string, string> = {},
  onExpiry: 'freeze' | 'expire' = 'freeze',
): Promise<{ id: string; token: string }> {
  const res = await t.admin
    .post('/api/v1/customers', {
      name: `Customer ${externalId}`,
      email: 'billing@acme.test',
      external_id: externalId,
      on_expiry: onExpiry,
    })
    .expect(201);
  for (const [pkg, constraint] of Object.entries(grants)) {
    await t.admin.post(`/api/v1/customers/${res.body.id}/packages`, { package: pkg, constraint }).expect(201);
  }
  return { id: res.body.id, token: res.body.token };
}

export async function statusChanges(
  t: TestApp,
  customerId: string,
): Promise<
  Array<{
    actor: string;
    provider_event_id: string | null;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }>
> {
  const res = await t.admin.get(`/api/v1/customers/${customerId}/events?limit=200`).expect(200);
  return res.body.data.filter((event: { type: string }) => event.type === 'customer.status_changed');
}

// ---- Stripe ----

export interface StripeEventInput {
  id?: string;
  created?: number;
}

/** A Stripe event envelope as Stripe sends it (API version 2025-xx), around `object`. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  input: StripeEventInput = {},
): Record<string, unknown> {
  return {
    id: input.id ?? `evt_${suffix()}`,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: input.created ?? nowSeconds(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** The subscription an invoice bills unless `subscription` says otherwise: one per customer, like a plain monthly plan. */
export const stripeSubscriptionIdOf = (customer: string) => `sub_${customer}`;

/** An invoice of a subscription (as API 2025-03-31 and later shapes it); `subscription: null` makes it a one-off invoice. */
export function stripeInvoice(customer: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { subscription = stripeSubscriptionIdOf(customer), ...rest } = extra as { subscription?: string | null };
  return {
    id: `in_${suffix()}`,
    object: 'invoice',
    customer,
    parent: subscription
      ? { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription } }
      : null,
    number: `ACME-${Math.floor(Math.random() * 9000) + 1000}`,
    status: 'open',
    attempt_count: 1,
    amount_due: 4900,
    currency: 'eur',
    billing_reason: subscription ? 'subscription_cycle' : 'manual',
    ...rest,
  };
}

export function stripeSubscription(
  customer: string,
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: `sub_${suffix()}`,
    object: 'subscription',
    customer,
    status,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    created: nowSeconds() - 86400 * 30,
    ...extra,
  };
}

export interface StripeSigning {
  secret?: string;
  /** Seconds since the epoch the signature claims; default now. */
  timestamp?: number;
  /** Sign this text instead of the body sent. */
  signedPayload?: string;
}

/** POSTs the exact bytes Stripe would, signed with Stripe's own test helper. */
export function deliverStripe(
  t: TestApp,
  event: Record<string, unknown> | string,
  signing: StripeSigning = {},
): request.Test {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: signing.signedPayload ?? payload,
    secret: signing.secret ?? STRIPE_SECRET,
    timestamp: signing.timestamp ?? nowSeconds(),
  });
  return t
    .http()
    .post('/webhooks/stripe')
    .set('Content-Type', 'application/json; charset=utf-8')
    .set('Stripe-Signature', header)
    .send(payload);
}

// ---- Paddle Billing ----

export function paddleSubscription(
  customerId: string,
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: `sub_01${suffix()}`,
    status,
    customer_id: customerId,
    address_id: `add_01${suffix()}`,
    business_id: null,
    currency_code: 'EUR',
    created_at: now,
    updated_at: now,
    started_at: now,
    first_billed_at: now,
    next_billed_at: null,
    paused_at: null,
    canceled_at: null,
    discount: null,
    collection_mode: 'automatic',
    billing_details: null,
    current_billing_period: null,
    billing_cycle: { interval: 'month', frequency: 1 },
    scheduled_change: null,
    items: [],
    custom_data: null,
    import_meta: null,
    ...extra,
  };
}

/** The subscription a transaction bills unless `subscription_id` says otherwise: one per customer. */
export const paddleSubscriptionIdOf = (customerId: string) => `sub_01${customerId.replace(/^ctm_01/, '')}`;

/** A subscription's renewal transaction; `subscription_id: null` makes it a one-off purchase. */
export function paddleTransaction(
  customerId: string | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: `txn_01${suffix()}`,
    status: 'past_due',
    customer_id: customerId,
    address_id: null,
    business_id: null,
    custom_data: null,
    currency_code: 'EUR',
    origin: 'subscription_recurring',
    subscription_id: customerId ? paddleSubscriptionIdOf(customerId) : null,
    invoice_id: null,
    invoice_number: null,
    collection_mode: 'automatic',
    discount_id: null,
    billing_details: null,
    billing_period: null,
    items: [],
    details: null,
    payments: [{ status: 'error', error_code: 'declined', created_at: now }],
    checkout: null,
    created_at: now,
    updated_at: now,
    billed_at: now,
    ...extra,
  };
}

export function paddleEvent(
  eventType: string,
  data: Record<string, unknown>,
  input: { id?: string; occurredAt?: string } = {},
): Record<string, unknown> {
  return {
    event_id: input.id ?? `evt_01${suffix()}`,
    event_type: eventType,
    occurred_at: input.occurredAt ?? new Date().toISOString(),
    notification_id: `ntf_01${suffix()}`,
    data,
  };
}

/** Paddle's documented scheme (its SDK verifies but has no signer): ts=<unix seconds>;h1=HMAC-SHA256(secret, "ts:rawBody"). */
export function paddleSignature(secret: string, body: string, timestamp = nowSeconds()): string {
  const h1 = createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
  return `ts=${timestamp};h1=${h1}`;
}

export function deliverPaddle(
  t: TestApp,
  event: Record<string, unknown> | string,
  signing: { secret?: string; timestamp?: number; header?: string } = {},
): request.Test {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const header = signing.header ?? paddleSignature(signing.secret ?? PADDLE_SECRET, body, signing.timestamp);
  return t
    .http()
    .post('/webhooks/paddle')
    .set('Content-Type', 'application/json')
    .set('Paddle-Signature', header)
    .send(body);
}
