import { ExpirySweeper } from '../src/access/expiry-sweeper.service';
import { Clock } from '../src/common/clock';
import { publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverPaddle,
  deliverStripe,
  PADDLE_SECRET,
  paddleEvent,
  paddleSubscription,
  statusChanges,
  STRIPE_SECRET,
  stripeEvent,
  stripeInvoice,
  stripeSubscription,
} from './helpers/billing';
import { composerAnswer } from './helpers/billing-sequences';
import { createTestApp, TestApp } from './helpers/test-app';

const DAY_MS = 24 * 3600 * 1000;
const SUSPENDED =
  'Your access to this Composer repository is suspended. Please contact the package vendor to restore access.';
const EXPIRED =
  'Your access to this Composer repository is expired. Please contact the package vendor to restore access.';

/** The vendor's side of billing: admin holds, grace periods, late linking and the received-events list. */
describe('Billing: holds, grace, late linking, received events', () => {
  let t: TestApp;
  let clock: Clock;
  let sequence = 0;
  let external: string;

  const customer = async (id: string) => (await t.admin.get(`/api/v1/customers/${id}`).expect(200)).body;
  const post = (path: string, body: object = {}) => t.admin.post(path, body).expect(200);
  const failed = (cus: string, extra: { created?: number; id?: string } = {}) =>
    stripeEvent('invoice.payment_failed', stripeInvoice(cus), extra);
  const paid = (cus: string, extra: { created?: number } = {}) =>
    stripeEvent('invoice.paid', stripeInvoice(cus, { status: 'paid' }), extra);

  beforeAll(async () => {
    // The server-wide grace period is 2 days here; customers may override it.
    t = await createTestApp({
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      PADDLE_WEBHOOK_SECRET: PADDLE_SECRET,
      BILLING_GRACE_DAYS: '2',
    });
    clock = t.app.get(Clock);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    await publish(t, 'acme/toolkit', '1.0.0', { releasedAt: new Date(Date.now() - 30 * DAY_MS).toISOString() });
    sequence += 1;
    external = `cus_Ctl${sequence}`;
  });

  describe('admin holds', () => {
    it('keeps a customer an admin suspended (licence abuse) suspended when a routine invoice.paid arrives, and says what billing would do', async () => {
      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      await post(`/api/v1/customers/${id}/suspend`, { reason: 'Licence abuse' });
      const event = paid(external);
      await deliverStripe(t, event).expect(200, { received: true, outcome: 'held_by_admin' });
      expect(await customer(id)).toMatchObject({
        status: 'suspended',
        status_reason: 'Licence abuse',
        billing: { decision_in_force: 'admin_hold', status: 'active', reason: expect.stringContaining('paid') },
      });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(SUSPENDED);
      const listed = await t.admin.get(`/api/v1/webhook-events?customer=${id}`).expect(200);
      expect(listed.body.data).toEqual([
        expect.objectContaining({ event_id: event.id, outcome: 'held_by_admin', billing_status: 'active' }),
      ]);
    });

    it('keeps an expired customer expired when the renewal says the subscription is active', async () => {
      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      await post(`/api/v1/customers/${id}/expire`, { reason: 'Refunded' });
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.updated', stripeSubscription(external, 'active')),
      ).expect(200, { received: true, outcome: 'held_by_admin' });
      expect((await customer(id)).status).toBe('expired');
      expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(EXPIRED);
    });

    it('holds an admin freeze and an admin reactivation too', async () => {
      const { id } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      await post(`/api/v1/customers/${id}/freeze`);
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.updated', stripeSubscription(external, 'active')),
      ).expect(200, { received: true, outcome: 'held_by_admin' });
      expect((await customer(id)).status).toBe('frozen');
      await post(`/api/v1/customers/${id}/reactivate`);
      await deliverStripe(t, failed(external)).expect(200, { received: true, outcome: 'held_by_admin' });
      expect(await customer(id)).toMatchObject({
        status: 'active',
        billing: { decision_in_force: 'admin_hold', status: 'active' },
      });
    });

    it('applies the current billing state when the hold is released with billing/resume, and follows billing from then on', async () => {
      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' }, 'expire');
      await post(`/api/v1/customers/${id}/suspend`, { reason: 'Chargeback under review' });
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.deleted', stripeSubscription(external, 'canceled')),
      ).expect(200, { received: true, outcome: 'held_by_admin' });
      expect((await customer(id)).status).toBe('suspended');

      const resumed = await post(`/api/v1/customers/${id}/billing/resume`);
      expect(resumed.body).toMatchObject({
        status: 'expired',
        billing: { decision_in_force: 'billing', status: 'expired' },
      });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(EXPIRED);
      const history = (await t.admin.get(`/api/v1/customers/${id}/events`).expect(200)).body.data;
      expect(history[0]).toMatchObject({
        type: 'customer.status_changed',
        actor: 'admin',
        provider_event_id: expect.stringMatching(/^evt_/),
        after: { status: 'expired' },
      });
      expect(history[1]).toMatchObject({
        type: 'customer.updated',
        before: { billing_hold: true },
        after: { billing_hold: false },
      });

      await deliverStripe(
        t,
        stripeEvent('customer.subscription.created', stripeSubscription(external, 'active')),
      ).expect(200, { received: true, outcome: 'applied' });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toEqual(['1.0.0']);
    });

    it('reactivate with follow_billing applies what billing calls for (suspended here), not active', async () => {
      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      await post(`/api/v1/customers/${id}/expire`);
      const unpaid = stripeSubscription(external, 'unpaid', { id: `sub_${external}` });
      await deliverStripe(t, stripeEvent('customer.subscription.updated', unpaid)).expect(200, {
        received: true,
        outcome: 'held_by_admin',
      });
      const res = await post(`/api/v1/customers/${id}/reactivate`, { follow_billing: true });
      // Expired cannot become suspended: the customer stays expired, but follows billing again.
      expect(res.body).toMatchObject({
        status: 'expired',
        billing: { decision_in_force: 'billing', status: 'suspended' },
      });
      const recovered = stripeSubscription(external, 'active', { id: `sub_${external}` });
      await deliverStripe(
        t,
        stripeEvent('customer.subscription.updated', recovered, { created: Math.floor(Date.now() / 1000) + 1 }),
      ).expect(200, {
        received: true,
        outcome: 'applied',
      });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toEqual(['1.0.0']);
    });

    it('reactivate with follow_billing makes a customer billing knows nothing about active, and refuses a non-boolean', async () => {
      const { id } = await createBillingCustomer(t, external);
      await post(`/api/v1/customers/${id}/suspend`);
      const res = await post(`/api/v1/customers/${id}/reactivate`, { follow_billing: true });
      expect(res.body).toMatchObject({ status: 'active', billing: { decision_in_force: 'none', status: null } });
      const bad = await t.admin.post(`/api/v1/customers/${id}/reactivate`, { follow_billing: 'yes' }).expect(400);
      expect(bad.body).toMatchObject({
        error: 'validation_failed',
        details: { fields: [expect.objectContaining({ field: 'follow_billing' })] },
      });
      await t.admin.post('/api/v1/customers/cust_nope/billing/resume').expect(404);
    });
  });

  describe('grace period', () => {
    it('keeps a past-due customer installing for BILLING_GRACE_DAYS, then the sweep suspends them as system with the reason', async () => {
      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      const event = failed(external);
      await deliverStripe(t, event).expect(200, { received: true, outcome: 'unchanged' });
      const during = await customer(id);
      expect(during).toMatchObject({
        status: 'active',
        billing: { decision_in_force: 'billing', status: 'active', grace_days: null },
      });
      const graceEnds = new Date(during.billing.grace_ends_at).getTime();
      expect(graceEnds - Date.now()).toBeGreaterThan(2 * DAY_MS - 60_000);
      expect(graceEnds - Date.now()).toBeLessThanOrEqual(2 * DAY_MS);
      expect(await composerAnswer(t, token, 'acme/toolkit')).toEqual(['1.0.0']);

      const sweeper = t.app.get(ExpirySweeper);
      await sweeper.sweep();
      expect((await customer(id)).status).toBe('active');
      clock.travel(2 * DAY_MS);
      try {
        await sweeper.sweep();
        expect(await customer(id)).toMatchObject({
          status: 'suspended',
          billing: { status: 'suspended', grace_ends_at: null },
        });
        expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(SUSPENDED);
        const [change] = await statusChanges(t, id);
        expect(change).toMatchObject({
          actor: 'system',
          provider_event_id: event.id,
          after: { status: 'suspended', status_reason: expect.stringContaining('grace period of 2 day(s) ended') },
        });
        expect(await sweeper.sweep()).toBe(0);
      } finally {
        clock.travel(-2 * DAY_MS);
      }
    });

    it('never suspends a customer who pays within the grace period', async () => {
      const { id } = await createBillingCustomer(t, external);
      await deliverStripe(t, failed(external, { created: Math.floor(Date.now() / 1000) - 60 })).expect(200);
      await deliverStripe(t, paid(external)).expect(200, { received: true, outcome: 'unchanged' });
      expect(await customer(id)).toMatchObject({
        status: 'active',
        billing: { status: 'active', grace_ends_at: null },
      });
      clock.travel(3 * DAY_MS);
      try {
        await t.app.get(ExpirySweeper).sweep();
        expect((await customer(id)).status).toBe('active');
        expect(await statusChanges(t, id)).toEqual([]);
      } finally {
        clock.travel(-3 * DAY_MS);
      }
    });

    it('takes a per-customer grace period from the admin API; shortening it applies at once', async () => {
      const created = await t.admin
        .post('/api/v1/customers', {
          name: 'Acme',
          email: 'a@acme.test',
          external_id: external,
          billing_grace_days: 10,
        })
        .expect(201);
      const id = created.body.id;
      await deliverStripe(t, failed(external)).expect(200, { received: true, outcome: 'unchanged' });
      expect((await customer(id)).billing).toMatchObject({ grace_days: 10, status: 'active' });

      const patched = await t.admin.patch(`/api/v1/customers/${id}`, { billing_grace_days: 0 }).expect(200);
      expect(patched.body).toMatchObject({ status: 'suspended', billing: { grace_days: 0, status: 'suspended' } });
      const back = await t.admin.patch(`/api/v1/customers/${id}`, { billing_grace_days: null }).expect(200);
      expect(back.body).toMatchObject({ status: 'active', billing: { grace_days: null, status: 'active' } });
      for (const bad of [-1, 366, 1.5, '3']) {
        const res = await t.admin.patch(`/api/v1/customers/${id}`, { billing_grace_days: bad }).expect(400);
        expect(res.body.details.fields[0].field).toBe('billing_grace_days');
      }
    });
  });

  describe('late linking', () => {
    it('keeps events for an unknown customer and applies the newest subscription state when a customer is created with that external_id', async () => {
      const t0 = Math.floor(Date.now() / 1000) - 600;
      const kept = [
        stripeEvent(
          'customer.subscription.created',
          stripeSubscription(external, 'active', { id: `sub_${external}` }),
          { created: t0 },
        ),
        stripeEvent(
          'customer.subscription.updated',
          stripeSubscription(external, 'unpaid', { id: `sub_${external}` }),
          { created: t0 + 60 },
        ),
      ];
      for (const event of kept)
        await deliverStripe(t, event).expect(200, { received: true, outcome: 'kept_unknown_customer' });
      // A resend before the link is kept again, not a replay.
      await deliverStripe(t, kept[1]).expect(200, { received: true, outcome: 'kept_unknown_customer' });

      const { id, token } = await createBillingCustomer(t, external, { 'acme/toolkit': '*' });
      expect(await customer(id)).toMatchObject({
        status: 'suspended',
        billing: { decision_in_force: 'billing', status: 'suspended' },
      });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(SUSPENDED);
      const [change] = await statusChanges(t, id);
      expect(change).toMatchObject({ provider_event_id: kept[1].id, after: { status: 'suspended' } });

      const listed = await t.admin
        .get(`/api/v1/webhook-events?customer=${id}&outcome=kept_unknown_customer`)
        .expect(200);
      expect(listed.body.total).toBe(2);
      // The provider's resend after the link is processed, not answered as a replay.
      await deliverStripe(t, kept[1]).expect(200, { received: true, outcome: 'unchanged' });
      await deliverStripe(t, kept[1]).expect(200, { received: true, replay: true });
    });

    it('applies kept Paddle events when an existing customer gets the external_id by PATCH', async () => {
      const ctm = `ctm_01late${sequence}`;
      await deliverPaddle(t, paddleEvent('subscription.canceled', paddleSubscription(ctm, 'canceled'))).expect(200, {
        received: true,
        outcome: 'kept_unknown_customer',
      });
      const res = await t.admin
        .post('/api/v1/customers', { name: 'Late', email: 'late@acme.test', on_expiry: 'expire' })
        .expect(201);
      const token = res.body.token;
      await t.admin
        .post(`/api/v1/customers/${res.body.id}/packages`, { package: 'acme/toolkit', constraint: '*' })
        .expect(201);
      expect(await composerAnswer(t, token, 'acme/toolkit')).toEqual(['1.0.0']);

      const patched = await t.admin.patch(`/api/v1/customers/${res.body.id}`, { external_id: ctm }).expect(200);
      expect(patched.body).toMatchObject({
        status: 'expired',
        billing: { decision_in_force: 'billing', status: 'expired' },
      });
      expect(await composerAnswer(t, token, 'acme/toolkit')).toBe(EXPIRED);
    });
  });

  describe('GET /api/v1/webhook-events', () => {
    it('lists received events newest first, filtered by provider, type, outcome, customer and time, paginated', async () => {
      const { id } = await createBillingCustomer(t, external);
      const before = new Date(Date.now() - 1000).toISOString();
      const first = failed(external);
      await deliverStripe(t, first).expect(200);
      await deliverStripe(
        t,
        stripeEvent('charge.succeeded', { id: 'ch_1', object: 'charge', customer: external }),
      ).expect(200);
      await deliverStripe(t, failed('cus_Stranger')).expect(200);
      await deliverPaddle(
        t,
        paddleEvent('subscription.past_due', paddleSubscription('ctm_01other', 'past_due')),
      ).expect(200);

      const all = await t.admin.get('/api/v1/webhook-events').expect(200);
      expect(all.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
      expect(all.body.data[3]).toEqual({
        provider: 'stripe',
        event_id: first.id,
        type: 'invoice.payment_failed',
        received_at: expect.any(String),
        occurred_at: new Date((first.created as number) * 1000).toISOString(),
        customer_id: id,
        external_customer_id: external,
        outcome: 'unchanged',
        billing_status: 'active',
      });
      const ids = async (query: string) =>
        (await t.admin.get(`/api/v1/webhook-events?${query}`).expect(200)).body.data.map(
          (e: { event_id: string }) => e.event_id,
        );
      expect(await ids('provider=paddle')).toHaveLength(1);
      expect(await ids('type=invoice.payment_failed')).toHaveLength(2);
      expect(await ids('outcome=kept_unknown_customer')).toHaveLength(2);
      expect(await ids(`customer=${id}`)).toEqual([first.id]);
      expect(await ids('customer=cus_Stranger')).toHaveLength(1);
      expect(await ids(`since=${encodeURIComponent(before)}`)).toHaveLength(4);
      expect(await ids(`until=${encodeURIComponent(before)}`)).toHaveLength(0);
      const page = await t.admin.get('/api/v1/webhook-events?limit=3&offset=3').expect(200);
      expect(page.body).toMatchObject({
        total: 4,
        limit: 3,
        offset: 3,
        data: [expect.objectContaining({ event_id: first.id })],
      });

      for (const bad of ['provider=chargebee', 'outcome=maybe', 'since=yesterday', 'limit=0', 'colour=red']) {
        const res = await t.admin.get(`/api/v1/webhook-events?${bad}`).expect(400);
        expect(res.body.error).toBe('validation_failed');
      }
      await t.http().get('/api/v1/webhook-events').expect(401);
    });
  });
});
