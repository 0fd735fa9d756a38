import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findFreePort } from '../src/database/embedded-postgres';
import { basicAuth } from './helpers/catalog';
import { packageZip } from './helpers/zip';

const ADMIN = 'shutdown-admin-token-0123456789';

/** The server as operators run it (its own process, `src/main.ts`), stopped with SIGTERM mid-traffic. */
describe('Graceful shutdown', () => {
  let dataDir: string;
  let databaseUrl: string;
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    const server = process.env.PACKYARD_TEST_SERVER_URL as string;
    const name = `packyard_shutdown_${process.env.JEST_WORKER_ID ?? '1'}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const parsed = new URL(server);
    parsed.pathname = `/${name}`;
    databaseUrl = parsed.toString();

    dataDir = mkdtempSync(join(tmpdir(), 'packyard-shutdown-'));
    const port = await findFreePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'src', 'main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: databaseUrl,
          ADMIN_TOKEN: ADMIN,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: url,
          DATA_DIR: dataDir,
          LOG_FORMAT: 'json',
          EXPIRY_SWEEP_SECONDS: '0',
          SHUTDOWN_TIMEOUT_SECONDS: '20',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
      const up = await fetch(`${url}/health/live`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', ...init.headers },
    });

  function multipart(zip: Buffer, version: string): { boundary: string; body: Buffer } {
    const boundary = `----packyard${randomBytes(8).toString('hex')}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n${version}\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="widget.zip"\r\nContent-Type: application/zip\r\n\r\n`,
      ),
      zip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { boundary, body };
  }

  function readAll(response: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
  }

  it('finishes the upload and the download in flight, flushes token use and exits 0', async () => {
    const composerJson = { name: 'acme/widget', type: 'library', autoload: { 'psr-4': { 'Acme\\': 'src/' } } };
    // Incompressible, so the download outlasts the socket buffers while the client does not read.
    const zip = await packageZip(composerJson, { files: { 'data.bin': randomBytes(8 * 1024 * 1024) } });
    const first = multipart(zip, '1.0.0');
    const published = await fetch(`${url}/api/v1/packages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': `multipart/form-data; boundary=${first.boundary}` },
      body: new Uint8Array(first.body),
    });
    expect(published.status).toBe(201);
    const customer = (await (
      await admin('/api/v1/customers', {
        method: 'POST',
        body: JSON.stringify({ name: 'Acme', email: 'dev@acme.test' }),
      })
    ).json()) as { id: string; token: string };
    expect(
      (
        await admin(`/api/v1/customers/${customer.id}/packages`, {
          method: 'POST',
          body: JSON.stringify({ package: 'acme/widget', constraint: '*' }),
        })
      ).status,
    ).toBe(201);
    const auth = { Authorization: basicAuth(customer.token) };
    const metadata = (await (await fetch(`${url}/p2/acme/widget.json`, { headers: auth })).json()) as {
      packages: Record<string, Array<{ dist: { url: string } }>>;
    };
    expect((await fetch(`${url}/p2/acme/widget.json`, { headers: auth })).status).toBe(200);

    // A download whose client reads nothing yet, and an upload that has sent half its body.
    const download = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest(metadata.packages['acme/widget'][0].dist.url, { headers: auth }, (response) => {
        response.pause();
        resolve(response);
      })
        .on('error', reject)
        .end();
    });
    expect(download.statusCode).toBe(200);
    const second = multipart(zip, '2.0.0');
    const upload = httpRequest(`${url}/api/v1/packages`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${ADMIN}`,
        'Content-Type': `multipart/form-data; boundary=${second.boundary}`,
        'Content-Length': second.body.length,
      },
    });
    const uploadAnswer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      upload.on(
        'response',
        (response) =>
          void readAll(response).then(
            (body) => resolve({ status: response.statusCode ?? 0, body: body.toString() }),
            reject,
          ),
      );
      upload.on('error', reject);
    });
    const half = Math.floor(second.body.length / 2);
    upload.write(second.body.subarray(0, half));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));

    // No new connections once the signal arrived.
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();

    upload.end(second.body.subarray(half));
    const answer = await uploadAnswer;
    expect(answer.status).toBe(201);
    download.resume();
    const bytes = await readAll(download);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(createHash('sha1').update(zip).digest('hex'));

    expect(await exited).toBe(0);

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; level: string });
    expect(lines.some((line) => line.msg.startsWith('SIGTERM received'))).toBe(true);
    expect(lines[lines.length - 1].msg).toBe('Shut down cleanly');
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);

    // What the last requests did is in the database: the second version, the token's last use.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const versions = await db.query(`SELECT "version" FROM "package_versions" ORDER BY "version"`);
      expect(versions.rows.map((row: { version: string }) => row.version)).toEqual(['1.0.0', '2.0.0']);
      const used = await db.query(`SELECT "last_used_at" FROM "customer_tokens" WHERE "customer_id" = $1`, [
        customer.id,
      ]);
      expect(used.rows[0].last_used_at).not.toBeNull();
    } finally {
      await db.end();
    }
  }, 120_000);
});
