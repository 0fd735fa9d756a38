import { DataSource } from 'typeorm';
import { ChangeBus } from '../src/changes/change-bus.service';
import { FLUSH_ALL } from '../src/changes/change-keys';
import { EventRelay } from '../src/events/event-relay.service';
import { TokensService } from '../src/tokens/tokens.service';
import { DownloadRecorder } from '../src/composer-repository/download-recorder.service';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../src/packages/archive-storage';
import { passChangeClock } from './helpers/time';
import { ComposerFastPath } from '../src/composer-repository/composer-fast-path';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/** Reports, for each request, whether the fast path answered it (false: it went on to Nest). */
function watchFastPath(t: TestApp, seen: (answered: boolean) => void): void {
  const fastPath = t.app.get(ComposerFastPath);
  const original = fastPath.tryServe.bind(fastPath);
  jest.spyOn(fastPath, 'tryServe').mockImplementation((request, response) => {
    const answered = original(request, response);
    seen(answered);
    return answered;
  });
}

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
    watchFastPath(t, (answered) => served.push(answered));
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
    t.app.get(ChangeBus).apply(FLUSH_ALL);
    served = [];
    const cold = await send();
    const warm = await send();
    expect(served).toEqual([false, true]);
    expect(warm.status).toBe(cold.status);
    expect((warm as unknown as { res: { statusMessage: string } }).res.statusMessage).toBe(
      (cold as unknown as { res: { statusMessage: string } }).res.statusMessage,
    );
    for (const name of compared) expect([name, warm.headers[name]]).toEqual([name, cold.headers[name]]);
    expect(warm.text).toBe(cold.text);
    // Each answer carries its own request id, whichever path wrote it.
    for (const res of [cold, warm]) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(warm.headers['x-request-id']).not.toBe(cold.headers['x-request-id']);
    return warm;
  }

  it('answers packages.json and p2 files exactly as the controller does', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    expect((await coldThenWarm('/packages.json', token)).body['available-packages']).toEqual(['acme/widget']);
    expect((await coldThenWarm('/p2/acme/widget.json', token)).status).toBe(200);
    await coldThenWarm('/p2/acme/widget.json', token, { 'Accept-Encoding': 'gzip' });
  });

  it("returns the caller's X-Request-Id on the fast path too", async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const send = () =>
      t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).set('X-Request-Id', 'ci-run-7');
    await send().expect(200);
    served = [];
    const warm = await send().expect(200);
    expect([served, warm.headers['x-request-id']]).toEqual([[true], 'ci-run-7']);
  });

  it('answers 404 and 304 exactly as the controller does', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    expect((await coldThenWarm('/p2/acme/secret.json', token)).status).toBe(404);
    expect((await coldThenWarm('/p2/acme/widget~dev.json', token)).status).toBe(404);
    // The change clock stamps changes ahead of the wall clock; a copy is confirmed only once its change lies in the past.
    await passChangeClock(t);
    const lastModified = (await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token))).headers[
      'last-modified'
    ];
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
    await t
      .http()
      .get('/p2/acme/widget.json')
      .set('Authorization', 'Bearer test-admin-token-0123456789abcdef')
      .expect(200);
    await t.http().head('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    expect(served).toEqual([false, false, false, false, false]);
  });

  it('refuses a revoked token on the very next request, in whichever form it was sent', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const forms = [basicAuth(token), `Bearer ${token}`, basicAuth(token).replace('Basic', 'basic')];
    const send = (authorization: string) => t.http().get('/p2/acme/widget.json').set('Authorization', authorization);
    for (const authorization of forms) await send(authorization).expect(200);
    served = [];
    for (const authorization of forms) await send(authorization).expect(200);
    expect(served).toEqual([true, true, true]);

    const [{ id: tokenId }] = (await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200)).body;
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${tokenId}`).expect(204);
    served = [];
    for (const authorization of forms) expect((await send(authorization).expect(401)).body.error).toBe('unauthorized');
    expect(served).toEqual([false, false, false]);
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

describe('Composer fast path for dist downloads', () => {
  let t: TestApp;
  let served: boolean[];

  beforeAll(async () => {
    // The event relay's poll is background work, not a request's: kept out of the query count.
    t = await createTestApp({ ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.', RELAY_POLL_MS: '600000' });
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0-beta1');
    await publish(t, 'acme/secret', '1.0.0');
    watchFastPath(t, (answered) => served.push(answered));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    served = [];
  });

  const compared = [
    'content-type',
    'content-length',
    'content-disposition',
    'location',
    'cache-control',
    'retry-after',
  ];

  function get(path: string, token: string) {
    return t
      .http()
      .get(path)
      .set('Authorization', basicAuth(token))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  async function coldThenWarm(path: string, token: string) {
    t.app.get(ChangeBus).apply(FLUSH_ALL);
    served = [];
    const cold = await get(path, token);
    const warm = await get(path, token);
    expect(served).toEqual([false, true]);
    expect(warm.status).toBe(cold.status);
    for (const name of compared) expect([name, warm.headers[name]]).toEqual([name, cold.headers[name]]);
    expect(Buffer.compare(warm.body as Buffer, cold.body as Buffer)).toBe(0);
    return warm;
  }

  async function distPath(token: string, name: string, version: string): Promise<string> {
    const meta = await t.http().get(`/p2/${name}.json`).set('Authorization', basicAuth(token)).expect(200);
    const entry = (meta.body.packages[name] as Array<{ version: string; dist: { url: string } }>).find(
      (e) => e.version === version,
    );
    return new URL(entry!.dist.url).pathname;
  }

  it('streams the archive exactly as the controller does, and records both downloads', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const path = await distPath(token, 'acme/widget', '2.0.0-beta1');
    const res = await coldThenWarm(path, token);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="acme-widget-2.0.0-beta1.zip"');
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const downloads = await t.admin.get(`/api/v1/customers/${id}/downloads`).expect(200);
    expect(downloads.body.total).toBe(2);
  });

  it('refuses exactly as the controller does: another archive, a wrong shasum, a suspended customer', async () => {
    const owner = await createCustomer(t, { 'acme/secret': '*' });
    const secret = await distPath(owner.token, 'acme/secret', '1.0.0');
    const { id, token } = await createCustomer(t, { 'acme/widget': '^1.0' });
    const widget = await distPath(token, 'acme/widget', '1.0.0');
    expect((await coldThenWarm(secret, token)).status).toBe(404);
    expect((await coldThenWarm(widget.replace(/[0-9a-f]{40}\.zip$/, `${'0'.repeat(40)}.zip`), token)).status).toBe(404);
    expect((await coldThenWarm(widget.replace('/1.0.0.0/', '/2.0.0.0-beta1/'), token)).status).toBe(404);
    await t.admin.post(`/api/v1/customers/${id}/suspend`).expect(200);
    const refused = await coldThenWarm(widget, token);
    expect(refused.status).toBe(403);
    expect(JSON.parse((refused.body as Buffer).toString()).warning).toContain('Write to billing@vendor.test.');
    expect((await t.admin.get(`/api/v1/customers/${id}/downloads`)).body.total).toBe(0);
  });

  it('answers a missing archive with the same 404 on both paths', async () => {
    await publish(t, 'acme/widget', '1.1.0');
    const { token } = await createCustomer(t, { 'acme/widget': '^1.0' });
    const path = await distPath(token, 'acme/widget', '1.1.0');
    const storage = t.app.get<ArchiveStorage>(ARCHIVE_STORAGE);
    const { versions } = (await t.admin.get('/api/v1/packages/acme/widget').expect(200)).body as {
      versions: Array<{ id: string; version: string }>;
    };
    const id = versions.find((v) => v.version === '1.1.0')!.id;
    await storage.delete(`acme/widget/${id}.zip`);
    const res = await coldThenWarm(path, token);
    expect(res.status).toBe(404);
    expect(JSON.parse((res.body as Buffer).toString())).toMatchObject({ statusCode: 404, error: 'archive_not_stored' });
    await t.admin.delete('/api/v1/packages/acme/widget/versions/1.1.0').expect(204);
  });

  it('serves a small archive from memory after the first download, byte for byte', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^1.0' });
    const path = await distPath(token, 'acme/widget', '1.0.0');
    const first = await get(path, token).expect(200);
    const storage = t.app.get<ArchiveStorage>(ARCHIVE_STORAGE);
    const opened = jest.spyOn(storage, 'open');
    try {
      const again = await get(path, token).expect(200);
      expect(opened).not.toHaveBeenCalled();
      expect(Buffer.compare(again.body as Buffer, first.body as Buffer)).toBe(0);
      expect(again.headers['content-length']).toBe(first.headers['content-length']);
    } finally {
      opened.mockRestore();
    }
  });

  it('serves warm downloads without a single database query', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const path = await distPath(token, 'acme/widget', '1.0.0');
    await get(path, token).expect(200);
    const recorder = t.app.get(DownloadRecorder);
    const pool = (t.app.get(DataSource).driver as unknown as { master: { connect: (...args: unknown[]) => unknown } })
      .master;
    // Hold the buffer for the length of the measurement: its timer would write the downloads meanwhile.
    const held = jest.spyOn(recorder, 'flush').mockResolvedValue(undefined);
    // Likewise the token-use flush, whose 30 s timer may fire during the loop.
    const tokenUse = jest.spyOn(t.app.get(TokensService), 'flushLastUsed').mockResolvedValue(undefined);
    const connects = jest.spyOn(pool, 'connect');
    try {
      // The spy sees the queries of a cold request (the view is rebuilt from the database)...
      t.app.get(ChangeBus).apply(FLUSH_ALL);
      await get(path, token).expect(200);
      expect(connects).toHaveBeenCalled();
      // The event relay publishes this test's own changes in the background: let it finish first.
      await t.app.get(EventRelay).wake();
      connects.mockClear();
      // ...and none of the warm ones.
      const depth = recorder.depth;
      for (let i = 0; i < 25; i += 1) await get(path, token).expect(200);
      expect(connects).not.toHaveBeenCalled();
      expect(recorder.depth).toBe(depth + 25);
    } finally {
      connects.mockRestore();
      tokenUse.mockRestore();
      held.mockRestore();
    }
    await recorder.flush();
    expect(recorder.depth).toBe(0);
  });
});
