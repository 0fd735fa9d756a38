import { createTestApp, TestApp } from './helpers/test-app';

interface EventBody {
  type: string;
  actor: string;
  customer_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  occurred_at: string;
}

describe('Customer history', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const events = async (id: string): Promise<EventBody[]> =>
    (await t.admin.get(`/api/v1/customers/${id}/events?limit=200`).expect(200)).body.data;

  it('records every change with who did it, newest first, with before and after values', async () => {
    const { body } = await t.admin
      .post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com', external_id: 'cus_1' })
      .expect(201);
    const id = body.id;
    await t.admin.patch(`/api/v1/customers/${id}`, { name: 'Acme Inc' }).expect(200);
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'acme/widget', constraint: '^1.0' }).expect(201);
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'acme/widget', constraint: '^2.0' }).expect(200);
    await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'Payment failed' }).expect(200);
    await t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'again' }).expect(200);
    await t.admin
      .post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: 'acme/widget', version: '2.0.0' }] })
      .expect(200);
    const token = await t.admin.post(`/api/v1/customers/${id}/tokens`, { label: 'CI' }).expect(201);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${token.body.id}`).expect(204);
    await t.admin.delete(`/api/v1/customers/${id}/packages/acme/widget`).expect(204);

    const history = await events(id);
    expect(history.map((e) => e.type)).toEqual([
      'grant.revoked',
      'token.revoked',
      'token.issued',
      'customer.frozen_versions_changed',
      'customer.status_changed',
      'customer.status_changed',
      'grant.updated',
      'grant.created',
      'customer.updated',
      'token.issued',
      'customer.created',
    ]);
    expect(new Set(history.map((e) => e.actor))).toEqual(new Set(['admin']));
    const byType = (type: string) => history.filter((e) => e.type === type);
    expect(byType('customer.updated')[0]).toMatchObject({ before: { name: 'Acme' }, after: { name: 'Acme Inc' } });
    expect(byType('grant.updated')[0]).toMatchObject({ before: { constraint: '^1.0' }, after: { constraint: '^2.0' } });
    expect(byType('customer.status_changed').map((e) => [e.before?.status, e.after?.status])).toEqual([
      ['suspended', 'frozen'],
      ['active', 'suspended'],
    ]);
    expect(byType('customer.status_changed')[1].after).toMatchObject({ status_reason: 'Payment failed' });
    expect(byType('customer.frozen_versions_changed')[0].after).toEqual({ versions: ['acme/widget:2.0.0'] });
    expect(byType('token.revoked')[0].before).toMatchObject({ token_id: token.body.id, label: 'CI' });
    expect(JSON.stringify(history)).not.toContain(token.body.token);
  });

  it('names an internal caller that identifies itself', async () => {
    const { body } = await t.admin
      .post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' })
      .set('X-Packyard-Actor', 'billing-sync')
      .expect(201);
    expect((await events(body.id)).map((e) => e.actor)).toEqual(['internal:billing-sync', 'internal:billing-sync']);
    await t.admin.post(`/api/v1/customers/${body.id}/suspend`).set('X-Packyard-Actor', 'Bad Name!').expect(400);
    expect((await t.admin.get(`/api/v1/customers/${body.id}`)).body.status).toBe('active');
  });

  it('keeps the history of a deleted customer, searchable by customer, type and time', async () => {
    const before = new Date().toISOString();
    const { body } = await t.admin.post('/api/v1/customers', { name: 'Gone', email: 'gone@acme.com' }).expect(201);
    await t.admin.delete(`/api/v1/customers/${body.id}`).expect(204);
    await t.admin.get(`/api/v1/customers/${body.id}/events`).expect(404);

    const all = await t.admin.get(`/api/v1/events?customer_id=${body.id}`).expect(200);
    expect(all.body.data.map((e: EventBody) => e.type)).toEqual([
      'customer.deleted',
      'token.issued',
      'customer.created',
    ]);
    expect(all.body.data[0].before).toMatchObject({ name: 'Gone', email: 'gone@acme.com' });

    const deletions = await t.admin
      .get(`/api/v1/events?type=customer.deleted&since=${encodeURIComponent(before)}`)
      .expect(200);
    expect(deletions.body.total).toBe(1);
    const none = await t.admin.get(`/api/v1/events?until=${encodeURIComponent(before)}`).expect(200);
    expect(none.body.total).toBe(0);
  });

  it('paginates events and refuses bad filters', async () => {
    const { body } = await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201);
    for (let i = 0; i < 3; i += 1)
      await t.admin.patch(`/api/v1/customers/${body.id}`, { name: `Acme ${i}` }).expect(200);
    const page = await t.admin.get(`/api/v1/customers/${body.id}/events?limit=2&offset=1`).expect(200);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.body.data.map((e: EventBody) => e.after?.name)).toEqual(['Acme 1', 'Acme 0']);
    await t.admin.get('/api/v1/events?type=nonsense').expect(400);
    await t.admin.get('/api/v1/events?since=yesterday').expect(400);
  });

  it('records nothing for a refused change', async () => {
    const { body } = await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201);
    await t.admin
      .post(`/api/v1/customers/${body.id}/packages`, { package: 'acme/widget', constraint: '^^' })
      .expect(422);
    await t.admin.post(`/api/v1/customers/${body.id}/expire`).expect(200);
    await t.admin.post(`/api/v1/customers/${body.id}/suspend`).expect(409);
    expect((await events(body.id)).map((e) => e.type)).toEqual([
      'customer.status_changed',
      'token.issued',
      'customer.created',
    ]);
  });
});
