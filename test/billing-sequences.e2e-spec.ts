import { publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverPaddle,
  deliverStripe,
  PADDLE_SECRET,
  paddleEvent,
  paddleSubscription,
  paddleSubscriptionIdOf,
  paddleTransaction,
  STRIPE_SECRET,
  stripeEvent,
  stripeInvoice,
  stripeSubscription,
  stripeSubscriptionIdOf,
} from './helpers/billing';
import { composerAnswer, permutations } from './helpers/billing-sequences';
import { createTestApp, TestApp } from './helpers/test-app';

const DAY = 24 * 3600;
const SUSPENDED =
  'Your access to this Composer repository is suspended. Please contact the package vendor to restore access.';
const EXPIRED =
  'Your access to this Composer repository is expired. Please contact the package vendor to restore access.';
const ALL_VERSIONS = ['1.2.0', '1.1.0', '1.0.0'];

/** One delivery as the provider makes it; a resend repeats the very same event (same id and bytes). */
type Delivery = { provider: 'stripe' | 'paddle'; label: string; event: Record<string, unknown> };

interface Story {
  name: string;
  onExpiry?: 'freeze' | 'expire';
  /** Built per run for a fresh customer, so every order starts from the same state. */
  deliveries: (customer: string, t0: number) => Delivery[];
  status: string;
  composer: string[] | string;
}

const stripe = (label: string, event: Record<string, unknown>): Delivery => ({ provider: 'stripe', label, event });
const paddle = (label: string, event: Record<string, unknown>): Delivery => ({ provider: 'paddle', label, event });
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Event sequences as Stripe and Paddle deliver them, each run in every order of arrival: the final
 * status and what the Composer client is answered must not depend on the order.
 * t0 is one hour ago; acme/toolkit 1.2.0 was released 30 minutes ago, 1.1.0 ten days ago.
 */
