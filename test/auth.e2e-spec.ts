import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';

describe('Admin API authentication', () => {
  let t: TestApp;
  let customerToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    customerToken = (await t.admin.post('/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201)).body
      .token;
  });
  afterAll(() => t.close());

  it('answers 401 with a Bearer challenge without credentials', async () => {
    const res = await t.http().get('/api/v1/customers').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'unauthorized' });
  });

  it('answers 401 for a wrong admin token', async () => {
    await t.http().get('/api/v1/customers').set('Authorization', `Bearer ${ADMIN_TOKEN}x`).expect(401);
    await t.http().get('/api/v1/customers').set('Authorization', 'Bearer ').expect(401);
  });

  it('does not take the admin token through Basic auth', async () => {
    const basic = Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64');
    await t.http().get('/api/v1/customers').set('Authorization', `Basic ${basic}`).expect(401);
  });

  it('answers 403 for a customer token', async () => {
    const res = await t.http().get('/api/v1/customers').set('Authorization', `Bearer ${customerToken}`).expect(403);
    expect(res.body.error).toBe('forbidden');
    await t
      .http()
      .post('/api/v1/customers')
      .set('Authorization', `Bearer ${customerToken}`)
      .send({ name: 'x', email: 'x@x.com' })
      .expect(403);
  });

  it('protects every admin route, including mutations', async () => {
    await t.http().post('/api/v1/customers').send({ name: 'x', email: 'x@x.com' }).expect(401);
    await t.http().delete('/api/v1/customers/cust_x').expect(401);
    await t.http().post('/api/v1/customers/cust_x/suspend').expect(401);
    expect((await t.admin.get('/api/v1/customers')).body.total).toBe(1);
  });
});

describe('Health and API documentation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports database reachability without authentication', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('serves Swagger UI and an OpenAPI document describing every admin route', async () => {
    await t.http().get('/docs').expect(200).expect('Content-Type', /html/);
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/customers',
      '/api/v1/customers/{id}',
      '/api/v1/customers/by-external/{externalId}',
      '/api/v1/customers/{id}/suspend',
      '/api/v1/customers/{id}/reactivate',
      '/api/v1/customers/{id}/freeze',
      '/api/v1/customers/{id}/expire',
      '/api/v1/customers/{id}/tokens',
      '/api/v1/customers/{id}/tokens/{tokenId}',
      '/api/v1/customers/{id}/packages',
      '/api/v1/customers/{id}/events',
      '/api/v1/customers/{id}/downloads',
      '/api/v1/events',
      '/api/v1/downloads',
      '/api/v1/packages',
      '/api/v1/packages/{vendor}/{name}',
      '/packages.json',
      '/p2/{vendor}/{file}',
      '/health',
    ]) {
      expect(paths).toContain(path);
    }
    expect(doc.components.securitySchemes.admin).toMatchObject({ type: 'http', scheme: 'bearer' });
    const create = doc.paths['/api/v1/customers'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toContain('CreateCustomerDto');
    expect(create.responses['201']).toBeDefined();
    const created = doc.components.schemas.CreatedCustomerDto;
    expect(Object.keys(created.properties).sort()).toEqual([
      'created_at',
      'email',
      'external_id',
      'id',
      'name',
      'status',
      'token',
    ]);
    for (const [page, item] of [
      ['CustomerPageDto', 'CustomerDto'],
      ['EventPageDto', 'EventDto'],
      ['DownloadPageDto', 'DownloadDto'],
      ['PackagePageDto', 'PackageSummaryDto'],
    ]) {
      expect([page, doc.components.schemas[page].properties.data.items.$ref]).toEqual([
        page,
        `#/components/schemas/${item}`,
      ]);
      expect(doc.components.schemas[page].required).toEqual(
        expect.arrayContaining(['data', 'total', 'limit', 'offset']),
      );
    }
  });
});
