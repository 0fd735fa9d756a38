import { DataSource } from 'typeorm';
import { basicAuth, publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverPaddle,
  PADDLE_SECRET,
  paddleEvent,
  paddleSignature,
  paddleSubscription,
  paddleSubscriptionIdOf,
  paddleTransaction,
  statusChanges,
} from './helpers/billing';
import { createTestApp, TestApp } from './helpers/test-app';

const HOUR_MS = 3600 * 1000;

describe('Paddle Billing webhooks', () => {
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
      .query(`SELECT * FROM "webhook_events" WHERE "provider" = 'paddle' AND "event_id" = $1`, [eventId]);

  beforeAll(async () => {
    t = await createTestApp({ PADDLE_WEBHOOK_SECRET: PADDLE_SECRET });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    sequence += 1;
    externalId = `ctm_01paddle${sequence}`;
    customerId = (await createBillingCustomer(t, externalId)).id;
  });

  describe('follows the subscription', () => {
    it('suspends on subscription.past_due (no grace period by default), with paddle as the actor and the event id in history', async () => {
      const subscription = paddleSubscription(externalId, 'past_due');
      const event = paddleEvent('subscription.past_due', subscription);
      const res = await deliverPaddle(t, event).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });
      expect(await customer()).toMatchObject({
        status: 'suspended',
        status_reason: `Paddle: subscription ${subscription.id} is past due`,
      });
      expect(await statusChanges(t, customerId)).toEqual([
        expect.objectContaining({
          actor: 'paddle',
          provider_event_id: event.event_id,
          before: expect.objectContaining({ status: 'active' }),
          after: expect.objectContaining({ status: 'suspended' }),
        }),
      ]);
    });

    it("suspends on transaction.payment_failed of the subscription's renewal", async () => {
      const transaction = paddleTransaction(externalId);
      await deliverPaddle(t, paddleEvent('transaction.payment_failed', transaction)).expect(200, {
        received: true,
        outcome: 'applied',
      });
      expect(await customer()).toMatchObject({
        status: 'suspended',
        status_reason: `Paddle: payment failed for transaction ${transaction.id}`,
      });
    });

    it('does not suspend for a declined card on a one-off purchase, and a later completed transaction changes nothing either', async () => {
      await deliverPaddle(
        t,
        paddleEvent(
          'transaction.payment_failed',
          paddleTransaction(externalId, { subscription_id: null, origin: 'web' }),
        ),
      ).expect(200, {
        received: true,
        outcome: 'ignored_no_subscription',
      });
      await deliverPaddle(
        t,
        paddleEvent(
          'transaction.completed',
          paddleTransaction(externalId, { subscription_id: null, status: 'completed' }),
        ),
      ).expect(200, {
        received: true,
        outcome: 'ignored_no_subscription',
      });
      expect((await customer()).status).toBe('active');
    });

    it('restores a past-due customer when the subscription recovers through subscription.updated', async () => {
      const id = paddleSubscriptionIdOf(externalId);
      await deliverPaddle(
        t,
        paddleEvent('subscription.past_due', paddleSubscription(externalId, 'past_due', { id })),
      ).expect(200);
      expect((await customer()).status).toBe('suspended');
      await deliverPaddle(
        t,
        paddleEvent('subscription.updated', paddleSubscription(externalId, 'active', { id })),
      ).expect(200, { received: true, outcome: 'applied' });
      expect((await customer()).status).toBe('active');
    });

    it('restores a past-due customer when the renewal transaction completes', async () => {
      const id = paddleSubscriptionIdOf(externalId);
      await deliverPaddle(
        t,
        paddleEvent('subscription.past_due', paddleSubscription(externalId, 'past_due', { id })),
      ).expect(200);
      await deliverPaddle(
        t,
        paddleEvent('transaction.completed', paddleTransaction(externalId, { status: 'completed' })),
      ).expect(200, { received: true, outcome: 'applied' });
      expect((await customer()).status).toBe('active');
    });

    it.each(['subscription.activated', 'subscription.resumed'])(
      'reactivates a suspended customer on %s',
      async (type) => {
        const id = paddleSubscriptionIdOf(externalId);
        await deliverPaddle(
          t,
          paddleEvent('subscription.paused', paddleSubscription(externalId, 'paused', { id })),
        ).expect(200);
        expect((await customer()).status).toBe('suspended');
        const res = await deliverPaddle(t, paddleEvent(type, paddleSubscription(externalId, 'active', { id }))).expect(
          200,
        );
        expect(res.body.outcome).toBe('applied');
        expect((await customer()).status).toBe('active');
        expect((await statusChanges(t, customerId)).map((c) => c.actor)).toEqual(['paddle', 'paddle']);
      },
    );

    it('restores access when the customer subscribes again after their subscription had ended', async () => {
      await deliverPaddle(t, paddleEvent('subscription.canceled', paddleSubscription(externalId, 'canceled'))).expect(
        200,
      );
      expect((await customer()).status).toBe('frozen');
      await deliverPaddle(t, paddleEvent('subscription.activated', paddleSubscription(externalId, 'active'))).expect(
        200,
        { received: true, outcome: 'applied' },
      );
      expect((await customer()).status).toBe('active');
    });

    it('freezes on subscription.canceled to the versions released before canceled_at', async () => {
      const now = Date.now();
      await publish(t, 'acme/sdk', '1.0.0', { releasedAt: new Date(now - 48 * HOUR_MS).toISOString() });
      await publish(t, 'acme/sdk', '2.0.0', { releasedAt: new Date(now - 1 * HOUR_MS).toISOString() });
      const { id, token } = await createBillingCustomer(t, 'ctm_01freeze', { 'acme/sdk': '*' }, 'freeze');
      const subscription = paddleSubscription('ctm_01freeze', 'canceled', {
        canceled_at: new Date(now - 2 * HOUR_MS).toISOString(),
      });
      await deliverPaddle(t, paddleEvent('subscription.canceled', subscription)).expect(200, {
        received: true,
        outcome: 'applied',
      });
      expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('frozen');
      const metadata = await t.http().get('/p2/acme/sdk.json').set('Authorization', basicAuth(token)).expect(200);
      expect(metadata.body.packages['acme/sdk'].map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
    });

    it('expires an on_expiry=expire customer on subscription.canceled', async () => {
      const { id } = await createBillingCustomer(t, 'ctm_01expire', {}, 'expire');
      await deliverPaddle(
        t,
        paddleEvent('subscription.canceled', paddleSubscription('ctm_01expire', 'canceled')),
      ).expect(200);
      expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('expired');
      expect((await statusChanges(t, id))[0]).toMatchObject({ actor: 'paddle' });
    });

    it('maps a notification that carries only the fields it needs', async () => {
      const minimal = {
        event_id: 'evt_01minimal',
        event_type: 'subscription.past_due',
        occurred_at: new Date().toISOString(),
        data: { id: 'sub_01x', status: 'past_due', customer_id: externalId },
      };
      await deliverPaddle(t, minimal).expect(200, { received: true, outcome: 'applied' });
      expect((await customer()).status).toBe('suspended');
    });
  });

  describe('applies each event once', () => {
    it('answers a replay with 200 and changes nothing', async () => {
      const event = paddleEvent('subscription.past_due', paddleSubscription(externalId, 'past_due'));
      await deliverPaddle(t, event).expect(200, { received: true, outcome: 'applied' });
      await setStatus('reactivate');
      await deliverPaddle(t, event).expect(200, { received: true, replay: true });
      expect((await customer()).status).toBe('active');
    });

    it('applies concurrent deliveries of one event exactly once', async () => {
      const event = paddleEvent('transaction.payment_failed', paddleTransaction(externalId));
      const responses = await Promise.all(Array.from({ length: 5 }, () => deliverPaddle(t, event)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(responses.filter((r) => r.body.replay === true)).toHaveLength(4);
      const changes = await statusChanges(t, customerId);
      expect(changes).toHaveLength(1);
      expect(changes[0].actor).toBe('paddle');
    });
  });

  describe('applies events in the order they occurred, not in the order they arrive', () => {
    const at = (offsetMs: number) => new Date(Date.now() - HOUR_MS + offsetMs).toISOString();

    it('ignores a payment failure older than an activation already received (a late delivery does not re-suspend)', async () => {
      const [t0, t1, t2] = [at(0), at(60_000), at(120_000)];
      const id = paddleSubscriptionIdOf(externalId);
      await deliverPaddle(
        t,
        paddleEvent('subscription.past_due', paddleSubscription(externalId, 'past_due', { id }), { occurredAt: t0 }),
      ).expect(200, {
        received: true,
        outcome: 'applied',
      });
      await deliverPaddle(
        t,
        paddleEvent('subscription.activated', paddleSubscription(externalId, 'active', { id }), { occurredAt: t2 }),
      ).expect(200, {
        received: true,
        outcome: 'applied',
      });
      expect((await customer()).status).toBe('active');

      const late = paddleEvent('transaction.payment_failed', paddleTransaction(externalId), { occurredAt: t1 });
      await deliverPaddle(t, late).expect(200, { received: true, outcome: 'ignored_out_of_order' });
      expect((await customer()).status).toBe('active');
      expect((await statusChanges(t, customerId)).map((c) => c.after.status)).toEqual(['active', 'suspended']);
      expect(await recorded(late.event_id as string)).toEqual([
        expect.objectContaining({
          outcome: 'ignored_out_of_order',
          customer_id: customerId,
          occurred_at: new Date(t1),
        }),
      ]);
      await deliverPaddle(t, late).expect(200, { received: true, replay: true });
    });

    it('dates a notification without occurred_at by its arrival', async () => {
      await deliverPaddle(
        t,
        paddleEvent('subscription.activated', paddleSubscription(externalId, 'active', { id: 'sub_01x' }), {
          occurredAt: at(0),
        }),
      ).expect(200);
      const untimed = {
        event_id: 'evt_01untimed',
        event_type: 'subscription.past_due',
        data: { id: 'sub_01x', status: 'past_due', customer_id: externalId },
      };
      await deliverPaddle(t, untimed).expect(200, { received: true, outcome: 'applied' });
      expect(await recorded('evt_01untimed')).toEqual([
        expect.objectContaining({ outcome: 'applied', occurred_at: null }),
      ]);
    });
  });

  describe('ignores what is not for Packyard', () => {
    it('answers 200 for an unknown customer, keeps the event and changes nothing', async () => {
      const event = paddleEvent('subscription.past_due', paddleSubscription('ctm_01unknown', 'past_due'));
      await deliverPaddle(t, event).expect(200, { received: true, outcome: 'kept_unknown_customer' });
      expect((await customer()).status).toBe('active');
      expect(await recorded(event.event_id as string)).toEqual([
        expect.objectContaining({ external_customer_id: 'ctm_01unknown' }),
      ]);
    });

    it('answers 200 for a transaction without a customer', async () => {
      await deliverPaddle(
        t,
        paddleEvent('transaction.payment_failed', paddleTransaction(null, { subscription_id: 'sub_01orphan' })),
      ).expect(200, {
        received: true,
        outcome: 'ignored_unknown_customer',
      });
    });

    it('answers 200 for an event type it does not use and changes nothing', async () => {
      await deliverPaddle(
        t,
        paddleEvent('transaction.created', paddleTransaction(externalId, { status: 'draft' })),
      ).expect(200, {
        received: true,
        outcome: 'ignored_event_type',
      });
      await deliverPaddle(t, paddleEvent('something.new', { id: 'x', customer_id: externalId })).expect(200, {
        received: true,
        outcome: 'ignored_event_type',
      });
      expect(await statusChanges(t, customerId)).toHaveLength(0);
    });
  });

  describe('refuses what Paddle did not sign', () => {
    const pastDue = () => paddleEvent('subscription.past_due', paddleSubscription(externalId, 'past_due'));

    async function expectNothingRecorded(event: Record<string, unknown>) {
      expect((await customer()).status).toBe('active');
      expect(await recorded(event.event_id as string)).toEqual([]);
      await deliverPaddle(t, event).expect(200, { received: true, outcome: 'applied' });
    }

    it('refuses a signature made with another secret', async () => {
      const event = pastDue();
      const res = await deliverPaddle(t, event, { secret: 'pdl_ntfset_someone_else' }).expect(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_signature' });
      await expectNothingRecorded(event);
    });

    it('refuses a body changed after signing', async () => {
      const event = pastDue();
      const header = paddleSignature(PADDLE_SECRET, JSON.stringify({ ...event, event_type: 'subscription.activated' }));
      await deliverPaddle(t, event, { header }).expect(400);
      await expectNothingRecorded(event);
    });

    it('refuses a stale timestamp', async () => {
      const event = pastDue();
      const res = await deliverPaddle(t, event, { timestamp: Math.floor(Date.now() / 1000) - 60 }).expect(400);
      expect(res.body.error).toBe('invalid_signature');
      await expectNothingRecorded(event);
    });

    it.each([
      ['missing', undefined],
      ['without h1', `ts=${Math.floor(Date.now() / 1000)}`],
      ['garbage', 'garbage'],
    ])('refuses a %s Paddle-Signature header', async (_name, header) => {
      const event = pastDue();
      const req = t.http().post('/webhooks/paddle').set('Content-Type', 'application/json');
      if (header !== undefined) req.set('Paddle-Signature', header);
      const res = await req.send(JSON.stringify(event)).expect(400);
      expect(res.body.error).toBe('invalid_signature');
      await expectNothingRecorded(event);
    });

    it('answers 400, never 500, to a missing or garbage body', async () => {
      const header = paddleSignature(PADDLE_SECRET, '');
      await t.http().post('/webhooks/paddle').set('Paddle-Signature', header).expect(400);
      await t
        .http()
        .post('/webhooks/paddle')
        .set('Content-Type', 'application/json')
        .set('Paddle-Signature', header)
        .send('{not json')
        .expect(400);
      const text = await t
        .http()
        .post('/webhooks/paddle')
        .set('Content-Type', 'text/plain')
        .set('Paddle-Signature', header)
        .send('hi')
        .expect(400);
      expect(text.body.error).toBe('invalid_payload');
    });

    it('answers 400 to a correctly signed body that is not a notification', async () => {
      const res = await deliverPaddle(t, { hello: 'world' }).expect(400);
      expect(res.body.error).toBe('invalid_payload');
    });
  });
});
