import { passChangeClock } from './helpers/time';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DownloadRecorder } from '../src/composer-repository/download-recorder.service';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';
import { basicAuth, createCustomer, publish } from './helpers/catalog';

/** Keeps a response body as raw bytes (superagent would otherwise decode it). */
function collectBytes(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('Composer repository over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.' });
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0');
    await publish(t, 'acme/widget', '2.1.0');
    await publish(t, 'acme/widget', '3.0.0-beta1');
    await publish(t, 'acme/widget', 'dev-main');
    await publish(t, 'acme/secret', '1.0.0');
  });
  afterAll(() => t.close());

  const get = (path: string, token: string) => t.http().get(path).set('Authorization', basicAuth(token));

  it('lists only the packages a customer may see in packages.json', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0', 'acme/unpublished': '*' });
    const res = await get('/packages.json', token).expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({
      packages: [],
      'metadata-url': `${t.url}/p2/%package%.json`,
      'available-packages': ['acme/widget'],
    });
  });

  it('serves minified p2 metadata holding only the granted versions, newest first', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const res = await get('/p2/acme/widget.json', token).expect(200);
    expect(res.body.minified).toBe('composer/2.0');
    const entries = res.body.packages['acme/widget'];
    expect(entries.map((e: { version: string }) => e.version)).toEqual(['2.1.0', '2.0.0']);
    expect(entries[0]).toMatchObject({
      name: 'acme/widget',
      version_normalized: '2.1.0.0',
      type: 'library',
      license: 'proprietary',
    });
    expect(entries[0].dist).toMatchObject({ type: 'zip' });
    expect(entries[0].dist.url.startsWith(`${t.url}/dists/acme/widget/2.1.0.0/`)).toBe(true);
    expect(entries[0].dist.shasum).toMatch(/^[0-9a-f]{40}$/);
    expect(res.headers['last-modified']).toBeDefined();
  });

  it('serves dev versions in the ~dev file only to a grant that matches them', async () => {
    const all = await createCustomer(t, { 'acme/widget': '*' });
    const res = await get('/p2/acme/widget~dev.json', all.token).expect(200);
    expect(res.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual(['dev-main']);
    const tagged = await get('/p2/acme/widget.json', all.token).expect(200);
    expect(tagged.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual([
      '3.0.0-beta1',
      '2.1.0',
      '2.0.0',
      '1.0.0',
    ]);

    const stable = await createCustomer(t, { 'acme/widget': '^2.0' });
    await get('/p2/acme/widget~dev.json', stable.token).expect(404);
  });

  it('answers 404 for a package the customer may not see, exactly as for one that does not exist', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const hidden = await get('/p2/acme/secret.json', token).expect(404);
    const missing = await get('/p2/acme/nothing.json', token).expect(404);
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.headers['content-type']).toBe(missing.headers['content-type']);
  });

  it('answers 304 to If-Modified-Since until the customer’s access changes', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    // The change clock stamps changes ahead of the wall clock; a copy is confirmed only once its change lies in the past.
    await passChangeClock(t);
    const first = await get('/p2/acme/widget.json', token).expect(200);
    const lastModified = first.headers['last-modified'];
    await get('/p2/acme/widget.json', token).set('If-Modified-Since', lastModified).expect(304);

    // Narrowing the grant removes a version without publishing anything: still not a 304.
    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'acme/widget', constraint: '2.0.0' }).expect(200);
    const after = await get('/p2/acme/widget.json', token).set('If-Modified-Since', lastModified).expect(200);
    expect(after.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual(['2.0.0']);
    expect(Date.parse(after.headers['last-modified'])).toBeGreaterThan(Date.parse(lastModified));
  });

  it('sends gzip when asked', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const res = await get('/p2/acme/widget.json', token)
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    // superagent inflates the body itself; the header proves the wire format.
    expect(JSON.parse((res.body as Buffer).toString()).packages['acme/widget']).toHaveLength(4);
  });

  it('takes the token as a Bearer token too', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.http().get('/packages.json').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('asks for credentials with a Basic challenge when they are missing or wrong', async () => {
    const missing = await t.http().get('/packages.json').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Basic realm="Packyard"');
    const wrong = await get('/packages.json', 'tok_wrongwrongwrongwrongwrongwrongwrong').expect(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="Packyard"');
    await get('/p2/acme/widget.json', 'tok_wrong').expect(401);
  });

  it('shows the admin token every package and version', async () => {
    const res = await t.http().get('/packages.json').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(res.body['available-packages']).toEqual(['acme/secret', 'acme/widget']);
  });

  it('serves dist archives the customer may have and records each download', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const meta = await get('/p2/acme/widget.json', token).expect(200);
    const dist = meta.body.packages['acme/widget'][0].dist;
    const res = await get(new URL(dist.url).pathname, token).buffer(true).parse(collectBytes).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(
      createHash('sha1')
        .update(res.body as Buffer)
        .digest('hex'),
    ).toBe(dist.shasum);

    // Recorded off the request path: written with the next batch.
    await t.app.get(DownloadRecorder).flush();
    const rows = await t.app
      .get(DataSource)
      .query('SELECT customer_id, package_name, version FROM downloads WHERE customer_id = $1', [id]);
    expect(rows).toEqual([{ customer_id: id, package_name: 'acme/widget', version: '2.1.0' }]);
  });

  it('refuses dist archives of versions outside the grant with 404', async () => {
    const all = await createCustomer(t, { 'acme/widget': '*' });
    const meta = await get('/p2/acme/widget.json', all.token).expect(200);
    const v1 = meta.body.packages['acme/widget'].find((e: { version: string }) => e.version === '1.0.0');
    const distPath = new URL(v1.dist.url).pathname;
    const limited = await createCustomer(t, { 'acme/widget': '^2.0' });
    await get(distPath, limited.token).expect(404);
    await get('/dists/acme/widget/2.1.0.0/0000000000000000000000000000000000000000.zip', all.token).expect(404);
  });

  it.each([
    ['suspend', 'suspended'],
    ['expire', 'expired'],
  ])('refuses a customer after %s on every URL with 403 and a warning Composer prints', async (action, state) => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const meta = await get('/p2/acme/widget.json', token).expect(200);
    await t.admin.post(`/api/v1/customers/${id}/${action}`, { reason: 'Card declined: internal note 42' }).expect(200);
    for (const path of [
      '/packages.json',
      '/p2/acme/widget.json',
      new URL(meta.body.packages['acme/widget'][0].dist.url).pathname,
    ]) {
      const res = await get(path, token).expect(403);
      expect(res.headers['content-type']).toBe('application/json');
      expect((res as unknown as { res: { statusMessage: string } }).res.statusMessage).toContain(state);
      const body = JSON.parse(res.text);
      expect(body.warning).toContain(state);
      expect(body.warning).toContain('Write to billing@vendor.test.');
      expect(res.text).not.toContain('internal note 42');
    }
  });

  it('shows a frozen customer exactly the frozen versions', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.admin
      .post(`/api/v1/customers/${id}/freeze`, {
        versions: [
          { package: 'acme/widget', version: '2.0.0' },
          { package: 'acme/secret', version: '1.0.0' },
        ],
      })
      .expect(200);
    const root = await get('/packages.json', token).expect(200);
    expect(root.body['available-packages']).toEqual(['acme/secret', 'acme/widget']);
    const res = await get('/p2/acme/widget.json', token).expect(200);
    expect(res.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual(['2.0.0']);
    await get('/p2/acme/widget~dev.json', token).expect(404);
  });

  it('freezes without a list to what the customer can install now, leaving later releases out', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const res = await t.admin.post(`/api/v1/customers/${id}/freeze`, {}).expect(200);
    expect(res.body.frozen_versions).toEqual([
      { package: 'acme/widget', version: '2.0.0' },
      { package: 'acme/widget', version: '2.1.0' },
    ]);
    await publish(t, 'acme/widget', '2.2.0');
    const meta = await get('/p2/acme/widget.json', token).expect(200);
    expect(meta.body.packages['acme/widget'].map((e: { version: string }) => e.version)).toEqual(['2.1.0', '2.0.0']);
  });

  it('reflects grants, revocations, token revocation and new releases on the very next request', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '1.0.0' });
    expect((await get('/p2/acme/widget.json', token).expect(200)).body.packages['acme/widget']).toHaveLength(1);

    await t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'acme/secret', constraint: '*' }).expect(201);
    expect((await get('/packages.json', token)).body['available-packages']).toEqual(['acme/secret', 'acme/widget']);

    await t.admin.delete(`/api/v1/customers/${id}/packages/acme/widget`).expect(204);
    await get('/p2/acme/widget.json', token).expect(404);

    await publish(t, 'acme/secret', '1.1.0');
    expect(
      (await get('/p2/acme/secret.json', token)).body.packages['acme/secret'].map(
        (e: { version: string }) => e.version,
      ),
    ).toEqual(['1.1.0', '1.0.0']);

    const newest = (await get('/p2/acme/secret.json', token)).body.packages['acme/secret'][0];
    await t.admin.delete('/api/v1/packages/acme/secret/versions/1.1.0').expect(204);
    expect(
      (await get('/p2/acme/secret.json', token)).body.packages['acme/secret'].map(
        (e: { version: string }) => e.version,
      ),
    ).toEqual(['1.0.0']);
    await get(new URL(newest.dist.url).pathname, token).expect(404);

    const tokens = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    await t.admin.delete(`/api/v1/customers/${id}/tokens/${tokens.body[0].id}`).expect(204);
    await get('/packages.json', token).expect(401);
  });

  it('after a release, shows it beside everything else the customer had, and a first release of a granted package', async () => {
    await publish(t, 'acme/base', '1.0.0');
    await publish(t, 'acme/base', '2.0.0');
    await publish(t, 'acme/tools', '1.0.0');
    const { token } = await createCustomer(t, { 'acme/tools': '*', 'acme/later': '^1.0', 'acme/base': '^2.0' });
    const versions = async (name: string) =>
      (await get(`/p2/${name}.json`, token).expect(200)).body.packages[name].map((e: { version: string }) => e.version);
    // Warm: the view and each package's document are in memory before the releases.
    expect(await versions('acme/tools')).toEqual(['1.0.0']);
    expect(await versions('acme/base')).toEqual(['2.0.0']);
    expect((await get('/packages.json', token)).body['available-packages']).toEqual(['acme/base', 'acme/tools']);

    await publish(t, 'acme/tools', '1.1.0');
    expect(await versions('acme/tools')).toEqual(['1.1.0', '1.0.0']);
    expect(await versions('acme/base')).toEqual(['2.0.0']);

    await publish(t, 'acme/later', '1.0.0');
    expect((await get('/packages.json', token)).body['available-packages']).toEqual([
      'acme/base',
      'acme/later',
      'acme/tools',
    ]);
    expect(await versions('acme/later')).toEqual(['1.0.0']);
    expect(await versions('acme/tools')).toEqual(['1.1.0', '1.0.0']);
  });
});
