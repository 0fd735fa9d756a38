import { AccessVersion } from '../src/common/access-version.service';
import { passChangeClock } from './helpers/time';
import { ComposerFastPath } from '../src/composer-repository/composer-fast-path';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Warm Composer requests are answered before Nest routes them. A customer must not be able to
 * tell: every answer of the fast path equals the one the controller gave for the same request.
 */
describe('Composer fast path', () => {
  let t: TestApp;
  let served: boolean[];

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.' });
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0');
    await publish(t, 'acme/secret', '1.0.0');
    const fastPath = t.app.get(ComposerFastPath);
    const original = fastPath.tryServe.bind(fastPath);
    jest.spyOn(fastPath, 'tryServe').mockImplementation((request, response) => {
      const answered = original(request, response);
      served.push(answered);
      return answered;
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    served = [];
  });

  const compared = ['content-type', 'content-encoding', 'content-length', 'last-modified', 'vary', 'cache-control'];

  async function coldThenWarm(path: string, token: string, headers: Record<string, string> = {}) {
    const send = () => {
      const request = t.http().get(path).set('Authorization', basicAuth(token));
      for (const [name, value] of Object.entries(headers)) request.set(name, value);
      return request;
    };
    // Forget every cached view and token, so the first request takes the normal route.
    t.app.get(AccessVersion).bump();
    served = [];
    const cold = await send();
    const warm = await send();
    expect(served).toEqual([false, true]);
    expect(warm.status).toBe(cold.status);
    expect((warm as unknown as { res: { statusMessage: string } }).res.statusMessage).toBe((cold as unknown as { res: { statusMessage: string } }).res.statusMessage);
    for (const name of compared) expect([name, warm.headers[name]]).toEqual([name, cold.headers[name]]);
    expect(warm.text).toBe(cold.text);
    return warm;
  }

  it('answers packages.json and p2 files exactly as the controller does', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    expect((await coldThenWarm('/packages.json', token)).body['available-packages']).toEqual(['acme/widget']);
    expect((await coldThenWarm('/p2/acme/widget.json', token)).status).toBe(200);
    await coldThenWarm('/p2/acme/widget.json', token, { 'Accept-Encoding': 'gzip' });
  });

  it('answers 404 and 304 exactly as the controller does', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    expect((await coldThenWarm('/p2/acme/secret.json', token)).status).toBe(404);
    expect((await coldThenWarm('/p2/acme/widget~dev.json', token)).status).toBe(404);
    // The change clock stamps changes ahead of the wall clock; a copy is confirmed only once its change lies in the past.
    await passChangeClock(t);
    const lastModified = (await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token))).headers['last-modified'];
    expect((await coldThenWarm('/p2/acme/widget.json', token, { 'If-Modified-Since': lastModified })).status).toBe(304);
  });

  it('refuses a suspended customer exactly as the controller does', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.admin.post(`/api/v1/customers/${id}/suspend`).expect(200);
    const res = await coldThenWarm('/p2/acme/widget.json', token);
    expect(res.status).toBe(403);
    expect(res.body.warning).toContain('Write to billing@vendor.test.');
  });

  it('leaves wrong credentials, the admin token and other URLs to the normal route', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    served = [];
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth('tok_wrong')).expect(401);
    await t.http().get('/p2/acme/widget.json').expect(401);
    await t.http().get('/p2/acme/widget.json?x=1').set('Authorization', basicAuth(token)).expect(200);
    await t.http().get('/p2/acme/widget.json').set('Authorization', 'Bearer test-admin-token-0123456789abcdef').expect(200);
    await t.http().head('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    expect(served).toEqual([false, false, false, false, false]);
  });

  it('falls back to the normal route when it fails, instead of taking the server down', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    jest.spyOn(t.app.get(ComposerFastPath), 'tryServe').mockImplementationOnce(() => {
      throw new Error('simulated fast path bug');
    });
    const res = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    expect(res.body.packages['acme/widget']).toHaveLength(2);
    await t.http().get('/health').expect(200);
  });
});
