import { connect, StringCodec } from 'nats';
import { DataSource } from 'typeorm';
import { findFreePort } from '../src/database/embedded-postgres';
import { spawnNatsServer } from './helpers/nats';
import { createTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/webhook-receiver';

describe('Events to NATS JetStream', () => {
  let t: TestApp;
  let natsPort: number;
  let nats: { url: string; stop: () => Promise<void> } | undefined;

  beforeAll(async () => {
    natsPort = await findFreePort();
    // NATS is down when Packyard starts: it still starts, and changes still commit.
    t = await createTestApp({ NATS_URL: `nats://127.0.0.1:${natsPort}`, NATS_STREAM: 'OUTAGE', RELAY_POLL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
    await nats?.stop();
  });

  it('keeps events while NATS is down and publishes them, once each and in order, when it is back', async () => {
    const customer = (await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201))
      .body;
    await t.admin.post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'Payment failed' }).expect(200);
    await t.admin
      .post(`/api/v1/customers/${customer.id}/packages`, { package: 'acme/widget', constraint: '^1.0' })
      .expect(201);
    const dataSource = t.app.get(DataSource);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const outbox: Array<{ id: string; type: string; published_at: Date | null }> = await dataSource.query(
      `SELECT id, type, published_at FROM change_events ORDER BY sequence`,
    );
    expect(outbox.map((row) => row.type)).toEqual([
      'customer.created',
      'token.issued',
      'customer.status_changed',
      'access.granted',
    ]);
    expect(outbox.every((row) => row.published_at === null)).toBe(true);

    nats = await spawnNatsServer(natsPort);
    await waitFor(
      async () => (await dataSource.query(`SELECT 1 FROM change_events WHERE published_at IS NULL`)).length === 0,
      15_000,
    );

    const connection = await connect({ servers: nats.url });
    try {
      const manager = await connection.jetstreamManager();
      const info = await manager.streams.info('OUTAGE');
      expect(info.state.messages).toBe(outbox.length);
      const codec = StringCodec();
      const stored = [];
      for (let seq = 1; seq <= outbox.length; seq += 1) {
        const message = await manager.streams.getMessage('OUTAGE', { seq });
        stored.push({ subject: message.subject, event: JSON.parse(codec.decode(message.data)) });
      }
      expect(stored.map((m) => m.event.id)).toEqual(outbox.map((row) => row.id));
      expect(stored[2]).toMatchObject({
        subject: 'packyard.customer.status_changed',
        event: {
          type: 'customer.status_changed',
          customer_id: customer.id,
          actor: 'admin',
          data: { from: 'active', to: 'suspended', reason: 'Payment failed' },
        },
      });
    } finally {
      await connection.close();
    }
  });
});
