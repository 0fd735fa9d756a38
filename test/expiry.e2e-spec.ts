import { Clock } from '../src/common/clock';
import { ExpirySweeper } from '../src/access/expiry-sweeper.service';
import { basicAuth, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

const HOUR = 3600_000;

describe('Subscription end (expires_at / on_expiry)', () => {
  let t: TestApp;
  let clock: Clock;
  let t0: number;

  beforeAll(async () => {
    t = await createTestApp();
    clock = t.app.get(Clock);
    t0 = clock.now().getTime();
    await publish(t, 'acme/widget', '1.0.0', { releasedAt: new Date(t0 - 48 * HOUR).toISOString() });
    await publish(t, 'acme/widget', '1.1.0', { releasedAt: new Date(t0 - 24 * HOUR).toISOString() });
    // Released after the subscriptions below end (they end at t0 + 1h).
    await publish(t, 'acme/widget', '1.2.0', { releasedAt: new Date(t0 + 2 * HOUR).toISOString() });
  });
  afterAll(() => t.close());

  const versionsSeen = async (token: string) => {
    const res = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token));
    return res.status === 200
      ? res.body.packages['acme/widget'].map((e: { version: string }) => e.version)
      : res.status;
  };

  async function customer(onExpiry: 'expire' | 'freeze') {
    const res = await t.admin
      .post('/api/v1/customers', {
        name: 'Acme',
        email: 'dev@acme.com',
        expires_at: new Date(clock.now().getTime() + HOUR).toISOString(),
        on_expiry: onExpiry,
      })
      .expect(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'created_at',
      'email',
      'external_id',
      'id',
      'name',
      'status',
      'token',
    ]);
    await t.admin
      .post(`/api/v1/customers/${res.body.id}/packages`, { package: 'acme/widget', constraint: '^1.0' })
      .expect(201);
    return res.body as { id: string; token: string };
  }

  it('expires a customer at the instant expires_at passes, before any sweep, then records it', async () => {
    const { id, token } = await customer('expire');
    expect(await versionsSeen(token)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body).toMatchObject({
      status: 'active',
      on_expiry: 'expire',
    });

    clock.travel(HOUR + 1000);
    const refused = await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(403);
    expect(refused.body.warning).toContain('expired');
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('expired');
    const listed = (status: string) =>
      t.admin
        .get(`/api/v1/customers?status=${status}&limit=200`)
        .then((res) => res.body.data.map((c: { id: string }) => c.id));
    expect(await listed('expired')).toContain(id);
    expect(await listed('active')).not.toContain(id);

    expect(await t.app.get(ExpirySweeper).sweep()).toBeGreaterThanOrEqual(1);
    const events = (await t.admin.get(`/api/v1/customers/${id}/events`)).body.data;
    expect(events[0]).toMatchObject({
      type: 'customer.status_changed',
      actor: 'system',
      before: { status: 'active' },
      after: { status: 'expired' },
    });
    expect(await t.app.get(ExpirySweeper).sweep()).toBe(0);
    clock.travel(-(HOUR + 1000));
  });

  it('freezes at expiry to what the grants allowed among versions released before the end', async () => {
    const { id, token } = await customer('freeze');
    const before = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    clock.travel(HOUR + 1000);

    // The cached copy must not be revalidated as unchanged once the subscription has ended.
    const revalidated = await t
      .http()
      .get('/p2/acme/widget.json')
      .set('Authorization', basicAuth(token))
      .set('If-Modified-Since', before.headers['last-modified'])
      .expect(200);
    expect(revalidated.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual([
      '1.1.0',
      '1.0.0',
    ]);
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('frozen');

    await t.app.get(ExpirySweeper).sweep();
    const events = (await t.admin.get(`/api/v1/customers/${id}/events`)).body.data;
    expect(events.map((e: { type: string }) => e.type).slice(0, 2)).toEqual([
      'customer.status_changed',
      'customer.frozen_versions_changed',
    ]);
    expect(events[1].after).toEqual({ versions: ['acme/widget:1.0.0', 'acme/widget:1.1.0'] });
    expect(await versionsSeen(token)).toEqual(['1.1.0', '1.0.0']);

    await publish(t, 'acme/widget', '1.3.0');
    expect(await versionsSeen(token)).toEqual(['1.1.0', '1.0.0']);
    clock.travel(-(HOUR + 1000));
  });

  it('applies to a suspended customer as well', async () => {
    const { id, token } = await customer('expire');
    await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'card' }).expect(200);
    clock.travel(HOUR + 1000);
    const res = await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(403);
    expect(res.body.warning).toContain('expired');
    clock.travel(-(HOUR + 1000));
  });

  it('is settable and clearable with PATCH, and validated', async () => {
    const { id, token } = await customer('expire');
    await t.admin
      .patch(`/api/v1/customers/${id}`, { expires_at: new Date(clock.now().getTime() - 1000).toISOString() })
      .expect(200);
    await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(403);
    const cleared = await t.admin
      .patch(`/api/v1/customers/${id}`, { expires_at: null, on_expiry: 'freeze' })
      .expect(200);
    expect(cleared.body).toMatchObject({ status: 'active', expires_at: null, on_expiry: 'freeze' });
    await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(200);

    await t.admin.patch(`/api/v1/customers/${id}`, { expires_at: 'next week' }).expect(400);
    await t.admin.patch(`/api/v1/customers/${id}`, { on_expiry: 'delete' }).expect(400);
    await t.admin.post('/api/v1/customers', { name: 'A', email: 'a@a.com', on_expiry: 'nothing' }).expect(400);
  });

  it('reactivating after the end starts afresh: the passed expires_at is cleared', async () => {
    const { id, token } = await customer('expire');
    clock.travel(HOUR + 1000);
    await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(403);
    const res = await t.admin.post(`/api/v1/customers/${id}/reactivate`).expect(200);
    expect(res.body).toMatchObject({ status: 'active', expires_at: null });
    await t.http().get('/packages.json').set('Authorization', basicAuth(token)).expect(200);
    clock.travel(-(HOUR + 1000));
  });
});
