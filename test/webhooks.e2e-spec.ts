import { DataSource } from 'typeorm';
import { verifySignature } from '../src/events/webhook-signature';
import { createTestApp, TestApp } from './helpers/test-app';
import { waitFor, WebhookReceiver } from './helpers/webhook-receiver';

describe('Outbound webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let webhook: { id: string; secret: string };

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_RETRY_BASE_MS: '100', RELAY_POLL_MS: '100' });
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    webhook = (
      await t.admin
        .post('/api/v1/webhooks', { url, events: ['customer.created', 'customer.status_changed', 'access.granted'] })
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('delivers subscribed events in commit order, signed with the endpoint secret', async () => {
    expect(webhook.secret).toMatch(/^whsec_/);
    const customer = (await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201))
      .body;
    await t.admin.post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'Payment failed' }).expect(200);
    await t.admin.post(`/api/v1/customers/${customer.id}/reactivate`).expect(200);
    const events = await waitFor(() => receiver.events().length >= 3 && receiver.events());
    expect(events.map((event) => event.type)).toEqual([
      'customer.created',
      'customer.status_changed',
      'customer.status_changed',
    ]);
    expect(events[1]).toMatchObject({
      customer_id: customer.id,
      actor: 'admin',
      data: { from: 'active', to: 'suspended', reason: 'Payment failed' },
    });
    expect(events[1].sequence).toBeLessThan(events[2].sequence);
    for (const hit of receiver.received) {
      expect(
        verifySignature(
          webhook.secret,
          hit.body,
          hit.headers['packyard-signature'] as string,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
    }
    expect(
      verifySignature(
        'whsec_wrong-secret-123',
        receiver.received[0].body,
        receiver.received[0].headers['packyard-signature'] as string,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
  });

  it('publishes nothing for a change whose transaction rolled back', async () => {
    const dataSource = t.app.get(DataSource);
    // Fails the transaction at its very end, after the change and its outbox row were written.
    await dataSource.query(`
      CREATE OR REPLACE FUNCTION fail_marked_event() RETURNS trigger AS $$
      BEGIN
        IF NEW.data->>'reason' = 'roll-me-back' THEN RAISE EXCEPTION 'test rollback'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await dataSource.query(
      `CREATE TRIGGER fail_marked_event BEFORE INSERT ON change_events FOR EACH ROW EXECUTE FUNCTION fail_marked_event()`,
    );
    try {
      const before = receiver.received.length;
      const customer = (await t.admin.post('/api/v1/customers', { name: 'Beta', email: 'dev@beta.com' }).expect(201))
        .body;
      await t.admin.post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'roll-me-back' }).expect(500);
      expect((await t.admin.get(`/api/v1/customers/${customer.id}`).expect(200)).body.status).toBe('active');
      await t.admin
        .post(`/api/v1/customers/${customer.id}/packages`, { package: 'acme/widget', constraint: '^^2' })
        .expect(422);
      await t.admin.post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'for real' }).expect(200);
      await waitFor(() => receiver.received.length >= before + 2);
      const published = receiver.events().slice(before);
      expect(published.map((event) => [event.type, event.data.reason ?? null])).toEqual([
        ['customer.created', null],
        ['customer.status_changed', 'for real'],
      ]);
      const outbox = await dataSource.query(`SELECT type FROM change_events WHERE customer_id = $1 ORDER BY sequence`, [
        customer.id,
      ]);
      expect(outbox.map((row: { type: string }) => row.type)).toEqual([
        'customer.created',
        'token.issued',
        'customer.status_changed',
      ]);
    } finally {
      await dataSource.query(`DROP TRIGGER fail_marked_event ON change_events`);
    }
  });

  it('retries while the endpoint is down, keeps order, and logs every attempt', async () => {
    receiver.status = 503;
    const before = receiver.received.length;
    const customer = (await t.admin.post('/api/v1/customers', { name: 'Gamma', email: 'dev@gamma.com' }).expect(201))
      .body;
    await t.admin.post(`/api/v1/customers/${customer.id}/suspend`).expect(200);
    const failing = await waitFor(async () => {
      const page = (await t.admin.get(`/api/v1/webhooks/${webhook.id}/deliveries?status=pending`).expect(200)).body;
      return page.data.find((delivery: { attempts: number; response_status: number }) => delivery.attempts >= 2) as
        { attempts: number; response_status: number; next_attempt_at: string } | undefined;
    });
    expect(failing.response_status).toBe(503);
    expect(failing.next_attempt_at).not.toBeNull();
    receiver.status = 200;
    await waitFor(() => receiver.received.length >= before + 2, 15_000);
    expect(
      receiver
        .events()
        .slice(before)
        .map((event) => event.type),
    ).toEqual(['customer.created', 'customer.status_changed']);
    // The receiver has answered; the relay records the attempt right after.
    const log = await waitFor(async () => {
      const page = (await t.admin.get(`/api/v1/webhooks/${webhook.id}/deliveries`).expect(200)).body;
      return page.data[0].status === 'succeeded' && page;
    });
    expect(log.data[0]).toMatchObject({
      status: 'succeeded',
      response_status: 200,
      event_type: 'customer.status_changed',
    });
    expect(typeof log.data[0].duration_ms).toBe('number');
  });

  it('redelivers one delivery on request, with the same event id', async () => {
    const log = (await t.admin.get(`/api/v1/webhooks/${webhook.id}/deliveries`).expect(200)).body;
    const first = log.data[0];
    const before = receiver.received.length;
    const again = (await t.admin.post(`/api/v1/webhooks/${webhook.id}/deliveries/${first.id}/redeliver`).expect(200))
      .body;
    expect(again).toMatchObject({
      id: first.id,
      status: 'succeeded',
      response_status: 200,
      attempts: first.attempts + 1,
    });
    expect(receiver.events()[before].id).toBe(first.event_id);
    await t.admin.post(`/api/v1/webhooks/${webhook.id}/deliveries/dlv_nope/redeliver`).expect(404);
  });

  it('refuses bad registrations', async () => {
    expect((await t.admin.post('/api/v1/webhooks', { url: 'ftp://x', events: ['*'] }).expect(400)).body.error).toBe(
      'validation_failed',
    );
    await t.admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1/x', events: ['customer.flew'] }).expect(400);
    await t.admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1/x', events: ['*'], secret: 'short' }).expect(400);
    await t.admin.get('/api/v1/webhooks/whk_missing/deliveries').expect(404);
  });
});

describe('Outbound webhooks with two instances', () => {
  let first: TestApp;
  let second: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    first = await createTestApp({ RELAY_POLL_MS: '100' });
    second = await createTestApp({ RELAY_POLL_MS: '100' });
    receiver = new WebhookReceiver();
    await first.admin.post('/api/v1/webhooks', { url: await receiver.start(), events: ['*'] }).expect(201);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
    await receiver.close();
  });

  it('delivers each event once, in commit order, whichever instance committed it', async () => {
    const customer = (await first.admin.post('/api/v1/customers', { name: 'Twin', email: 'dev@twin.test' }).expect(201))
      .body;
    const reasons = Array.from({ length: 6 }, (_, i) => `change ${i}`);
    for (const [i, reason] of reasons.entries()) {
      const instance = i % 2 === 0 ? first : second;
      await instance.admin
        .post(
          `/api/v1/customers/${customer.id}/${i % 2 === 0 ? 'suspend' : 'reactivate'}`,
          i % 2 === 0 ? { reason } : {},
        )
        .expect(200);
    }
    const expected = 2 + reasons.length; // customer.created, token.issued, then the status changes
    await waitFor(() => receiver.received.length >= expected);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = receiver.events();
    expect(events).toHaveLength(expected);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events.map((event) => event.sequence)).toEqual(
      [...events.map((event) => event.sequence)].sort((a, b) => a - b),
    );
    expect(events.filter((event) => event.type === 'customer.status_changed').map((event) => event.data.to)).toEqual([
      'suspended',
      'active',
      'suspended',
      'active',
      'suspended',
      'active',
    ]);
  });
});