const STORIES: Story[] = [
  {
    name: 'Stripe dunning with retries that ends in a payment (two failures, past_due in the same second as the first, then paid)',
    deliveries: (cus, t0) => [
      stripe(
        'invoice.payment_failed #1',
        stripeEvent('invoice.payment_failed', stripeInvoice(cus, { attempt_count: 1 }), { created: t0 }),
      ),
      stripe(
        'subscription past_due',
        stripeEvent(
          'customer.subscription.updated',
          stripeSubscription(cus, 'past_due', { id: stripeSubscriptionIdOf(cus) }),
          { created: t0 },
        ),
      ),
      stripe(
        'invoice.payment_failed #2',
        stripeEvent('invoice.payment_failed', stripeInvoice(cus, { attempt_count: 2 }), { created: t0 + 900 }),
      ),
      stripe(
        'invoice.paid',
        stripeEvent('invoice.paid', stripeInvoice(cus, { status: 'paid' }), { created: t0 + 1200 }),
      ),
    ],
    status: 'active',
    composer: ALL_VERSIONS,
  },
  {
    name: 'Stripe: a late failure never beats a later payment of the same invoice',
    deliveries: (cus, t0) => [
      stripe(
        'invoice.payment_failed (T-30 min)',
        stripeEvent('invoice.payment_failed', stripeInvoice(cus), { created: t0 - 1800 }),
      ),
      stripe('invoice.paid (T-20 min)', stripeEvent('invoice.paid', stripeInvoice(cus), { created: t0 - 1200 })),
      stripe(
        'invoice.payment_failed resent',
        stripeEvent('invoice.payment_failed', stripeInvoice(cus), { created: t0 - 1800, id: `evt_resent_${cus}` }),
      ),
    ],
    status: 'active',
    composer: ALL_VERSIONS,
  },
  {
    name: 'Stripe: subscription deleted, its final dunning failure in the same second, its open invoice paid later: frozen',
    deliveries: (cus, t0) => {
      const id = stripeSubscriptionIdOf(cus);
      return [
        stripe(
          'subscription deleted',
          stripeEvent(
            'customer.subscription.deleted',
            stripeSubscription(cus, 'canceled', { id, ended_at: t0, canceled_at: t0 }),
            { created: t0 },
          ),
        ),
        stripe(
          'invoice.payment_failed (same second)',
          stripeEvent('invoice.payment_failed', stripeInvoice(cus, { attempt_count: 4 }), { created: t0 }),
        ),
        stripe('invoice.paid (later)', stripeEvent('invoice.paid', stripeInvoice(cus), { created: t0 + 600 })),
      ];
    },
    status: 'frozen',
    composer: ['1.1.0', '1.0.0'],
  },
  {
    name: 'Stripe cancellation at period end (a duplicate delivery of the deletion included): expired',
    onExpiry: 'expire',
    deliveries: (cus, t0) => {
      const id = stripeSubscriptionIdOf(cus);
      const deleted = stripeEvent(
        'customer.subscription.deleted',
        stripeSubscription(cus, 'canceled', { id, ended_at: t0, canceled_at: t0 - 10 * DAY }),
        { created: t0 },
      );
      return [
        stripe(
          'updated active, cancel_at_period_end',
          stripeEvent(
            'customer.subscription.updated',
            stripeSubscription(cus, 'active', { id, cancel_at_period_end: true }),
            { created: t0 - 10 * DAY },
          ),
        ),
        stripe('subscription deleted', deleted),
        stripe('subscription deleted (duplicate delivery)', deleted),
      ];
    },
    status: 'expired',
    composer: EXPIRED,
  },
  {
    name: 'Stripe renewal: paid invoice and active subscription of the same second after last month’s failure',
    deliveries: (cus, t0) => {
      const id = stripeSubscriptionIdOf(cus);
      return [
        stripe(
          'invoice.payment_failed (last month)',
          stripeEvent('invoice.payment_failed', stripeInvoice(cus), { created: t0 - 30 * DAY }),
        ),
        stripe(
          'subscription past_due (last month)',
          stripeEvent('customer.subscription.updated', stripeSubscription(cus, 'past_due', { id }), {
            created: t0 - 30 * DAY + 1,
          }),
        ),
        stripe('invoice.paid (renewal)', stripeEvent('invoice.paid', stripeInvoice(cus), { created: t0 })),
        stripe(
          'subscription active (renewal)',
          stripeEvent('customer.subscription.updated', stripeSubscription(cus, 'active', { id }), { created: t0 }),
        ),
      ];
    },
    status: 'active',
    composer: ALL_VERSIONS,
  },
  {
    name: 'Stripe: dunning exhausted, the subscription becomes unpaid after the past_due',
    deliveries: (cus, t0) => {
      const id = stripeSubscriptionIdOf(cus);
      return [
        stripe(
          'subscription past_due',
          stripeEvent('customer.subscription.updated', stripeSubscription(cus, 'past_due', { id }), { created: t0 }),
        ),
        stripe(
          'invoice.payment_failed #4',
          stripeEvent('invoice.payment_failed', stripeInvoice(cus, { attempt_count: 4 }), { created: t0 + 7 * 60 }),
        ),
        stripe(
          'subscription unpaid',
          stripeEvent('customer.subscription.updated', stripeSubscription(cus, 'unpaid', { id }), {
            created: t0 + 7 * 60,
          }),
        ),
      ];
    },
    status: 'suspended',
    composer: SUSPENDED,
  },
  {
    name: 'Paddle: past due, then recovered through subscription.updated and the completed transaction',
    deliveries: (ctm, t0) => {
      const id = paddleSubscriptionIdOf(ctm);
      return [
        paddle(
          'subscription.past_due',
          paddleEvent('subscription.past_due', paddleSubscription(ctm, 'past_due', { id }), { occurredAt: iso(t0) }),
        ),
        paddle(
          'transaction.payment_failed',
          paddleEvent('transaction.payment_failed', paddleTransaction(ctm), { occurredAt: iso(t0) }),
        ),
        paddle(
          'subscription.updated active',
          paddleEvent('subscription.updated', paddleSubscription(ctm, 'active', { id }), { occurredAt: iso(t0 + 600) }),
        ),
        paddle(
          'transaction.completed',
          paddleEvent('transaction.completed', paddleTransaction(ctm, { status: 'completed' }), {
            occurredAt: iso(t0 + 600),
          }),
        ),
      ];
    },
    status: 'active',
    composer: ALL_VERSIONS,
  },
  {
    name: 'Paddle: a declined card on a one-off purchase does not suspend an active subscriber',
    deliveries: (ctm, t0) => [
      paddle(
        'subscription.activated',
        paddleEvent('subscription.activated', paddleSubscription(ctm, 'active'), { occurredAt: iso(t0) }),
      ),
      paddle(
        'one-off transaction.payment_failed',
        paddleEvent('transaction.payment_failed', paddleTransaction(ctm, { subscription_id: null, origin: 'web' }), {
          occurredAt: iso(t0 + 10),
        }),
      ),
      paddle(
        'one-off transaction.completed',
        paddleEvent('transaction.completed', paddleTransaction(ctm, { subscription_id: null, status: 'completed' }), {
          occurredAt: iso(t0 + 20),
        }),
      ),
    ],
    status: 'active',
    composer: ALL_VERSIONS,
  },
  {
    name: 'Paddle: canceled while past due, a failed retry in the same second: frozen to the versions before the end',
    deliveries: (ctm, t0) => {
      const id = paddleSubscriptionIdOf(ctm);
      return [
        paddle(
          'subscription.past_due',
          paddleEvent('subscription.past_due', paddleSubscription(ctm, 'past_due', { id }), {
            occurredAt: iso(t0 - DAY),
          }),
        ),
        paddle(
          'subscription.canceled',
          paddleEvent('subscription.canceled', paddleSubscription(ctm, 'canceled', { id, canceled_at: iso(t0) }), {
            occurredAt: iso(t0),
          }),
        ),
        paddle(
          'transaction.payment_failed (same second)',
          paddleEvent('transaction.payment_failed', paddleTransaction(ctm), { occurredAt: iso(t0) }),
        ),
      ];
    },
    status: 'frozen',
    composer: ['1.1.0', '1.0.0'],
  },
];

