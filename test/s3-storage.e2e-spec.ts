import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DownloadRecorder } from '../src/composer-repository/download-recorder.service';
import { ArchiveSweeper } from '../src/packages/archive-sweeper.service';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../src/packages/archive-storage';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import { startS3Server, S3Server } from './helpers/s3';
import { createTestApp, TestApp } from './helpers/test-app';
import { packageZip } from './helpers/zip';

async function storedKeys(t: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const archive of t.app.get<ArchiveStorage>(ARCHIVE_STORAGE).list()) keys.push(archive.key);
  return keys.sort();
}

describe('Archives in S3-compatible object storage', () => {
  let s3: S3Server;
  let t: TestApp;

  beforeAll(async () => {
    s3 = await startS3Server();
    t = await createTestApp(s3.env);
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0');
    await publish(t, 'acme/secret', '1.0.0');
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  async function distUrl(token: string, name: string): Promise<{ path: string; shasum: string }> {
    const meta = await t.http().get(`/p2/${name}.json`).set('Authorization', basicAuth(token)).expect(200);
    const dist = meta.body.packages[name][0].dist as { url: string; shasum: string };
    return { path: new URL(dist.url).pathname, shasum: dist.shasum };
  }

  it('stores published archives in the bucket, with signed requests, and nothing on local disk', async () => {
    const keys = await storedKeys(t);
    expect(keys).toHaveLength(3);
    expect(keys.every((key) => /^acme\/(widget|secret)\/ver_\w+\.zip$/.test(key))).toBe(true);
    expect(existsSync(join(t.config.dataDir, 'archives'))).toBe(false);
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    expect(puts.length).toBeGreaterThanOrEqual(3);
    for (const put of puts) expect(put.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=PACKYARDTESTKEY\//);
    expect(puts.every((put) => put.status === 200)).toBe(true);
  });

  it('answers a download with a 302 to a short-lived presigned URL, after the access check, and records it', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const { path, shasum } = await distUrl(token, 'acme/widget');
    const res = await t.http().get(path).set('Authorization', basicAuth(token)).expect(302);
    const location = new URL(res.headers.location);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(location.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(res.headers['cache-control']).toBe('no-store');

    // The object store serves the bytes without Packyard's credentials: the URL carries its own signature.
    const archive = await fetch(location);
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-disposition')).toBe('attachment; filename="acme-widget-2.0.0.zip"');
    expect(
      createHash('sha1')
        .update(Buffer.from(await archive.arrayBuffer()))
        .digest('hex'),
    ).toBe(shasum);

    // A tampered URL (another object, same signature) is refused by the store.
    const tampered = new URL(location);
    tampered.pathname = tampered.pathname.replace('/acme/widget/', '/acme/secret/');
    expect((await fetch(tampered)).status).toBe(403);

    await t.app.get(DownloadRecorder).flush();
    const downloads = await t.admin.get(`/api/v1/customers/${id}/downloads`).expect(200);
    expect(downloads.body.data.map((d: { package: string; version: string }) => `${d.package}:${d.version}`)).toEqual([
      'acme/widget:2.0.0',
    ]);
  });

  it('never redirects a customer to an archive outside their grants, and records nothing for refusals', async () => {
    const other = await createCustomer(t, { 'acme/secret': '*' });
    const { path } = await distUrl(other.token, 'acme/secret');
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const refused = await t.http().get(path).set('Authorization', basicAuth(token)).expect(404);
    expect(refused.headers.location).toBeUndefined();
    await t.admin.post(`/api/v1/customers/${id}/suspend`).expect(200);
    await t.http().get(path).set('Authorization', basicAuth(token)).expect(403);
    expect((await t.admin.get(`/api/v1/customers/${id}/downloads`)).body.total).toBe(0);
  });

  it('lets a customer install with the real Composer client, which follows the redirect without sending credentials to the store', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^1.0' });
    const project = new ComposerProject(t.url, token);
    try {
      const before = s3.requests.length;
      const result = await project.run('require', 'acme/widget:^1.0');
      expect(result.code).toBe(0);
      expect(project.installedVersion('acme/widget')).toBe('1.0.0');
      expect(project.readFile('vendor/acme/widget/src/Widget.php')).toContain("VERSION = '1.0.0'");
      const fetched = s3.requests
        .slice(before)
        .filter((r) => r.method === 'GET' && r.url.startsWith(`/${s3.bucket}/acme/widget/`));
      expect(fetched).toHaveLength(1);
      expect(fetched[0]).toMatchObject({ status: 200, authorization: undefined });
    } finally {
      project.remove();
    }
  });

  it('uploads an archive larger than one part in several parts, and serves it whole', async () => {
    const zip = await packageZip(
      { name: 'acme/large', version: '1.0.0' },
      { files: { 'data/blob.bin': randomBytes(20 * 1024 * 1024) } },
    );
    const published = await t.admin.post('/api/v1/packages').attach('archive', zip, 'large.zip').expect(201);
    expect(s3.requests.some((r) => r.method === 'POST' && r.url.includes('uploads'))).toBe(true);
    const { id, token } = await createCustomer(t, { 'acme/large': '*' });
    const { path } = await distUrl(token, 'acme/large');
    const res = await t.http().get(path).set('Authorization', basicAuth(token)).expect(302);
    const archive = Buffer.from(await (await fetch(res.headers.location)).arrayBuffer());
    expect(archive.length).toBe(zip.length);
    expect(createHash('sha1').update(archive).digest('hex')).toBe(published.body.shasum);
    await t.admin.delete('/api/v1/packages/acme/large').expect(204);
    expect((await t.admin.get(`/api/v1/customers/${id}/downloads`)).body.total).toBe(1);
  });

  it('sweeps objects no version references out of the bucket, and keeps the others', async () => {
    const kept = await storedKeys(t);
    const source = join(t.config.dataDir, 'orphan.zip');
    writeFileSync(source, 'stored by a process that died before its version row committed');
    await t.app.get<ArchiveStorage>(ARCHIVE_STORAGE).put('acme/widget/ver_orphan.zip', source);
    expect(await storedKeys(t)).toContain('acme/widget/ver_orphan.zip');
    // As if the grace period had passed for everything in the bucket.
    const swept = await t.app.get(ArchiveSweeper).sweep(new Date(Date.now() + 60_000));
    expect(swept.orphanArchives).toBe(1);
    expect(await storedKeys(t)).toEqual(kept);
  });

  it('removes the object when its version is deleted', async () => {
    await publish(t, 'acme/widget', '3.0.0');
    expect(await storedKeys(t)).toHaveLength(4);
    await t.admin.delete('/api/v1/packages/acme/widget/versions/3.0.0').expect(204);
    expect(await storedKeys(t)).toHaveLength(3);
  });
});

describe('Object storage that refuses Packyard', () => {
  let s3: S3Server;
  let t: TestApp;

  beforeAll(async () => {
    s3 = await startS3Server();
    t = await createTestApp({ ...s3.env, S3_SECRET_ACCESS_KEY: 'not-the-secret-of-this-store' });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('answers a publish with 503 and Retry-After, and publishes nothing', async () => {
    const zip = await packageZip({ name: 'acme/widget', version: '1.0.0' });
    const res = await t.admin.post('/api/v1/packages').attach('archive', zip, 'widget.zip').expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ statusCode: 503, error: 'archive_storage_unavailable' });
    expect(s3.requests.some((r) => r.status === 403)).toBe(true);
    await t.admin.get('/api/v1/packages/acme/widget').expect(404);
    expect(readdirSync(join(t.config.dataDir, 'uploads'))).toEqual([]);
  });
});

describe('Object storage reached at another address by customers (S3_PUBLIC_ENDPOINT)', () => {
  let s3: S3Server;
  let t: TestApp;

  beforeAll(async () => {
    s3 = await startS3Server();
    const port = new URL(s3.endpoint).port;
    t = await createTestApp({
      ...s3.env,
      S3_PUBLIC_ENDPOINT: `http://objects.packyard.test:${port}`,
      S3_DOWNLOAD_URL_SECONDS: '60',
    });
    await publish(t, 'acme/widget', '1.0.0');
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('signs download URLs for the public address, which the store accepts under that name', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const meta = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);
    const res = await t
      .http()
      .get(new URL(meta.body.packages['acme/widget'][0].dist.url).pathname)
      .set('Authorization', basicAuth(token))
      .expect(302);
    const location = new URL(res.headers.location);
    expect(location.hostname).toBe('objects.packyard.test');
    expect(location.searchParams.get('X-Amz-Expires')).toBe('60');
    // As a customer's machine would send it: to the store's address, with the public name as Host.
    const status = await new Promise<number>((resolve, reject) => {
      get(`${s3.endpoint}${location.pathname}${location.search}`, { headers: { host: location.host } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
  });
});
