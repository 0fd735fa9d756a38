import {
  deliverPaddle,
  deliverStripe,
  paddleEvent,
  paddleSubscription,
  stripeEvent,
  stripeInvoice,
} from './helpers/billing';
import { createTestApp, TestApp } from './helpers/test-app';

describe('Billing webhooks without their secrets', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ STRIPE_WEBHOOK_SECRET: '', PADDLE_WEBHOOK_SECRET: '' });
  });
  afterAll(() => t.close());

  it('answers 404 at /webhooks/stripe while STRIPE_WEBHOOK_SECRET is unset, like a route that does not exist', async () => {
    const res = await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_A'))).expect(404);
    const missing = await t.http().post('/webhooks/nothing').send({}).expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'not_found', message: 'Cannot POST /webhooks/stripe' });
    expect(missing.body.error).toBe(res.body.error);
  });

  it('answers 404 at /webhooks/paddle while PADDLE_WEBHOOK_SECRET is unset', async () => {
    const res = await deliverPaddle(
      t,
      paddleEvent('subscription.past_due', paddleSubscription('ctm_A', 'past_due')),
    ).expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'not_found', message: 'Cannot POST /webhooks/paddle' });
  });

  it('documents both receivers in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks/stripe', '/webhooks/paddle']));
  });

  it('keeps one receiver off while the other is configured', async () => {
    const stripeOnly = await createTestApp({ STRIPE_WEBHOOK_SECRET: 'whsec_only_stripe' });
    try {
      await deliverPaddle(
        stripeOnly,
        paddleEvent('subscription.past_due', paddleSubscription('ctm_A', 'past_due')),
      ).expect(404);
      await deliverStripe(stripeOnly, stripeEvent('invoice.payment_failed', stripeInvoice('cus_A')), {
        secret: 'whsec_only_stripe',
      }).expect(200);
    } finally {
      await stripeOnly.close();
    }
  });
});
