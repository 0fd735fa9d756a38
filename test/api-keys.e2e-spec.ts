import { createTestApp, TestApp } from './helpers/test-app';

describe('Scoped API keys', () => {
  let t: TestApp;
  const as = (key: string) => ({
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body: object = {}) => t.http().post(path).set('Authorization', `Bearer ${key}`).send(body),
    delete: (path: string) => t.http().delete(path).set('Authorization', `Bearer ${key}`),
  });
  const createKey = async (name: string, scopes: string[]) =>
    (await t.admin.post('/api/v1/api-keys', { name, scopes }).expect(201)).body as { id: string; key: string };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows the secret once and lists the key without it', async () => {
    const created = await createKey('crm', ['customers:read']);
    expect(created.key).toMatch(/^pk_[0-9A-Za-z]{40}$/);
    const list = (await t.admin.get('/api/v1/api-keys').expect(200)).body;
    const listed = list.find((key: { id: string }) => key.id === created.id);
    expect(listed).toMatchObject({ name: 'crm', scopes: ['customers:read'], last_used_at: null });
    expect(JSON.stringify(list)).not.toContain(created.key);
  });

  it('lets a key do what its scopes allow, records its name as the actor and its last use', async () => {
    const { id, key } = await createKey('billing-service', ['customers:read', 'customers:write']);
    const customer = (await as(key).post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201))
      .body;
    await as(key).post(`/api/v1/customers/${customer.id}/suspend`, { reason: 'Payment failed' }).expect(200);
    const history = (await t.admin.get(`/api/v1/customers/${customer.id}/events`).expect(200)).body.data;
    expect(history.map((event: { actor: string }) => event.actor)).toEqual(
      expect.arrayContaining(['key:billing-service']),
    );
    expect(history.every((event: { actor: string }) => event.actor === 'key:billing-service')).toBe(true);
    const listed = (await t.admin.get('/api/v1/api-keys').expect(200)).body.find((k: { id: string }) => k.id === id);
    expect(listed.last_used_at).not.toBeNull();
  });

  it('refuses a call outside the key scopes with 403 insufficient_scope naming the scope', async () => {
    const { key } = await createKey('support-tool', ['customers:read']);
    await as(key).get('/api/v1/customers').expect(200);
    const refused = await as(key).post('/api/v1/customers', { name: 'Nope', email: 'no@pe.com' }).expect(403);
    expect(refused.body).toMatchObject({ error: 'insufficient_scope', details: { required: 'customers:write' } });
    expect(refused.body.message).toContain('customers:write');
    expect((await as(key).get('/api/v1/packages').expect(403)).body.details.required).toBe('packages:read');
    expect((await as(key).get('/api/v1/api-keys').expect(403)).body.details.required).toBe('api-keys:manage');
  });

  it('keeps X-Packyard-Actor for the root key only', async () => {
    const { key } = await createKey('shop', ['customers:read']);
    const res = await as(key).get('/api/v1/customers').set('X-Packyard-Actor', 'someone-else').expect(400);
    expect(res.body.error).toBe('actor_header_not_allowed');
    await t.admin.get('/api/v1/customers').set('X-Packyard-Actor', 'crm').expect(200);
  });

  it('refuses a revoked or expired key, and bad input', async () => {
    const { id, key } = await createKey('old-service', ['customers:read']);
    await t.admin.delete(`/api/v1/api-keys/${id}`).expect(204);
    expect((await as(key).get('/api/v1/customers').expect(401)).body.error).toBe('unauthorized');
    await t.admin.delete(`/api/v1/api-keys/${id}`).expect(404);
    const bad = await t.admin.post('/api/v1/api-keys', { name: 'x', scopes: ['customers:fly'] }).expect(400);
    expect(bad.body.error).toBe('validation_failed');
    await t.admin.post('/api/v1/api-keys', { name: 'Bad Name', scopes: ['customers:read'] }).expect(400);
    await t.admin
      .post('/api/v1/api-keys', { name: 'past', scopes: ['customers:read'], expires_at: '2001-01-01T00:00:00Z' })
      .expect(400);
    expect(
      (await t.admin.post('/api/v1/api-keys', { name: 'crm', scopes: ['customers:read'] }).expect(409)).body.error,
    ).toBe('api_key_name_taken');
  });

  it('lets a key with api-keys:manage manage keys', async () => {
    const { key } = await createKey('key-admin', ['api-keys:manage']);
    const made = (
      await as(key)
        .post('/api/v1/api-keys', { name: 'made-by-key', scopes: ['events:read'] })
        .expect(201)
    ).body;
    await as(key).delete(`/api/v1/api-keys/${made.id}`).expect(204);
  });
});
