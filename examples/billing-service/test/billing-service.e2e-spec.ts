import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PackyardApiError, PackyardClient, PackyardModule } from '@packyard/client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { findFreePort } from '../../../src/database/embedded-postgres';
import { startNats, TestNats } from '../../../test/helpers/nats';
import { ADMIN_TOKEN, createTestApp, TestApp } from '../../../test/helpers/test-app';
import { waitFor } from '../../../test/helpers/webhook-receiver';
import { AccessNotifications } from '../src/access-notifications';
import { BillingServiceConfig, BillingServiceModule } from '../src/billing-service.module';

/**
 * The example billing service, a separate Nest app using @packyard/client, against a running
 * Packyard: one instance answering message patterns on TCP, one on NATS, both publishing events
 * to a JetStream stream unique to this run.
 */
describe('A billing service using @packyard/client', () => {
  let nats: TestNats;
  let packyard: TestApp;
  let packyardOnNats: TestApp;
  let tcpPort: number;
  let billingKey: string;
  let supportKey: string;
  const running: INestApplication[] = [];

  async function startBilling(
    config: Omit<BillingServiceConfig, 'packyard'> & { packyard?: BillingServiceConfig['packyard'] },
  ) {
    const app = await NestFactory.create(
      BillingServiceModule.forRoot({
        packyard: { baseUrl: packyard.url, apiKey: billingKey, backoffMs: 20 },
        ...config,
      }),
      { rawBody: true, logger: ['error'] },
    );
    await app.listen(await findFreePort(), '127.0.0.1');
    running.push(app);
    return {
      app,
      http: () => request(app.getHttpServer()),
      notifications: app.get(AccessNotifications),
      url: await app.getUrl(),
    };
  }

  async function stop(app: INestApplication) {
    running.splice(running.indexOf(app), 1);
    await app.close();
  }

  const natsEvents = (durableName: string) => ({ nats: { servers: nats.url, stream: nats.stream, durableName } });

  async function clientFor(
    options: Parameters<typeof PackyardModule.forRoot>[0],
  ): Promise<{ client: PackyardClient; close: () => Promise<void> }> {
    const holder = await NestFactory.createApplicationContext(PackyardModule.forRoot(options), { logger: false });
    return { client: holder.get(PackyardClient), close: () => holder.close() };
  }

  beforeAll(async () => {
    nats = await startNats();
    tcpPort = await findFreePort();
    const shared = {
      NATS_URL: nats.url,
      NATS_SUBJECT_PREFIX: nats.subjectPrefix,
      NATS_STREAM: nats.stream,
      RELAY_POLL_MS: '200',
      HOST: '127.0.0.1',
    };
    packyardOnNats = await createTestApp({ ...shared, MICROSERVICE_TRANSPORT: 'nats' });
    packyard = await createTestApp({ ...shared, MICROSERVICE_TRANSPORT: 'tcp', MICROSERVICE_PORT: String(tcpPort) });
    const scopes = ['customers:read', 'customers:write', 'access:write', 'events:read'];
    billingKey = (await packyard.admin.post('/api/v1/api-keys', { name: 'billing-service', scopes }).expect(201)).body
      .key;
    supportKey = (
      await packyard.admin.post('/api/v1/api-keys', { name: 'support-tool', scopes: ['customers:read'] }).expect(201)
    ).body.key;
    // Creating the durable consumer before any event: it starts with the new ones.
    await stop((await startBilling({ events: natsEvents('billing-nats') })).app);
  });

  afterAll(async () => {
    for (const app of running.splice(0)) await app.close();
    await packyard?.close();
    await packyardOnNats?.close();
    await nats?.stop();
  });

  it('creates a customer, grants, suspends, and hears customer.status_changed from NATS and from a signed webhook', async () => {
    const fromNats = await startBilling({ events: natsEvents('billing-nats') });
    const fromWebhook = await startBilling({ events: { webhook: { secret: 'whsec_billing-example-secret' } } });
    await packyard.admin
      .post('/api/v1/webhooks', {
        url: `${fromWebhook.url}/packyard/webhooks`,
        events: ['customer.status_changed'],
        secret: 'whsec_billing-example-secret',
      })
      .expect(201);

    const subscribed = (
      await fromNats
        .http()
        .post('/subscriptions')
        .send({ name: 'Acme', email: 'dev@acme.com', package: 'acme/widget', constraint: '^2.0' })
        .expect(201)
    ).body;
    expect(subscribed.grant).toMatchObject({ package: 'acme/widget', constraint: '^2.0' });
    expect(subscribed.token).toMatch(/^tok_/);
    const customerId: string = subscribed.customer.id;
    await fromNats.http().post(`/subscriptions/${customerId}/payment-failed`).expect(200);

    for (const consumer of [fromNats, fromWebhook]) {
      const event = await waitFor(() => consumer.notifications.statusChanges.find((e) => e.customer_id === customerId));
      expect(event).toMatchObject({
        type: 'customer.status_changed',
        actor: 'key:billing-service',
        data: { from: 'active', to: 'suspended', reason: 'Payment failed' },
      });
    }
    expect(fromNats.notifications.grants.map((e) => e.type)).toEqual(['access.granted']);

    // Only Packyard's signature opens the webhook route.
    await fromWebhook
      .http()
      .post('/packyard/webhooks')
      .send({ id: 'evt_forged', type: 'customer.status_changed' })
      .expect(401);
    await stop(fromNats.app);
    await stop(fromWebhook.app);
  });

  it('delivers to a consumer that was stopped what happened meanwhile, after it restarts', async () => {
    const { client, close } = await clientFor({ baseUrl: packyard.url, apiKey: billingKey });
    const customer = await client.createCustomer({ name: 'Downtime Inc', email: 'ops@downtime.test' });
    await client.suspendCustomer(customer.id, 'Card expired');
    await client.reactivateCustomer(customer.id);
    await close();
    // The relay has published both changes before the consumer comes back.
    await waitFor(
      async () =>
        (await packyard.app.get(DataSource).query(`SELECT 1 FROM change_events WHERE published_at IS NULL`)).length ===
        0,
    );
    const restarted = await startBilling({ events: natsEvents('billing-nats') });
    const changes = await waitFor(() => {
      const mine = restarted.notifications.statusChanges.filter((e) => e.customer_id === customer.id);
      return mine.length >= 2 && mine;
    });
    expect(changes.map((e) => e.data.to)).toEqual(['suspended', 'active']);
    await stop(restarted.app);
  });

  it('publishes no event for a change whose transaction rolled back', async () => {
    const dataSource = packyard.app.get(DataSource);
    await dataSource.query(`
      CREATE OR REPLACE FUNCTION fail_rollback_grant() RETURNS trigger AS $$
      BEGIN
        IF NEW.type = 'access.granted' AND NEW.data->'after'->>'package' = 'acme/rolled-back' THEN RAISE EXCEPTION 'test rollback'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await dataSource.query(
      `CREATE TRIGGER fail_rollback_grant BEFORE INSERT ON change_events FOR EACH ROW EXECUTE FUNCTION fail_rollback_grant()`,
    );
    try {
      const consumer = await startBilling({ events: natsEvents('billing-nats') });
      const { client, close } = await clientFor({ baseUrl: packyard.url, apiKey: billingKey, retries: 0 });
      const customer = await client.createCustomer({ name: 'Rollback Ltd', email: 'dev@rollback.test' });
      await expect(client.grantAccess(customer.id, 'acme/rolled-back', '^1.0')).rejects.toMatchObject({
        status: 500,
        code: 'internal_error',
      });
      await expect(client.grantAccess(customer.id, 'acme/widget', '^^1')).rejects.toMatchObject({
        status: 422,
        code: 'invalid_constraint',
      });
      await client.grantAccess(customer.id, 'acme/kept', '^1.0');
      await client.suspendCustomer(customer.id);
      await close();
      await waitFor(() => consumer.notifications.statusChanges.some((e) => e.customer_id === customer.id));
      const grants = consumer.notifications.grants.filter((e) => e.customer_id === customer.id);
      expect(grants.map((e) => (e.data.after as { package: string }).package)).toEqual(['acme/kept']);
      await stop(consumer.app);
    } finally {
      await dataSource.query(`DROP TRIGGER fail_rollback_grant ON change_events`);
    }
  });

  it.each([
    ['TCP', () => ({ transport: 'tcp' as const, host: '127.0.0.1', port: tcpPort })],
    ['NATS', () => ({ transport: 'nats' as const, servers: nats.url, subjectPrefix: nats.subjectPrefix })],
  ])(
    'does the same over the %s microservice transport, with the same validation, errors and history',
    async (_name, transport) => {
      const billing = await startBilling({ packyard: { ...transport(), apiKey: billingKey } });
      const subscribed = (
        await billing
          .http()
          .post('/subscriptions')
          .send({ name: 'Wire Co', email: 'dev@wire.test', package: 'acme/widget', constraint: '^2.0' })
          .expect(201)
      ).body;
      const suspended = (
        await billing.http().post(`/subscriptions/${subscribed.customer.id}/payment-failed`).expect(200)
      ).body;
      expect(suspended).toMatchObject({
        id: subscribed.customer.id,
        status: 'suspended',
        status_reason: 'Payment failed',
      });
      const history = (await packyard.admin.get(`/api/v1/customers/${subscribed.customer.id}/events`).expect(200)).body
        .data;
      expect(new Set(history.map((e: { actor: string }) => e.actor))).toEqual(new Set(['key:billing-service']));

      const { client, close } = await clientFor({ ...transport(), apiKey: billingKey });
      try {
        const invalid = await client.createCustomer({ name: 'x', email: 'not-an-email' }).catch((e: unknown) => e);
        expect(invalid).toBeInstanceOf(PackyardApiError);
        expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' });
        await expect(client.getCustomer('cust_missing')).rejects.toMatchObject({
          status: 404,
          code: 'customer_not_found',
        });
        await expect(client.reactivateCustomer(subscribed.customer.id)).resolves.toMatchObject({ status: 'active' });
      } finally {
        await close();
      }
      await stop(billing.app);
    },
  );

  it('refuses a key without customers:write, over HTTP and message patterns alike', async () => {
    const support = await startBilling({ packyard: { baseUrl: packyard.url, apiKey: supportKey } });
    const refused = await support
      .http()
      .post('/subscriptions')
      .send({ name: 'Nope', email: 'no@pe.test', package: 'acme/widget', constraint: '*' })
      .expect(403);
    expect(refused.body).toMatchObject({ error: 'insufficient_scope', details: { required: 'customers:write' } });
    await stop(support.app);
    for (const options of [
      { transport: 'tcp' as const, host: '127.0.0.1', port: tcpPort, apiKey: supportKey },
      { transport: 'nats' as const, servers: nats.url, subjectPrefix: nats.subjectPrefix, apiKey: supportKey },
    ]) {
      const { client, close } = await clientFor(options);
      await expect(client.createCustomer({ name: 'Nope', email: 'no@pe.test' })).rejects.toMatchObject({
        status: 403,
        code: 'insufficient_scope',
      });
      await expect(client.listCustomers()).resolves.toMatchObject({ total: expect.any(Number) });
      await close();
    }
    const { client, close } = await clientFor({
      transport: 'tcp',
      host: '127.0.0.1',
      port: tcpPort,
      apiKey: 'pk_not-a-real-key',
    });
    await expect(client.listCustomers()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await close();
    expect(ADMIN_TOKEN).toBeDefined();
  });
});
