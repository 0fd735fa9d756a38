import { basicAuth, createCustomer, publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverPaddle,
  deliverStripe,
  PADDLE_SECRET,
  paddleEvent,
  paddleSignature,
  paddleSubscription,
  STRIPE_SECRET,
  stripeEvent,
  stripeInvoice,
} from './helpers/billing';
import { ComposerProject } from './helpers/composer';
import { LogCapture } from './helpers/log-capture';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';
import Stripe from 'stripe';

const METRICS_TOKEN = 'metrics-secret-token-7d1f3a9c2b';

/**
 * The logs of a session that touches admin, Composer and webhook routes, at the most verbose
 * level, must not contain any secret the session used: tokens (valid or not), Basic credentials,
 * webhook secrets and signatures.
 */
describe('Logs', () => {
  let t: TestApp;
  const logs = new LogCapture();
  const secrets = new Set<string>([ADMIN_TOKEN, METRICS_TOKEN, STRIPE_SECRET, PADDLE_SECRET]);
  let project: ComposerProject | undefined;

  beforeAll(async () => {
    t = await createTestApp(
      { LOG_LEVEL: 'trace', METRICS_TOKEN, STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, PADDLE_WEBHOOK_SECRET: PADDLE_SECRET },
      { logDestination: logs.stream },
    );
  });
  afterAll(async () => {
    project?.remove();
    await t.close();
  });

  it('never contain a token, a password, a signature or a webhook secret', async () => {
    await publish(t, 'acme/widget', '1.0.0');
    const customer = await createCustomer(t, { 'acme/widget': '^1.0' });
    secrets.add(customer.token);
    const extra = await t.admin.post(`/api/v1/customers/${customer.id}/tokens`, { label: 'CI' }).expect(201);
    secrets.add(extra.body.token);

    // Composer, with the real client (auth.json http-basic) and by hand (Basic and Bearer, right and wrong).
    project = new ComposerProject(t.url, customer.token);
    const install = await project.run('require', 'acme/widget:^1.0');
    expect(install.code).toBe(0);
    await t.http().get('/packages.json').set('Authorization', `Bearer ${extra.body.token}`).expect(200);
    const wrongToken = 'tok_thisIsAWrongButSecretLookingToken123';
    secrets.add(wrongToken);
    await t.http().get('/packages.json').set('Authorization', basicAuth(wrongToken)).expect(401);
    secrets.add(basicAuth(customer.token).slice('Basic '.length));

    // Admin: a wrong admin token, a customer token on the admin API, a malformed body.
    const wrongAdmin = 'adm_wrong-admin-token-0123456789';
    secrets.add(wrongAdmin);
    await t.http().get('/api/v1/customers').set('Authorization', `Bearer ${wrongAdmin}`).expect(401);
    await t.http().get('/api/v1/customers').set('Authorization', `Bearer ${customer.token}`).expect(403);
    await t.admin
      .post('/api/v1/customers')
      .set('Content-Type', 'application/json')
      .send('{"name": "broken')
      .expect(400);
    await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);

    // Webhooks: valid, badly signed and replayed events of both providers.
    await createBillingCustomer(t, 'cus_logs1');
    const stripe = stripeEvent('invoice.payment_failed', stripeInvoice('cus_logs1'));
    const stripePayload = JSON.stringify(stripe, null, 2);
    const stripeHeader = Stripe.webhooks.generateTestHeaderString({ payload: stripePayload, secret: STRIPE_SECRET });
    secrets.add(/v1=([0-9a-f]+)/.exec(stripeHeader)![1]);
    await t
      .http()
      .post('/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', stripeHeader)
      .send(stripePayload)
      .expect(200);
    await deliverStripe(t, stripe).expect(200);
    await deliverStripe(t, stripeEvent('invoice.paid', stripeInvoice('cus_logs1')), {
      secret: 'whsec_wrong_secret_000000000000',
    }).expect(400);
    secrets.add('whsec_wrong_secret_000000000000');
    await createBillingCustomer(t, 'ctm_logs1');
    const paddle = JSON.stringify(paddleEvent('subscription.past_due', paddleSubscription('ctm_logs1', 'past_due')));
    const paddleHeader = paddleSignature(PADDLE_SECRET, paddle);
    secrets.add(/h1=([0-9a-f]+)/.exec(paddleHeader)![1]);
    await deliverPaddle(t, paddle, { header: paddleHeader }).expect(200);
    await deliverPaddle(t, paddle, { header: 'ts=1;h1=00' }).expect(400);

    // Revoking a token and deleting a customer log nothing secret either.
    await t.admin.delete(`/api/v1/customers/${customer.id}/tokens/${extra.body.id}`).expect(204);

    const text = logs.text;
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  }, 180_000);

  it('gives every request an id, returned to the client and carried by the lines logged while serving it', async () => {
    logs.clear();
    await deliverStripe(t, stripeEvent('invoice.paid', stripeInvoice('cus_unknown')))
      .set('X-Request-Id', 'lb-trace-42')
      .expect(200);
    const res = await t.http().get('/health/live').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logs.lines;
    const access = lines.filter((line) => line.res !== undefined);
    expect(access.map((line) => [line.req?.route, line.res?.statusCode, line.reqId])).toEqual([
      ['webhook', 200, 'lb-trace-42'],
      ['health', 200, res.headers['x-request-id']],
    ]);
    const webhookLine = lines.find((line) => line.context === 'BillingWebhooks');
    expect(webhookLine?.reqId).toBe('lb-trace-42');
    for (const line of lines) {
      expect(typeof line.time).toBe('string');
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
    }
  });
});
