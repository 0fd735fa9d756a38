import { TokensService } from '../src/tokens/tokens.service';
import { createTestApp, TestApp } from './helpers/test-app';

describe('Customer tokens (admin API)', () => {
  let t: TestApp;
  let id: string;
  let firstToken: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    const res = await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201);
    id = res.body.id;
    firstToken = res.body.token;
  });

  it('lists the token created with the customer without its secret', async () => {
    const res = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    expect(res.body).toHaveLength(1);
    expect(Object.keys(res.body[0]).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'label',
      'last_used_at',
      'prefix',
    ]);
    expect(firstToken.startsWith(res.body[0].prefix)).toBe(true);
    expect(res.body[0].prefix.length).toBeLessThan(16);
    expect(JSON.stringify(res.body)).not.toContain(firstToken);
  });

  it('issues additional tokens, shown once, with label and expiry', async () => {
    const res = await t.admin
      .post(`/api/v1/customers/${id}/tokens`, { label: 'CI', expires_at: '2099-01-01T00:00:00Z' })
      .expect(201);
    expect(res.body.token).toMatch(/^tok_[0-9A-Za-z]{32,}$/);
    expect(res.body).toMatchObject({ label: 'CI', expires_at: '2099-01-01T00:00:00.000Z', last_used_at: null });
    const list = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    expect(list.body.map((token: { label: string }) => token.label)).toEqual(['default', 'CI']);
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
  });

  it('records when each token was last used by Composer', async () => {
    const second = await t.admin.post(`/api/v1/customers/${id}/tokens`, { label: 'unused' }).expect(201);
    const before = Date.now();
    await t
      .http()
      .get('/packages.json')
      .set('Authorization', `Basic ${Buffer.from(`token:${firstToken}`).toString('base64')}`)
      .expect(200);
    // Use is written in batches; flush the batch instead of waiting for the timer.
    await t.app.get(TokensService).flushLastUsed();
    const list = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    const used = list.body.find((token: { label: string }) => token.label === 'default');
    expect(Date.parse(used.last_used_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(list.body.find((token: { id: string }) => token.id === second.body.id).last_used_at).toBeNull();
  });

  it('revokes one token and keeps the others', async () => {
    const second = await t.admin.post(`/api/v1/customers/${id}/tokens`, {}).expect(201);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${second.body.id}`).expect(204);
    const list = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    expect(list.body).toHaveLength(1);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${second.body.id}`).expect(404);
  });

  it("does not revoke another customer's token through the wrong customer", async () => {
    const other = await t.admin.post('/api/v1/customers', { name: 'Other', email: 'o@o.com' }).expect(201);
    const otherTokens = await t.admin.get(`/api/v1/customers/${other.body.id}/tokens`).expect(200);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${otherTokens.body[0].id}`).expect(404);
    expect((await t.admin.get(`/api/v1/customers/${other.body.id}/tokens`)).body).toHaveLength(1);
  });

  it('refuses bad token requests', async () => {
    expect(
      (await t.admin.post(`/api/v1/customers/${id}/tokens`, { expires_at: 'tomorrow' }).expect(400)).body.error,
    ).toBe('validation_failed');
    expect(
      (await t.admin.post(`/api/v1/customers/${id}/tokens`, { expires_at: '2001-01-01T00:00:00Z' }).expect(400)).body
        .error,
    ).toBe('expiry_in_past');
    await t.admin.post(`/api/v1/customers/${id}/tokens`, { label: 'x'.repeat(201) }).expect(400);
    await t.admin.post('/api/v1/customers/cust_nobody/tokens', {}).expect(404);
    await t.admin.get('/api/v1/customers/cust_nobody/tokens').expect(404);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/..%2F..`).expect(404);
    expect((await t.admin.get(`/api/v1/customers/${id}/tokens`)).body).toHaveLength(1);
  });
});