describe('Billing event sequences in every order of arrival', () => {
  let t: TestApp;
  let t0: number;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, PADDLE_WEBHOOK_SECRET: PADDLE_SECRET });
    t0 = Math.floor(Date.now() / 1000) - 3600;
    await publish(t, 'acme/toolkit', '1.0.0', { releasedAt: iso(t0 - 60 * DAY) });
    await publish(t, 'acme/toolkit', '1.1.0', { releasedAt: iso(t0 - 10 * DAY) });
    await publish(t, 'acme/toolkit', '1.2.0', { releasedAt: iso(t0 + 1800) });
  });
  afterAll(() => t.close());

  /** The final status and Composer answer after delivering the story's events in one order, to a fresh customer. */
  async function outcomeOf(
    story: Story,
    order: number[],
  ): Promise<{ order: string; status: string; composer: string[] | string }> {
    run += 1;
    const provider = story.deliveries('x', 0)[0].provider;
    // A fresh customer per order (no reset: the catalog stays), linked before the first event.
    const external = provider === 'stripe' ? `cus_Seq${run}` : `ctm_01seq${run}`;
    const { id, token } = await createBillingCustomer(
      t,
      external,
      { 'acme/toolkit': '^1.0' },
      story.onExpiry ?? 'freeze',
    );
    const deliveries = story.deliveries(external, t0);
    for (const index of order) {
      const { event } = deliveries[index];
      await (provider === 'stripe' ? deliverStripe(t, event) : deliverPaddle(t, event)).expect(200);
    }
    const customer = (await t.admin.get(`/api/v1/customers/${id}`).expect(200)).body;
    expect(customer.billing.decision_in_force).toBe('billing');
    return {
      order: order.map((index) => deliveries[index].label).join(' → '),
      status: customer.status,
      composer: await composerAnswer(t, token, 'acme/toolkit'),
    };
  }

  it.each(STORIES.map((story) => [story.name, story]))('%s', async (_name, story) => {
    const labels = story.deliveries('x', 0).map((delivery) => delivery.label);
    const orders = permutations(labels.map((_label, index) => index));
    // Orders run side by side (each on its own customer); the expectation names each order.
    const outcomes: Array<Awaited<ReturnType<typeof outcomeOf>>> = [];
    for (let start = 0; start < orders.length; start += 6) {
      outcomes.push(...(await Promise.all(orders.slice(start, start + 6).map((order) => outcomeOf(story, order)))));
    }
    expect(outcomes).toEqual(outcomes.map(({ order }) => ({ order, status: story.status, composer: story.composer })));
  });
});
