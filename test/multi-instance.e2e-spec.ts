import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/** Two Packyard instances on one database, as behind a load balancer. */
describe('Several instances sharing a database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
    await publish(a, 'acme/widget', '1.0.0');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** The change reaches the other instance through PostgreSQL NOTIFY, a few milliseconds later. */
  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  it("drops one instance's cached view when another instance commits a change", async () => {
    const { id, token } = await createCustomer(a, { 'acme/widget': '*' });
    // Warm instance B's caches.
    await b.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    await b.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);

    await a.admin.post(`/api/v1/customers/${id}/suspend`).expect(200);
    const refused = await eventually(
      async () => (await b.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token))).status === 403,
    );
    expect(refused).toBe(true);

    await a.admin.post(`/api/v1/customers/${id}/reactivate`).expect(200);
    await publish(a, 'acme/widget', '1.1.0');
    const sawRelease = await eventually(async () => {
      const res = await b.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token));
      return res.status === 200 && res.body.packages['acme/widget'].length === 2;
    });
    expect(sawRelease).toBe(true);
  });
});
