import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { startChildInstance } from './helpers/child-instance';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';
import { packageZip } from './helpers/zip';

describe('Idempotency-Key on admin POSTs', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const acme = { name: 'Acme Corporation', email: 'dev@acme.com', external_id: 'stripe_cus_abc123' };

  const withKey = (key: string, path: string, body?: object) => t.admin.post(path, body).set('Idempotency-Key', key);

  async function customerCount(): Promise<number> {
    return (await t.admin.get('/api/v1/customers').expect(200)).body.total;
  }

  async function storedKeys(): Promise<Array<{ key: string; status: string }>> {
    return db.query('SELECT "key", "status" FROM "idempotency_keys" ORDER BY "key"');
  }

  it('answers a retry with the first response and creates the customer once', async () => {
    const first = await withKey('create-acme', '/api/v1/customers', acme).expect(201);
    const retry = await withKey('create-acme', '/api/v1/customers', acme).expect(201);

    expect(retry.body).toEqual(first.body);
    expect(retry.body.token).toBe(first.body.token);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await customerCount()).toBe(1);
  });

  it('does not keep the new customer token readable in the database', async () => {
    const first = await withKey('create-acme', '/api/v1/customers', acme).expect(201);
    const rows: Array<{ body: string }> = await db.query(`SELECT "response_body" AS "body" FROM "idempotency_keys"`);
    expect(rows).toHaveLength(1);
    expect(rows[0].body).not.toContain(first.body.token);
    expect(rows[0].body).not.toContain('Acme Corporation');
  });

  it('starts a key afresh when its stored answer was sealed under an earlier ADMIN_TOKEN', async () => {
    await withKey('create-acme', '/api/v1/customers', acme).expect(201);
    // What an answer sealed with another admin token looks like to this server.
    await db.query(
      `UPDATE "idempotency_keys" SET "response_body" = 'v1:' || encode(decode(md5('a') || md5('b') || md5('c'), 'hex'), 'base64')`,
    );
    const retry = await withKey('create-acme', '/api/v1/customers', { ...acme, external_id: 'another_id' }).expect(409);
    expect(retry.body.error).toBe('idempotency_key_reused');
    const again = await withKey('create-acme', '/api/v1/customers', acme);
    // The duplicate external_id is refused by the customer rules, not answered from the unreadable copy.
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('external_id_taken');
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('treats the same JSON with its keys in another order as the same request', async () => {
    const first = await withKey('k1', '/api/v1/customers', { name: 'Acme', email: 'a@acme.com' }).expect(201);
    const retry = await t.admin
      .post('/api/v1/customers')
      .set('Idempotency-Key', 'k1')
      .set('Content-Type', 'application/json')
      .send('{ "email": "a@acme.com",\n  "name": "Acme" }')
      .expect(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await customerCount()).toBe(1);
  });

  it('keeps the key for 24 hours', async () => {
    await withKey('k1', '/api/v1/customers', acme).expect(201);
    const [row] = await db.query(
      `SELECT extract(epoch FROM "expires_at" - "created_at")::int AS "seconds", "status" FROM "idempotency_keys" WHERE "key" = 'k1'`,
    );
    expect(row.status).toBe('completed');
    expect(row.seconds).toBe(24 * 60 * 60);
  });

  it('refuses the same key with a different body with 409 and creates nothing', async () => {
    await withKey('k1', '/api/v1/customers', acme).expect(201);
    const res = await withKey('k1', '/api/v1/customers', {
      ...acme,
      name: 'Someone Else',
      external_id: 'other',
    }).expect(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      error: 'idempotency_key_reused',
      details: { idempotency_key: 'k1' },
    });
    expect(res.body.message).toContain('POST /api/v1/customers');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(await customerCount()).toBe(1);
  });

  it('refuses a key reused on another route with 409 and leaves the customer alone', async () => {
    const created = await withKey('k1', '/api/v1/customers', acme).expect(201);
    const res = await withKey('k1', `/api/v1/customers/${created.body.id}/suspend`, {
      reason: 'Payment failed',
    }).expect(409);
    expect(res.body.error).toBe('idempotency_key_reused');
    expect((await t.admin.get(`/api/v1/customers/${created.body.id}`).expect(200)).body.status).toBe('active');
  });

  it('lets exactly one of two concurrent duplicates run; the other is replayed or told to retry', async () => {
    for (let round = 0; round < 5; round += 1) {
      const body = { name: `Concurrent ${round}`, email: `c${round}@example.com` };
      const answers = await Promise.all([
        withKey(`race-${round}`, '/api/v1/customers', body),
        withKey(`race-${round}`, '/api/v1/customers', body),
      ]);
      const created = answers.filter((res) => res.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((res) => res.body.id)).size).toBe(1);
      for (const res of answers.filter((answer) => answer.status !== 201)) {
        expect(res.status).toBe(409);
        expect(res.body.error).toBe('idempotency_key_in_progress');
        expect(res.headers['retry-after']).toBe('1');
      }
      // Once the first has finished, a retry gets its answer.
      const retry = await withKey(`race-${round}`, '/api/v1/customers', body).expect(201);
      expect(retry.body.id).toBe(created[0].body.id);
    }
    expect(await customerCount()).toBe(5);
  });

  it('replays a validation error, and a corrected request needs a new key', async () => {
    const first = await withKey('k1', '/api/v1/customers', { name: 'Acme', email: 'not-an-email' }).expect(400);
    expect(first.body.error).toBe('validation_failed');
    const retry = await withKey('k1', '/api/v1/customers', { name: 'Acme', email: 'not-an-email' }).expect(400);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const corrected = await withKey('k1', '/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(409);
    expect(corrected.body.error).toBe('idempotency_key_reused');
    await withKey('k2', '/api/v1/customers', { name: 'Acme', email: 'dev@acme.com' }).expect(201);
    expect(await customerCount()).toBe(1);
  });

  it('replays a domain 4xx such as a duplicate external_id', async () => {
    await t.admin.post('/api/v1/customers', acme).expect(201);
    const first = await withKey('k1', '/api/v1/customers', acme).expect(409);
    expect(first.body.error).toBe('external_id_taken');
    await t.admin
      .patch(`/api/v1/customers/${(await t.admin.get('/api/v1/customers')).body.data[0].id}`, { external_id: null })
      .expect(200);
    // The conflict is gone, yet the key keeps answering what it answered first.
    const retry = await withKey('k1', '/api/v1/customers', acme).expect(409);
    expect(retry.text).toBe(first.text);
    expect(await customerCount()).toBe(1);
  });

  it('forgets the key after a server error, so that a retry runs again', async () => {
    await db.query(
      `CREATE FUNCTION "idempotency_test_fail"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated outage'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER "idempotency_test_fail" BEFORE INSERT ON "customers" FOR EACH ROW EXECUTE FUNCTION "idempotency_test_fail"()`,
    );
    try {
      const failed = await withKey('k1', '/api/v1/customers', acme).expect(500);
      expect(failed.body.error).toBe('internal_error');
    } finally {
      await db.query(`DROP TRIGGER "idempotency_test_fail" ON "customers"`);
      await db.query(`DROP FUNCTION "idempotency_test_fail"()`);
    }
    expect(await storedKeys()).toEqual([]);
    const retry = await withKey('k1', '/api/v1/customers', acme).expect(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await customerCount()).toBe(1);
  });

  it('ignores an expired key: the next request with it runs as a new one', async () => {
    const first = await withKey('k1', '/api/v1/customers', acme).expect(201);
    await db.query(`UPDATE "idempotency_keys" SET "expires_at" = now() - interval '1 second' WHERE "key" = 'k1'`);

    const other = await withKey('k1', '/api/v1/customers', { name: 'Beta', email: 'b@beta.com' }).expect(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    // The key now belongs to the second request.
    expect((await withKey('k1', '/api/v1/customers', { name: 'Beta', email: 'b@beta.com' }).expect(201)).body.id).toBe(
      other.body.id,
    );
    expect(await customerCount()).toBe(2);
  });

  it('takes over a claim whose request never finished (the server died mid-request)', async () => {
    await db.query(
      `INSERT INTO "idempotency_keys" ("key", "scope", "fingerprint", "status", "claim_token", "created_at", "expires_at")
       VALUES ('k1', 'POST /api/v1/customers', repeat('0', 64), 'in_progress', gen_random_uuid(), now() - interval '1 hour', now() + interval '23 hours')`,
    );
    await withKey('k1', '/api/v1/customers', acme).expect(201);
    expect(await storedKeys()).toEqual([{ key: 'k1', status: 'completed' }]);
  });

  it('replays the committed answer, token included, when the first response never reached the client', async () => {
    const body = JSON.stringify(acme);
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /api/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
        `Idempotency-Key: lost-answer\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // The client goes away without reading the answer.
    for (let i = 0; i < 200 && (await customerCount()) === 0; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    socket.destroy();

    const retry = await withKey('lost-answer', '/api/v1/customers', acme).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await customerCount()).toBe(1);
    // The replayed token is the customer's real one.
    await t.http().get('/packages.json').auth('token', retry.body.token).expect(200);
  });

  it('runs a retry afresh, exactly once, when the instance died before its change committed', async () => {
    // Holds the first request between its change and its commit, where the instance is killed.
    await db.query(
      `CREATE FUNCTION "idempotency_test_stall"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$`,
    );
    await db.query(
      `CREATE TRIGGER "idempotency_test_stall" BEFORE UPDATE ON "idempotency_keys" FOR EACH ROW WHEN (NEW."status" = 'completed') EXECUTE FUNCTION "idempotency_test_stall"()`,
    );
    const child = await startChildInstance((db.options as { url: string }).url);
    try {
      void fetch(`${child.url}/api/v1/customers`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ADMIN_TOKEN}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': 'crash',
        },
        body: JSON.stringify(acme),
      }).catch(() => undefined);
      const stalled = async () =>
        (await db.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).length > 0;
      for (let i = 0; i < 400 && !(await stalled()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await stalled()).toBe(true);
      child.process.kill('SIGKILL');
      // PostgreSQL rolls the orphaned transaction back once the sleep ends and the client is gone.
      for (let i = 0; i < 200 && (await stalled()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await child.stop('SIGKILL');
      await db.query(`DROP TRIGGER "idempotency_test_stall" ON "idempotency_keys"`);
      await db.query(`DROP FUNCTION "idempotency_test_stall"()`);
    }
    expect(await customerCount()).toBe(0);
    expect(await storedKeys()).toEqual([{ key: 'crash', status: 'in_progress' }]);
    // Until its lease runs out the dead claim still answers "in progress"…
    await withKey('crash', '/api/v1/customers', acme).expect(409);
    // …and once it has (15 s without renewal), the retry runs: one customer, not two.
    await db.query(`UPDATE "idempotency_keys" SET "lease_until" = now() - interval '1 second'`);
    const retry = await withKey('crash', '/api/v1/customers', acme).expect(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await customerCount()).toBe(1);
    expect((await withKey('crash', '/api/v1/customers', acme).expect(201)).body.token).toBe(retry.body.token);
  });

  it('answers 409 in progress, with Retry-After, while the first request still holds the key', async () => {
    await withKey('k1', '/api/v1/customers', acme).expect(201);
    // As if the first request were still running.
    await db.query(
      `UPDATE "idempotency_keys" SET "status" = 'in_progress', "response_status" = NULL, "response_headers" = NULL, "response_body" = NULL`,
    );
    const res = await withKey('k1', '/api/v1/customers', acme).expect(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      error: 'idempotency_key_in_progress',
      details: { idempotency_key: 'k1' },
    });
    expect(res.body.message).toMatch(/still being processed/);
    expect(res.headers['retry-after']).toBe('1');
    expect(await customerCount()).toBe(1);
  });

  describe('an invalid key', () => {
    it.each([
      ['empty', ''],
      ['longer than 255 characters', 'k'.repeat(256)],
      ['with a tab', 'a\tb'],
      ['with a non-ASCII character', 'cl\u00e9'],
    ])('%s is refused with 400 and nothing is created', async (_label, key) => {
      const res = await withKey(key, '/api/v1/customers', acme).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'invalid_idempotency_key' });
      expect(await customerCount()).toBe(0);
      expect(await storedKeys()).toEqual([]);
    });

    it('of exactly 255 printable characters is accepted', async () => {
      const key = `a ~!@#$%^&*()<>"'${'k'.repeat(255)}`.slice(0, 255);
      await withKey(key, '/api/v1/customers', acme).expect(201);
      expect(await storedKeys()).toEqual([{ key, status: 'completed' }]);
    });
  });

  it('leaves requests without the header, other methods and the Composer routes alone', async () => {
    await t.admin.post('/api/v1/customers', { name: 'A', email: 'a@a.com' }).expect(201);
    const second = await t.admin.post('/api/v1/customers', { name: 'A', email: 'a@a.com' }).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await customerCount()).toBe(2);

    await t.admin.patch(`/api/v1/customers/${second.body.id}`, { name: 'B' }).set('Idempotency-Key', 'k1').expect(200);
    await t.admin.get('/api/v1/customers').set('Idempotency-Key', 'not valid \u00e9').expect(200);
    await t
      .http()
      .get('/packages.json')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .set('Idempotency-Key', 'k1')
      .expect(200);
    expect(await storedKeys()).toEqual([]);
  });

  it('leaves webhook routes alone, whatever their Idempotency-Key header says', async () => {
    const res = await t.http().post('/webhooks/stripe').set('Idempotency-Key', 'not valid \u00e9').send({});
    expect(res.body.error).not.toBe('invalid_idempotency_key');
    expect(await storedKeys()).toEqual([]);
  });

  it('authenticates before it looks at the key', async () => {
    const res = await t.http().post('/api/v1/customers').set('Idempotency-Key', 'k1').send(acme).expect(401);
    expect(res.body.error).toBe('unauthorized');
    expect(await storedKeys()).toEqual([]);
  });

  it('replays a grant as the 201 it first was, not the 200 of a second grant', async () => {
    const { body: customer } = await t.admin.post('/api/v1/customers', acme).expect(201);
    const path = `/api/v1/customers/${customer.id}/packages`;
    const grant = { package: 'vendor/package', constraint: '^2.0' };

    const first = await withKey('grant-1', path, grant).expect(201);
    const retry = await withKey('grant-1', path, grant).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await t.admin.get(path).expect(200)).body).toHaveLength(1);

    // Without a key the same grant is a replacement, as before.
    await t.admin.post(path, grant).expect(200);
  });

  describe('a multipart upload', () => {
    const composerJson = { name: 'acme/widget', type: 'library', autoload: { 'psr-4': { 'Acme\\': 'src/' } } };

    function upload(key: string, archive: Buffer, version: string) {
      return t.admin
        .post('/api/v1/packages')
        .set('Idempotency-Key', key)
        .field('version', version)
        .attach('archive', archive, { filename: 'widget.zip', contentType: 'application/zip' });
    }

    it('is replayed on retry, though each attempt has its own multipart boundary', async () => {
      const archive = await packageZip(composerJson);
      const first = await upload('publish-1', archive, '1.0.0').expect(201);
      const retry = await upload('publish-1', archive, '1.0.0').expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect((await t.admin.get('/api/v1/packages/acme/widget').expect(200)).body.versions).toHaveLength(1);
    });

    it('with another archive or version under the same key is refused with 409', async () => {
      await upload('publish-1', await packageZip(composerJson), '1.0.0').expect(201);
      const otherArchive = await packageZip(composerJson, { files: { 'README.md': 'changed' } });
      expect((await upload('publish-1', otherArchive, '1.0.0').expect(409)).body.error).toBe('idempotency_key_reused');
      expect((await upload('publish-1', await packageZip(composerJson), '1.0.1').expect(409)).body.error).toBe(
        'idempotency_key_reused',
      );
      expect((await t.admin.get('/api/v1/packages/acme/widget').expect(200)).body.versions).toHaveLength(1);
    });

    it('over the upload limit is refused with 413 before the route runs', async () => {
      const small = await createTestApp({ MAX_ARCHIVE_MB: '1' });
      try {
        const archive = Buffer.alloc(3 * 1024 * 1024, 1);
        const res = await small.admin
          .post('/api/v1/packages')
          .set('Idempotency-Key', 'big')
          .attach('archive', archive, { filename: 'big.zip', contentType: 'application/zip' })
          .expect(413);
        expect(res.body.error).toBe('payload_too_large');
        expect(await storedKeys()).toEqual([]);
      } finally {
        await small.close();
      }
    });

    it('still reaches the route with its fields and file intact', async () => {
      const res = await upload('publish-1', await packageZip({ ...composerJson, version: '2.0.0' }), '2.0.0').expect(
        201,
      );
      expect(res.body).toMatchObject({ package: 'acme/widget', version: '2.0.0' });
      const wrong = await upload('publish-2', await packageZip({ ...composerJson, version: '2.0.0' }), '3.0.0').expect(
        422,
      );
      expect(wrong.body.error).toBe('version_mismatch');
    });
  });

  it('documents the header on admin POST operations in the OpenAPI document', async () => {
    const { body: document } = await t.http().get('/docs-json').expect(200);
    expect(document.components.parameters.IdempotencyKey).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
    });
    const ref = { $ref: '#/components/parameters/IdempotencyKey' };
    expect(document.paths['/api/v1/customers'].post.parameters).toContainEqual(ref);
    expect(document.paths['/api/v1/customers/{id}/packages'].post.parameters).toContainEqual(ref);
    expect(document.paths['/api/v1/customers'].get.parameters ?? []).not.toContainEqual(ref);
    expect(document.info.description).toContain('Idempotency-Key');
  });
});
