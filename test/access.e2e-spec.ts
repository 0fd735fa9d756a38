import { createTestApp, TestApp } from './helpers/test-app';

describe('Package access grants (admin API)', () => {
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

  it('grants a package (201), and a second grant replaces the constraint (200)', async () => {
    const created = await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '^2.0' })
      .expect(201);
    expect(created.body).toMatchObject({ package: 'vendor/package', constraint: '^2.0' });
    const replaced = await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '>=1.0 <3.0' })
      .expect(200);
    expect(replaced.body.constraint).toBe('>=1.0 <3.0');
    const list = await t.admin.get(`/api/v1/customers/${id}/packages`).expect(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ package: 'vendor/package', constraint: '>=1.0 <3.0' });
  });

  const validConstraints = [
    '*',
    '^2.0',
    '~1.2',
    '>=1.0 <3.0',
    '>=1.0,<3.0',
    '1.0.*',
    '2.0.0',
    '^1.0 || ^2.0',
    '^1.0 | ^2.0',
    '1.0 - 2.0',
    '^2.0@beta',
    '1.2.3.4',
    'dev-main',
    '!=1.5.0',
    'v1.2.3',
  ];
  it.each(validConstraints.map((c) => [c]))('accepts the Composer constraint %s', async (constraint) => {
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint }).expect(201);
  });

  const invalidConstraints = ['^', '>=', 'foo bar', '1.2.3.4.5', '^1.0 ||', '>=1.0 <', 'latest', '~'];
  it.each(invalidConstraints.map((c) => [c]))(
    'refuses the invalid constraint %p with 422 saying why',
    async (constraint) => {
      const res = await t.admin
        .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint })
        .expect(422);
      expect(res.body.error).toBe('invalid_constraint');
      expect(res.body.message).toContain(constraint);
      expect((await t.admin.get(`/api/v1/customers/${id}/packages`)).body).toEqual([]);
    },
  );

  it('keeps the previous constraint when a replacement is invalid', async () => {
    await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '^2.0' })
      .expect(201);
    await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '^^2' })
      .expect(422);
    expect((await t.admin.get(`/api/v1/customers/${id}/packages`)).body[0].constraint).toBe('^2.0');
  });

  it.each([
    ['Vendor/Package'],
    ['vendor'],
    ['vendor/'],
    ['../etc/passwd'],
    ['vendor/pack age'],
    ['vendor//package'],
    ['a/' + 'b'.repeat(300)],
  ])('refuses the package name %p with 400', async (name) => {
    const res = await t.admin.post(`/api/v1/customers/${id}/packages`, { package: name, constraint: '*' }).expect(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain('package');
  });

  it('refuses missing fields and wrong types with 400', async () => {
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package' }).expect(400);
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: 2 }).expect(400);
    await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '*', extra: 1 })
      .expect(400);
  });

  it('grants a package that is not published yet', async () => {
    await t.admin
      .post(`/api/v1/customers/${id}/packages`, { package: 'vendor/future-thing', constraint: '*' })
      .expect(201);
  });

  it('revokes with the name URL-encoded', async () => {
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '*' }).expect(201);
    await t.admin.delete(`/api/v1/customers/${id}/packages/vendor%2Fpackage`).expect(204);
    expect((await t.admin.get(`/api/v1/customers/${id}/packages`)).body).toEqual([]);
  });

  it('revokes with the name unencoded', async () => {
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/package', constraint: '*' }).expect(201);
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'vendor/other', constraint: '*' }).expect(201);
    await t.admin.delete(`/api/v1/customers/${id}/packages/vendor/package`).expect(204);
    const list = await t.admin.get(`/api/v1/customers/${id}/packages`).expect(200);
    expect(list.body.map((g: { package: string }) => g.package)).toEqual(['vendor/other']);
  });

  it('answers 404 when revoking a grant that does not exist', async () => {
    const res = await t.admin.delete(`/api/v1/customers/${id}/packages/vendor%2Fpackage`).expect(404);
    expect(res.body.error).toBe('grant_not_found');
    await t.admin.delete(`/api/v1/customers/${id}/packages/..%2F..%2Fetc`).expect(404);
  });

  it('answers 404 for grants of an unknown customer', async () => {
    await t.admin
      .post('/api/v1/customers/cust_nobody/packages', { package: 'vendor/package', constraint: '*' })
      .expect(404);
    await t.admin.get('/api/v1/customers/cust_nobody/packages').expect(404);
    await t.admin.delete('/api/v1/customers/cust_nobody/packages/vendor%2Fpackage').expect(404);
  });
});
