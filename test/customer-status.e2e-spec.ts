import { createTestApp, TestApp } from './helpers/test-app';

describe('Customer status actions (admin API)', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    id = (await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201)).body.id;
  });

  it('suspends with a reason, then reactivates', async () => {
    const suspended = await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'Payment failed' }).expect(200);
    expect(suspended.body).toMatchObject({ id, status: 'suspended', status_reason: 'Payment failed' });
    expect(Date.parse(suspended.body.status_changed_at)).not.toBeNaN();

    const active = await t.admin.post(`/api/v1/customers/${id}/reactivate`).expect(200);
    expect(active.body).toMatchObject({ status: 'active', status_reason: null });
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('active');
  });

  it('suspends without a body', async () => {
    const res = await t.admin.post(`/api/v1/customers/${id}/suspend`).expect(200);
    expect(res.body).toMatchObject({ status: 'suspended', status_reason: null });
  });

  it('is idempotent: repeating an action keeps the first change time and reason', async () => {
    const first = await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'Payment failed' }).expect(200);
    const again = await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'Another reason' }).expect(200);
    expect(again.body.status_changed_at).toBe(first.body.status_changed_at);
    expect(again.body.status_reason).toBe('Payment failed');
    const reactivated = await t.admin.post(`/api/v1/customers/${id}/reactivate`).expect(200);
    await t.admin.post(`/api/v1/customers/${id}/reactivate`).expect(200);
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status_changed_at).toBe(
      reactivated.body.status_changed_at,
    );
  });

  it('expires with a reason', async () => {
    const res = await t.admin.post(`/api/v1/customers/${id}/expire`, { reason: 'Subscription ended' }).expect(200);
    expect(res.body).toMatchObject({ status: 'expired', status_reason: 'Subscription ended' });
  });

  it('freezes to exact versions, and a second freeze replaces the list', async () => {
    const res = await t.admin
      .post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: 'vendor/package', version: '2.0.0' }] })
      .expect(200);
    expect(res.body).toMatchObject({
      id,
      status: 'frozen',
      frozen_versions: [{ package: 'vendor/package', version: '2.0.0' }],
    });
    const replaced = await t.admin
      .post(`/api/v1/customers/${id}/freeze`, {
        versions: [
          { package: 'vendor/package', version: 'v2.1.0' },
          { package: 'vendor/other', version: '1.0' },
        ],
      })
      .expect(200);
    expect(replaced.body.frozen_versions).toEqual([
      { package: 'vendor/other', version: '1.0' },
      { package: 'vendor/package', version: 'v2.1.0' },
    ]);
    expect(replaced.body.status_changed_at).toBe(res.body.status_changed_at);
  });

  it('refuses a freeze with an invalid version with 422 and leaves the customer active', async () => {
    const res = await t.admin
      .post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: 'vendor/package', version: 'not a version' }] })
      .expect(422);
    expect(res.body.error).toBe('invalid_version');
    expect(res.body.message).toContain('not a version');
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('active');
  });

  it('refuses a freeze with a malformed list with 400', async () => {
    await t.admin.post(`/api/v1/customers/${id}/freeze`, { versions: 'all' }).expect(400);
    await t.admin
      .post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: 'Vendor/Package', version: '1.0.0' }] })
      .expect(400);
    await t.admin.post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: 'vendor/package' }] }).expect(400);
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('active');
  });

  it('refuses a transition the status rules do not allow with 409, changing nothing', async () => {
    await t.admin.post(`/api/v1/customers/${id}/expire`, { reason: 'Subscription ended' }).expect(200);
    const refused = await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'x' }).expect(409);
    expect(refused.body).toMatchObject({
      error: 'invalid_status_transition',
      details: { from: 'expired', to: 'suspended' },
    });
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body).toMatchObject({
      status: 'expired',
      status_reason: 'Subscription ended',
    });
  });

  it('answers 404 for status actions on an unknown customer', async () => {
    await t.admin.post('/api/v1/customers/cust_unknown/suspend').expect(404);
    await t.admin.post('/api/v1/customers/cust_unknown/reactivate').expect(404);
    await t.admin.post('/api/v1/customers/cust_unknown/expire').expect(404);
    await t.admin.post('/api/v1/customers/cust_unknown/freeze', { versions: [] }).expect(404);
  });

  it('refuses an over-long reason and unknown fields', async () => {
    await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'x'.repeat(1001) }).expect(400);
    await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'ok', notify: true }).expect(400);
    expect((await t.admin.get(`/api/v1/customers/${id}`)).body.status).toBe('active');
  });
});
