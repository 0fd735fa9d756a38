import { createTestApp, TestApp } from './helpers/test-app';

describe('Customers (admin API)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const acme = { name: 'Acme Corporation', email: 'dev@acme.com', external_id: 'stripe_cus_abc123' };

  it('creates a customer with exactly the seed fields and a one-time token', async () => {
    const res = await t.admin.post('/api/v1/customers', acme).expect(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'created_at',
      'email',
      'external_id',
      'id',
      'name',
      'status',
      'token',
    ]);
    expect(res.body).toMatchObject({ ...acme, status: 'active' });
    expect(res.body.id).toMatch(/^cust_[0-9A-Za-z]+$/);
    expect(res.body.token).toMatch(/^tok_[0-9A-Za-z]{32,}$/);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);

    const fetched = await t.admin.get(`/api/v1/customers/${res.body.id}`).expect(200);
    expect(fetched.body.token).toBeUndefined();
    expect(JSON.stringify(fetched.body)).not.toContain(res.body.token);
  });

  it('creates a customer without external_id', async () => {
    const res = await t.admin.post('/api/v1/customers', { name: 'Solo', email: 'solo@example.com' }).expect(201);
    expect(res.body.external_id).toBeNull();
  });

  it('refuses a duplicate external_id with 409 and keeps the first customer', async () => {
    await t.admin.post('/api/v1/customers', acme).expect(201);
    const res = await t.admin.post('/api/v1/customers', { ...acme, name: 'Impostor' }).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'external_id_taken' });
    const list = await t.admin.get('/api/v1/customers').expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.data[0].name).toBe('Acme Corporation');
  });

  it('finds a customer by external id, and 404s for an unknown one', async () => {
    const created = await t.admin.post('/api/v1/customers', acme).expect(201);
    const res = await t.admin.get('/api/v1/customers/by-external/stripe_cus_abc123').expect(200);
    expect(res.body.id).toBe(created.body.id);
    const missing = await t.admin.get('/api/v1/customers/by-external/nope').expect(404);
    expect(missing.body.error).toBe('customer_not_found');
  });

  it('lists customers in a stable order with pagination and filters', async () => {
    for (let i = 0; i < 5; i += 1) {
      await t.admin
        .post('/api/v1/customers', { name: `Customer ${i}`, email: `c${i}@example.com`, external_id: `ext_${i}` })
        .expect(201);
    }
    const all = await t.admin.get('/api/v1/customers?limit=2&offset=0').expect(200);
    expect(all.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(all.body.data.map((c: { name: string }) => c.name)).toEqual(['Customer 0', 'Customer 1']);
    const page2 = await t.admin.get('/api/v1/customers?limit=2&offset=2').expect(200);
    expect(page2.body.data.map((c: { name: string }) => c.name)).toEqual(['Customer 2', 'Customer 3']);

    const suspendedId = all.body.data[1].id;
    await t.admin.post(`/api/v1/customers/${suspendedId}/suspend`, { reason: 'x' }).expect(200);
    const suspended = await t.admin.get('/api/v1/customers?status=suspended').expect(200);
    expect(suspended.body.data.map((c: { id: string }) => c.id)).toEqual([suspendedId]);

    const byEmail = await t.admin.get('/api/v1/customers?email=C3@EXAMPLE.com').expect(200);
    expect(byEmail.body.data.map((c: { name: string }) => c.name)).toEqual(['Customer 3']);
    const byExternal = await t.admin.get('/api/v1/customers?external_id=ext_4').expect(200);
    expect(byExternal.body.data.map((c: { name: string }) => c.name)).toEqual(['Customer 4']);
    const byName = await t.admin.get('/api/v1/customers?q=omer 2').expect(200);
    expect(byName.body.data.map((c: { name: string }) => c.name)).toEqual(['Customer 2']);
    const wildcard = await t.admin.get('/api/v1/customers?q=%25').expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('rejects bad list queries with 400', async () => {
    await t.admin.get('/api/v1/customers?limit=0').expect(400);
    await t.admin.get('/api/v1/customers?limit=abc').expect(400);
    await t.admin.get('/api/v1/customers?status=happy').expect(400);
    await t.admin.get('/api/v1/customers?unknown=1').expect(400);
  });

  it('updates name, email and external_id, and can clear external_id', async () => {
    const { body } = await t.admin.post('/api/v1/customers', acme).expect(201);
    const res = await t.admin
      .patch(`/api/v1/customers/${body.id}`, { name: 'Acme Inc', email: 'ops@acme.com', external_id: 'cus_new' })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Acme Inc', email: 'ops@acme.com', external_id: 'cus_new' });
    const cleared = await t.admin.patch(`/api/v1/customers/${body.id}`, { external_id: null }).expect(200);
    expect(cleared.body.external_id).toBeNull();
  });

  it('refuses an update to an external_id another customer has, changing nothing', async () => {
    const first = await t.admin.post('/api/v1/customers', acme).expect(201);
    const second = await t.admin
      .post('/api/v1/customers', { name: 'B', email: 'b@b.com', external_id: 'cus_b' })
      .expect(201);
    await t.admin
      .patch(`/api/v1/customers/${second.body.id}`, { name: 'Renamed', external_id: acme.external_id })
      .expect(409);
    const unchanged = await t.admin.get(`/api/v1/customers/${second.body.id}`).expect(200);
    expect(unchanged.body).toMatchObject({ name: 'B', external_id: 'cus_b' });
    expect((await t.admin.get(`/api/v1/customers/${first.body.id}`)).body.external_id).toBe(acme.external_id);
  });

  it('deletes a customer with its tokens and grants', async () => {
    const { body } = await t.admin.post('/api/v1/customers', acme).expect(201);
    await t.admin
      .post(`/api/v1/customers/${body.id}/packages`, { package: 'vendor/package', constraint: '^2.0' })
      .expect(201);
    await t.admin.delete(`/api/v1/customers/${body.id}`).expect(204);
    await t.admin.get(`/api/v1/customers/${body.id}`).expect(404);
    await t.admin.get(`/api/v1/customers/${body.id}/tokens`).expect(404);
    await t.admin.delete(`/api/v1/customers/${body.id}`).expect(404);
    // The deleted customer's token no longer identifies anyone: the admin API answers 401, not 403.
    await t.http().get('/api/v1/customers').set('Authorization', `Bearer ${body.token}`).expect(401);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['cust_doesnotexist', 'not-an-id', '..%2F..%2Fetc', "cust_x'--"]) {
      const res = await t.admin.get(`/api/v1/customers/${id}`).expect(404);
      expect(res.body.error).toBe('customer_not_found');
    }
  });

  describe('bad input', () => {
    const cases: Array<[string, unknown, string]> = [
      ['missing name', { email: 'a@b.com' }, 'name'],
      ['empty name', { name: '   ', email: 'a@b.com' }, 'name'],
      ['name as number', { name: 42, email: 'a@b.com' }, 'name'],
      ['bad email', { name: 'A', email: 'not-an-email' }, 'email'],
      ['over-long name', { name: 'x'.repeat(201), email: 'a@b.com' }, 'name'],
      ['over-long external_id', { name: 'A', email: 'a@b.com', external_id: 'x'.repeat(201) }, 'external_id'],
      ['unknown field', { name: 'A', email: 'a@b.com', role: 'admin' }, 'role'],
      ['token supplied by the caller', { name: 'A', email: 'a@b.com', token: 'tok_mine' }, 'token'],
    ];
    it.each(cases)('refuses %s with a 400 naming the field and writes nothing', async (_label, body, field) => {
      const res = await t.admin.post('/api/v1/customers', body as object).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect((await t.admin.get('/api/v1/customers')).body.total).toBe(0);
    });

    it('refuses malformed JSON with 400', async () => {
      const res = await t.admin
        .post('/api/v1/customers')
        .set('Content-Type', 'application/json')
        .send('{"name": "Acme", ')
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'malformed_json' });
    });

    it('refuses a JSON array body with 400', async () => {
      await t.admin.post('/api/v1/customers').set('Content-Type', 'application/json').send('[1,2]').expect(400);
    });

    it('refuses a body over the size limit with 413', async () => {
      const res = await t.admin
        .post('/api/v1/customers', { name: 'x'.repeat(2 * 1024 * 1024), email: 'a@b.com' })
        .expect(413);
      expect(res.body.error).toBe('payload_too_large');
    });

    it('answers an unknown route with a JSON 404', async () => {
      const res = await t.admin.get('/api/v1/nothing-here').expect(404);
      expect(res.body.statusCode).toBe(404);
    });
  });
});
