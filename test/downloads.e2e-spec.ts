import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

describe('Download records', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0');
    await publish(t, 'acme/helper', '1.0.0');
  });
  afterAll(() => t.close());

  async function download(token: string, name: string, version: string) {
    const meta = await t.http().get(`/p2/${name}.json`).set('Authorization', basicAuth(token)).expect(200);
    const entry =
      meta.body.packages[name].find((e: { version: string }) => e.version === version) ?? meta.body.packages[name][0];
    await t.http().get(new URL(entry.dist.url).pathname).set('Authorization', basicAuth(token)).expect(200);
  }

  it("lists a customer's downloads newest first and counts them per package and per version", async () => {
    const a = await createCustomer(t, { 'acme/widget': '*', 'acme/helper': '*' }, 'A');
    const b = await createCustomer(t, { 'acme/widget': '*' }, 'B');
    await download(a.token, 'acme/widget', '2.0.0');
    await download(a.token, 'acme/helper', '1.0.0');
    await download(b.token, 'acme/widget', '2.0.0');
    await download(b.token, 'acme/widget', '1.0.0');

    const list = await t.admin.get(`/api/v1/customers/${a.id}/downloads`).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.data.map((d: { package: string; version: string }) => `${d.package}:${d.version}`)).toEqual([
      'acme/helper:1.0.0',
      'acme/widget:2.0.0',
    ]);

    const perPackage = await t.admin.get('/api/v1/downloads').expect(200);
    expect(perPackage.body.map((c: { package: string; downloads: number }) => [c.package, c.downloads])).toEqual([
      ['acme/widget', 3],
      ['acme/helper', 1],
    ]);
    const perVersion = await t.admin.get('/api/v1/downloads?package=acme/widget').expect(200);
    expect(perVersion.body.map((c: { version: string; downloads: number }) => [c.version, c.downloads])).toEqual([
      ['2.0.0', 2],
      ['1.0.0', 1],
    ]);
    const forB = await t.admin.get(`/api/v1/downloads?customer_id=${b.id}`).expect(200);
    expect(forB.body).toEqual([expect.objectContaining({ package: 'acme/widget', downloads: 2 })]);

    // Metadata requests are not downloads.
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(a.token)).expect(200);
    expect((await t.admin.get(`/api/v1/customers/${a.id}/downloads`)).body.total).toBe(2);

    // Counts survive the customer.
    await t.admin.delete(`/api/v1/customers/${b.id}`).expect(204);
    expect((await t.admin.get('/api/v1/downloads')).body[0]).toMatchObject({ package: 'acme/widget', downloads: 3 });
  });

  it('refuses bad filters and unknown customers', async () => {
    await t.admin.get('/api/v1/downloads?package=NotAName').expect(400);
    await t.admin.get('/api/v1/downloads?since=soon').expect(400);
    await t.admin.get('/api/v1/customers/cust_nobody/downloads').expect(404);
  });
});
