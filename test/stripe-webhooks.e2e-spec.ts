import { DataSource } from 'typeorm';
import { basicAuth, publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverStripe,
  STRIPE_SECRET,
  statusChanges,
  stripeEvent,
  stripeInvoice,
  stripeSubscription,
  stripeSubscriptionIdOf,
} from './helpers/billing';
import { createTestApp, TestApp } from './helpers/test-app';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const HOUR = 3600;

describe('Stripe webhooks', () => {
  let t: TestApp;
  let externalId: string;
  let customerId: string;
  let sequence = 0;

  const customer = async () => (await t.admin.get(`/api/v1/customers/${customerId}`).expect(200)).body;
  const setStatus = (action: 'suspend' | 'expire' | 'reactivate') =>
    t.admin.post(`/api/v1/customers/${customerId}/${action}`, {}).expect(200);
  const recorded = (eventId: string) =>
    t.app
      .get(DataSource)
      .query(`SELECT * FROM "webhook_events" WHERE "provider" = 'stripe' AND "event_id" = $1`, [eventId]);

  beforeAll(async () => {
    t = await createTestApp({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    sequence += 1;
    externalId = `cus_Stripe${sequence}`;
    customerId = (await createBillingCustomer(t, externalId)).id;
  });

  describe('follows the subscription', () => {
    it('suspends on invoice.payment_failed (no grace period by default), with the reason, stripe as the actor and the event id in history', async () => {
      const invoice = stripeInvoice(externalId, { number: 'ACME-0042', attempt_count: 3 });
      const event = stripeEvent('invoice.payment_failed', invoice);
      const res = await deliverStripe(t, event).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });
      expect(await customer()).toMatchObject({
        status: 'suspended',
        status_reason: 'Stripe: payment failed for invoice ACME-0042 (attempt 3)',
        billing: {
          decision_in_force: 'billing',
          status: 'suspended',
          reason: 'Stripe: payment failed for invoice ACME-0042 (attempt 3)',
        },
      });
      const changes = await statusChanges(t, customerId);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({
        actor: 'stripe',
        provider_event_id: event.id,
        before: { status: 'active' },
        after: { status: 'suspended' },
      });
    });

    it('reactivates on invoice.paid after a failure', async () => {
      await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice(externalId))).expect(200);
      const res = await deliverStripe(
        t,
        stripeEvent('invoice.paid', stripeInvoice(externalId, { status: 'paid' })),
      ).expect(200);
      expect(res.body.outcome).toBe('applied');
      expect((await customer()).status).toBe('active');
      expect((await statusChanges(t, customerId)).map((c) => c.actor)).toEqual(['stripe', 'stripe']);
    });

    it('leaves an active customer untouched on invoice.paid', async () => {
      const res = await deliverStripe(t, stripeEvent('invoice.paid', stripeInvoice(externalId))).expect(200);
      expect(res.body.outcome).toBe('unchanged');
      expect(await statusChanges(t, customerId)).toHaveLength(0);
    });

    it('does not suspend for a failed one-off invoice (no subscription)', async () => {
      const res = await deliverStripe(
        t,
        stripeEvent('invoice.payment_failed', stripeInvoice(externalId, { subscription: null })),
      ).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'ignored_no_subscription' });
      expect((await customer()).status).toBe('active');
    });

    it.each([
      ['past_due', 'suspended'],
      ['unpaid', 'suspended'],
      ['paused', 'suspended'],
      ['trialing', 'active'],
      ['active', 'active'],
    ])('customer.subscription.updated with status %s makes the customer %s', async (status, expected) => {
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.updated', stripeSubscription(externalId, status)),
      ).expect(200);
      expect(await customer()).toMatchObject({ status: expected, billing: { status: expected } });
    });

    it('changes nothing for an incomplete subscription (a checkout still in progress)', async () => {
      const res = await deliverStripe(
        t,
        stripeEvent('customer.subscription.created', stripeSubscription(externalId, 'incomplete')),
      ).expect(200);
      expect(res.body.outcome).toBe('unchanged');
      expect(await customer()).toMatchObject({
        status: 'active',
        billing: { decision_in_force: 'none', status: null },
      });
    });

    it('restores a customer whose subscription ended when they subscribe again (a new subscription, active)', async () => {
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.deleted', stripeSubscription(externalId, 'canceled')),
      ).expect(200);
      expect((await customer()).status).toBe('frozen');
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.created', stripeSubscription(externalId, 'active')),
      ).expect(200, { received: true, outcome: 'applied' });
      expect((await customer()).status).toBe('active');
    });

    it('does not restore a customer whose subscription ended when its last open invoice is paid', async () => {
      const subscription = stripeSubscriptionIdOf(externalId);
      const ended = stripeSubscription(externalId, 'canceled', { id: subscription });
      await deliverStripe(t, stripeEvent('customer.subscription.deleted', ended)).expect(200);
      await deliverStripe(
        t,
        stripeEvent('invoice.paid', stripeInvoice(externalId, { subscription }), {
          created: Math.floor(Date.now() / 1000) + 60,
        }),
      ).expect(200, {
        received: true,
        outcome: 'ignored_out_of_order',
      });
      expect((await customer()).status).toBe('frozen');
    });

    it('answers 200 and records unchanged when the status rules refuse the transition (billing expired them; another subscription is unpaid)', async () => {
      const { id } = await createBillingCustomer(t, `${externalId}_x`, {}, 'expire');
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.deleted', stripeSubscription(`${externalId}_x`, 'canceled')),
      ).expect(200);
      const event = stripeEvent('customer.subscription.updated', stripeSubscription(`${externalId}_x`, 'unpaid'));
      const res = await deliverStripe(t, event).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'unchanged' });
      expect((await t.admin.get(`/api/v1/customers/${id}`)).body).toMatchObject({
        status: 'expired',
        billing: { status: 'suspended' },
      });
      expect(await recorded(event.id as string)).toEqual([
        expect.objectContaining({ outcome: 'unchanged', customer_id: id, billing_status: 'suspended' }),
      ]);
      await deliverStripe(t, event).expect(200, { received: true, replay: true });
    });
  });

  describe('customer.subscription.deleted', () => {
    it('freezes an on_expiry=freeze customer to the versions released before ended_at', async () => {
      const now = new Date();
      await publish(t, 'acme/sdk', '1.0.0', { releasedAt: new Date(now.getTime() - 48 * HOUR * 1000).toISOString() });
      await publish(t, 'acme/sdk', '1.1.0', { releasedAt: new Date(now.getTime() - 3 * HOUR * 1000).toISOString() });
      await publish(t, 'acme/sdk', '1.2.0', { releasedAt: new Date(now.getTime() - 1 * HOUR * 1000).toISOString() });
      const { id, token } = await createBillingCustomer(t, 'cus_FreezeMe', { 'acme/sdk': '^1.0' }, 'freeze');
      const subscription = stripeSubscription('cus_FreezeMe', 'canceled', {
        canceled_at: seconds(now) - 4 * HOUR,
        ended_at: seconds(now) - 2 * HOUR,
      });
      const res = await deliverStripe(t, stripeEvent('customer.subscription.deleted', subscription)).expect(200);
      expect(res.body.outcome).toBe('applied');
      expect((await t.admin.get(`/api/v1/customers/${id}`)).body).toMatchObject({
        status: 'frozen',
        status_reason: expect.stringContaining('ended'),
      });
      const metadata = await t.http().get('/p2/acme/sdk.json').set('Authorization', basicAuth(token)).expect(200);
      expect(metadata.body.packages['acme/sdk'].map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    });

    it('never dates the end later than now (an ended_at in the future is the time of receipt)', async () => {
      await publish(t, 'acme/sdk', '1.0.0', { releasedAt: new Date(Date.now() - HOUR * 1000).toISOString() });
      await publish(t, 'acme/sdk', '1.5.0', { releasedAt: new Date(Date.now() + HOUR * 1000).toISOString() });
      const { token } = await createBillingCustomer(t, 'cus_Future', { 'acme/sdk': '*' }, 'freeze');
      const subscription = stripeSubscription('cus_Future', 'canceled', { ended_at: seconds(new Date()) + 24 * HOUR });
      await deliverStripe(t, stripeEvent('customer.subscription.deleted', subscription)).expect(200);
      const metadata = await t.http().get('/p2/acme/sdk.json').set('Authorization', basicAuth(token)).expect(200);
      expect(metadata.body.packages['acme/sdk'].map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
    });

    it('expires an on_expiry=expire customer', async () => {
      const { id } = await createBillingCustomer(t, 'cus_ExpireMe', {}, 'expire');
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.deleted', stripeSubscription('cus_ExpireMe', 'canceled')),
      ).expect(200);
      expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('expired');
      expect((await statusChanges(t, id))[0]).toMatchObject({ actor: 'stripe', after: { status: 'expired' } });
    });

    it('ends the subscription of a customer suspended for a failed payment too', async () => {
      const subscription = stripeSubscriptionIdOf(externalId);
      await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice(externalId))).expect(200);
      expect((await customer()).status).toBe('suspended');
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.deleted', stripeSubscription(externalId, 'canceled', { id: subscription })),
      ).expect(200);
      expect((await customer()).status).toBe('frozen');
    });
  });

  describe('applies each event once', () => {
    it('answers a replay with 200 and changes nothing, even after an admin changed the status since', async () => {
      const event = stripeEvent('invoice.payment_failed', stripeInvoice(externalId));
      await deliverStripe(t, event).expect(200, { received: true, outcome: 'applied' });
      await setStatus('reactivate');
      const replay = await deliverStripe(t, event).expect(200);
      expect(replay.body).toEqual({ received: true, replay: true });
      expect((await customer()).status).toBe('active');
      expect((await statusChanges(t, customerId)).map((c) => c.actor)).toEqual(['admin', 'stripe']);
    });

    it('applies concurrent deliveries of one event exactly once', async () => {
      const event = stripeEvent('invoice.payment_failed', stripeInvoice(externalId));
      const responses = await Promise.all(Array.from({ length: 5 }, () => deliverStripe(t, event)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(responses.filter((r) => r.body.replay === true)).toHaveLength(4);
      expect(responses.filter((r) => r.body.outcome === 'applied')).toHaveLength(1);
      const changes = await statusChanges(t, customerId);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ actor: 'stripe', after: { status: 'suspended' } });
      expect(await recorded(event.id as string)).toHaveLength(1);
    });

    it('records what each event did', async () => {
      const applied = stripeEvent('invoice.payment_failed', stripeInvoice(externalId));
      const unknown = stripeEvent('invoice.payment_failed', stripeInvoice('cus_Nobody'));
      const ignored = stripeEvent('charge.succeeded', { id: 'ch_1', object: 'charge', customer: externalId });
      for (const event of [applied, unknown, ignored]) await deliverStripe(t, event).expect(200);
      expect(await recorded(applied.id as string)).toEqual([
        expect.objectContaining({
          type: 'invoice.payment_failed',
          outcome: 'applied',
          customer_id: customerId,
          external_customer_id: externalId,
        }),
      ]);
      expect(await recorded(unknown.id as string)).toEqual([
        expect.objectContaining({
          outcome: 'kept_unknown_customer',
          customer_id: null,
          external_customer_id: 'cus_Nobody',
        }),
      ]);
      expect(await recorded(ignored.id as string)).toEqual([
        expect.objectContaining({ type: 'charge.succeeded', outcome: 'ignored_event_type' }),
      ]);
    });
  });

  describe('applies events in the order Stripe created them, not in the order they arrive', () => {
    const base = () => Math.floor(Date.now() / 1000) - HOUR;

    it('ignores a payment failure older than a payment already received (a late delivery does not re-suspend)', async () => {
      const t0 = base();
      await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice(externalId), { created: t0 })).expect(
        200,
        { received: true, outcome: 'applied' },
      );
      const paid = stripeEvent('invoice.paid', stripeInvoice(externalId, { status: 'paid' }), { created: t0 + 120 });
      await deliverStripe(t, paid).expect(200, { received: true, outcome: 'applied' });
      expect((await customer()).status).toBe('active');

      const late = stripeEvent('invoice.payment_failed', stripeInvoice(externalId, { attempt_count: 2 }), {
        created: t0 + 60,
      });
      await deliverStripe(t, late).expect(200, { received: true, outcome: 'ignored_out_of_order' });
      expect((await customer()).status).toBe('active');
      expect((await statusChanges(t, customerId)).map((c) => c.after.status)).toEqual(['active', 'suspended']);
      expect(await recorded(late.id as string)).toEqual([
        expect.objectContaining({
          outcome: 'ignored_out_of_order',
          customer_id: customerId,
          occurred_at: new Date((t0 + 60) * 1000),
        }),
      ]);
      expect(await recorded(paid.id as string)).toEqual([
        expect.objectContaining({ outcome: 'applied', occurred_at: new Date((t0 + 120) * 1000) }),
      ]);
      // Still recorded once: a redelivery of the late event is a replay.
      await deliverStripe(t, late).expect(200, { received: true, replay: true });
    });

    it("orders each customer's events on their own: a newer event for another customer holds nothing back", async () => {
      const t0 = base();
      await createBillingCustomer(t, `${externalId}_other`);
      await deliverStripe(
        t,
        stripeEvent('invoice.paid', stripeInvoice(`${externalId}_other`), { created: t0 + 60 }),
      ).expect(200);
      await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice(externalId), { created: t0 })).expect(
        200,
        { received: true, outcome: 'applied' },
      );
      expect((await customer()).status).toBe('suspended');
    });
  });

  describe('ignores what is not for Packyard', () => {
    it('answers 200 for an unknown customer, keeps the event and changes nothing', async () => {
      const res = await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_Unknown'))).expect(
        200,
      );
      expect(res.body).toEqual({ received: true, outcome: 'kept_unknown_customer' });
      expect((await customer()).status).toBe('active');
    });

    it('answers 200 for an invoice without a customer', async () => {
      const res = await deliverStripe(
        t,
        stripeEvent('invoice.payment_failed', stripeInvoice(externalId, { customer: null })),
      ).expect(200);
      expect(res.body.outcome).toBe('ignored_unknown_customer');
    });

    it('answers 200 for an event type it does not use and changes nothing', async () => {
      const res = await deliverStripe(
        t,
        stripeEvent('customer.updated', { id: externalId, object: 'customer', delinquent: true }),
      ).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'ignored_event_type' });
      expect(await statusChanges(t, customerId)).toHaveLength(0);
    });
  });

  describe('refuses what Stripe did not sign', () => {
    const paymentFailed = () => stripeEvent('invoice.payment_failed', stripeInvoice(externalId));

    async function expectNothingRecorded(event: Record<string, unknown>) {
      expect((await customer()).status).toBe('active');
      expect(await recorded(event.id as string)).toEqual([]);
      // Refused deliveries leave no trace: the genuine delivery still applies.
      await deliverStripe(t, event).expect(200, { received: true, outcome: 'applied' });
    }

    it('refuses a signature made with another secret', async () => {
      const event = paymentFailed();
      const res = await deliverStripe(t, event, { secret: 'whsec_someone_else' }).expect(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_signature' });
      await expectNothingRecorded(event);
    });

    it('refuses a body changed after signing', async () => {
      const event = paymentFailed();
      const res = await deliverStripe(t, event, {
        signedPayload: JSON.stringify({ ...event, type: 'invoice.paid' }),
      }).expect(400);
      expect(res.body.error).toBe('invalid_signature');
      await expectNothingRecorded(event);
    });

    it('refuses the same bytes re-serialized (the signature covers the raw body)', async () => {
      const event = paymentFailed();
      const signedAs = JSON.stringify(event, null, 2);
      await deliverStripe(t, JSON.stringify(event), { signedPayload: signedAs }).expect(400);
      await expectNothingRecorded(event);
    });

    it('refuses a stale timestamp (older than five minutes)', async () => {
      const event = paymentFailed();
      const res = await deliverStripe(t, event, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 }).expect(400);
      expect(res.body).toMatchObject({ error: 'invalid_signature', message: expect.stringContaining('tolerance') });
      await expectNothingRecorded(event);
    });

    it('refuses a request without the Stripe-Signature header', async () => {
      const event = paymentFailed();
      const res = await t
        .http()
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(event))
        .expect(400);
      expect(res.body.error).toBe('invalid_signature');
      await expectNothingRecorded(event);
    });

    it('refuses a malformed Stripe-Signature header', async () => {
      const event = paymentFailed();
      await t
        .http()
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', 'garbage')
        .send(JSON.stringify(event))
        .expect(400);
      await expectNothingRecorded(event);
    });

    it('answers 400, never 500, to a missing or garbage body', async () => {
      const header = 't=1,v1=00';
      const empty = await t.http().post('/webhooks/stripe').set('Stripe-Signature', header).expect(400);
      expect(empty.body.statusCode).toBe(400);
      const garbage = await t
        .http()
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', header)
        .send('{not json')
        .expect(400);
      expect(garbage.body.statusCode).toBe(400);
      const text = await t
        .http()
        .post('/webhooks/stripe')
        .set('Content-Type', 'text/plain')
        .set('Stripe-Signature', header)
        .send('hello')
        .expect(400);
      expect(text.body.error).toBe('invalid_payload');
    });

    it('answers 400 to a correctly signed body that is not an event', async () => {
      const res = await deliverStripe(t, { hello: 'world' }).expect(400);
      expect(res.body.error).toBe('invalid_payload');
      await deliverStripe(t, '[1, 2, 3]').expect(400);
    });
  });

  it('needs no admin token', async () => {
    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice(externalId)))
      .set('Authorization', 'Bearer nonsense')
      .expect(200);
  });
});
