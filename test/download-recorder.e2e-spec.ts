import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DownloadRecorder } from '../src/composer-repository/download-recorder.service';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/** Downloads are recorded off the request path, in batches; none may be lost on the way. */
describe('Download recording', () => {
  let t: TestApp;
  let databaseUrl: string;

  async function countDownloads(): Promise<number> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM downloads')).rows[0].n;
    } finally {
      await client.end();
    }
  }

  async function distPaths(token: string, name: string): Promise<string[]> {
    const meta = await t.http().get(`/p2/${name}.json`).set('Authorization', basicAuth(token)).expect(200);
    return (meta.body.packages[name] as Array<{ dist: { url: string } }>).map(
      (entry) => new URL(entry.dist.url).pathname,
    );
  }

  beforeEach(async () => {
    t = await createTestApp();
    databaseUrl = (t.app.get(DataSource).options as { url: string }).url;
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0');
  });
  afterEach(() => t.close());

  it('writes what was buffered when a write starts, leaving downloads served meanwhile to the next one', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const [path] = await distPaths(token, 'acme/widget');
    const recorder = t.app.get(DownloadRecorder);
    recorder.limits = { ...recorder.limits, flushAtRows: 1_000_000 };
    const statements: number[] = [];
    const repository = (recorder as unknown as { downloads: { insertBatch: (rows: unknown[]) => Promise<void> } })
      .downloads;
    const insert = repository.insertBatch.bind(repository);
    const spy = jest.spyOn(repository, 'insertBatch').mockImplementation(async (rows) => {
      statements.push(rows.length);
      await new Promise((resolve) => setTimeout(resolve, 200)); // a slow write while downloads keep coming
      return insert(rows);
    });
    const download = () => t.http().get(path).set('Authorization', basicAuth(token)).expect(200);
    try {
      const before = await countDownloads();
      for (let i = 0; i < 10; i += 1) await download();
      const writing = recorder.flush();
      for (let i = 0; i < 10; i += 1) await download();
      await writing;
      // Chasing the ten served during the write would make one small INSERT after another under load.
      expect([statements, recorder.depth]).toEqual([[10], 10]);
      await recorder.flush();
      expect(statements).toEqual([10, 10]);
      expect((await countDownloads()) - before).toBe(20);
    } finally {
      spy.mockRestore();
    }
  });

  it('records exactly as many downloads as it served, across a graceful shutdown', async () => {
    const customers = await Promise.all([1, 2, 3].map((n) => createCustomer(t, { 'acme/widget': '*' }, `C${n}`)));
    const paths = await distPaths(customers[0].token, 'acme/widget');
    const recorder = t.app.get(DownloadRecorder);
    // Nothing is written before the shutdown: it alone has to write all of them.
    recorder.limits = { ...recorder.limits, flushAtRows: 1_000_000 };
    const held = jest.spyOn(recorder, 'flush').mockResolvedValue(undefined);
    let served = 0;
    const downloads = [];
    for (let round = 0; round < 40; round += 1) {
      for (const { token } of customers) {
        downloads.push(
          t
            .http()
            .get(paths[round % paths.length])
            .set('Authorization', basicAuth(token))
            .then((res) => {
              if (res.status === 200) served += 1;
            }),
        );
      }
    }
    await Promise.all(downloads);
    expect(served).toBe(120);
    expect(await countDownloads()).toBe(0);
    expect(recorder.depth).toBe(120);

    held.mockRestore();
    await t.app.close();
    expect(await countDownloads()).toBe(120);
  });

  it('keeps downloads while the database refuses them, and writes them once it accepts again', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const [path] = await distPaths(token, 'acme/widget');
    const recorder = t.app.get(DownloadRecorder);
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE downloads RENAME TO downloads_away');
      for (let i = 0; i < 5; i += 1) await t.http().get(path).set('Authorization', basicAuth(token)).expect(200);
      await recorder.flush();
      await recorder.flush();
      expect(recorder.depth).toBe(5);
      const failures = warnings.mock.calls.filter(([message]) =>
        String(message).startsWith('Recording downloads failed'),
      );
      expect(failures).toHaveLength(1);
    } finally {
      await admin.query('ALTER TABLE downloads_away RENAME TO downloads');
      await admin.end();
      warnings.mockRestore();
    }
    await recorder.flush();
    expect(recorder.depth).toBe(0);
    expect((await t.admin.get(`/api/v1/customers/${id}/downloads`).expect(200)).body.total).toBe(5);
  });

  it('drops the oldest downloads past its bound, and says so once', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '*' });
    const [path] = await distPaths(token, 'acme/widget');
    const recorder = t.app.get(DownloadRecorder);
    recorder.limits = { ...recorder.limits, maxBufferedRows: 3, flushAtRows: 1_000_000 };
    const errors = jest.spyOn(Logger.prototype, 'error');
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE downloads RENAME TO downloads_away');
      for (let i = 0; i < 6; i += 1) await t.http().get(path).set('Authorization', basicAuth(token)).expect(200);
      expect(recorder.depth).toBe(3);
      const full = errors.mock.calls.filter(([message]) => String(message).startsWith('Download buffer full'));
      expect(full).toHaveLength(1);
    } finally {
      await admin.query('ALTER TABLE downloads_away RENAME TO downloads');
      await admin.end();
      errors.mockRestore();
    }
    await recorder.flush();
    expect(await countDownloads()).toBe(3);
  });

  it('keeps the download of a customer deleted before the write, without the customer', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    const [path] = await distPaths(token, 'acme/widget');
    const recorder = t.app.get(DownloadRecorder);
    recorder.limits = { ...recorder.limits, flushAtRows: 1_000_000 };
    // Held until the customer is gone, so the write meets a download whose customer no longer exists.
    const held = jest.spyOn(recorder, 'flush').mockResolvedValue(undefined);
    await t.http().get(path).set('Authorization', basicAuth(token)).expect(200);
    await t.admin.delete(`/api/v1/customers/${id}`).expect(204);
    expect(recorder.depth).toBe(1);
    held.mockRestore();
    await recorder.flush();
    expect(recorder.depth).toBe(0);
    const counts = await t.admin.get('/api/v1/downloads').expect(200);
    expect(counts.body).toEqual([expect.objectContaining({ package: 'acme/widget', downloads: 1 })]);
  });
});
