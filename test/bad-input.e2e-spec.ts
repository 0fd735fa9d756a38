import { DataSource } from 'typeorm';
import { Clock } from '../src/common/clock';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import {
  createBillingCustomer,
  deliverPaddle,
  deliverStripe,
  PADDLE_SECRET,
  paddleEvent,
  paddleSubscription,
  STRIPE_SECRET,
  stripeEvent,
  stripeInvoice,
} from './helpers/billing';
import { createTestApp, TestApp } from './helpers/test-app';
import { packageZip, rawZip, validComposerJson, zerosBomb } from './helpers/zip';

/**
 * The requests from the "bad input never breaks Packyard" report, each answered with a 4xx in
 * the one error shape, quickly, and without changing anything.
 */
describe('Bad input never breaks Packyard', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp({
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      PADDLE_WEBHOOK_SECRET: PADDLE_SECRET,
      MAX_ARCHIVE_MB: '100',
    });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const errorShape = (body: unknown, status: number, code?: string) => {
    expect(body).toMatchObject({ statusCode: status, error: code ?? expect.any(String), message: expect.any(String) });
  };
  const customerRow = async (id: string) => (await db.query('SELECT * FROM customers WHERE id = $1', [id]))[0];

  describe('1. the package-name check cannot be made to backtrack', () => {
    const evil = 'x'.repeat(40);
    const longEvil = `${'a'.repeat(100)}-${'a'.repeat(90)}!`;

    it.each([
      [
        'a grant',
        (id: string) => t.admin.post(`/api/v1/customers/${id}/packages`, { package: evil, constraint: '^1.0' }),
        400,
      ],
      [
        'a freeze pin',
        (id: string) =>
          t.admin.post(`/api/v1/customers/${id}/freeze`, { versions: [{ package: longEvil, version: '1.0.0' }] }),
        400,
      ],
      ['the downloads filter', () => t.admin.get(`/api/v1/downloads?package=${longEvil}`), 400],
      ['GET a package', () => t.admin.get(`/api/v1/packages/${'a'.repeat(60)}/${longEvil.slice(0, 150)}`), 404],
      ['DELETE a package', () => t.admin.delete(`/api/v1/packages/${'a'.repeat(60)}/${longEvil.slice(0, 150)}`), 404],
      [
        'revoking a grant',
        (id: string) => t.admin.delete(`/api/v1/customers/${id}/packages/${encodeURIComponent(longEvil)}`),
        404,
      ],
    ])('answers %s at once', async (_label, send, status) => {
      const { id } = await createCustomer(t);
      const started = Date.now();
      const res = await send(id);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(status);
      errorShape(res.body, status);
      expect(res.text.length).toBeLessThan(2000);
    });

    it('answers an uploaded composer.json name at once', async () => {
      const started = Date.now();
      const res = await t.admin
        .post('/api/v1/packages')
        .attach('archive', await packageZip({ name: longEvil }), 'x.zip')
        .field('version', '1.0.0');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('package_name_invalid');
    });
  });

  describe('2. NUL is refused in every string, before the database sees it', () => {
    it.each([
      ['a body field', () => t.admin.post('/api/v1/customers', { name: 'a\u0000b', email: 'a@b.co' })],
      ['external_id', () => t.admin.post('/api/v1/customers', { name: 'a', email: 'a@b.co', external_id: 'x\u0000' })],
      ['a token label', (id: string) => t.admin.post(`/api/v1/customers/${id}/tokens`, { label: '\u0000' })],
      ['a reason', (id: string) => t.admin.post(`/api/v1/customers/${id}/suspend`, { reason: 'late\u0000' })],
      [
        'a constraint',
        (id: string) =>
          t.admin.post(`/api/v1/customers/${id}/packages`, { package: 'acme/widget', constraint: '^1.0\u0000' }),
      ],
      [
        'a freeze version',
        (id: string) =>
          t.admin.post(`/api/v1/customers/${id}/freeze`, {
            versions: [{ package: 'acme/widget', version: '1.0.0\u0000' }],
          }),
      ],
      ['?q=', () => t.admin.get('/api/v1/customers?q=%00')],
      ['?email=', () => t.admin.get('/api/v1/customers?email=%00')],
      ['?external_id=', () => t.admin.get('/api/v1/customers?external_id=%00')],
      ['customer_id on events', () => t.admin.get('/api/v1/events?customer_id=%00')],
      ['customer_id on downloads', () => t.admin.get('/api/v1/downloads?customer_id=%00')],
      ['a path', () => t.admin.get('/api/v1/customers/by-external/%00')],
      ['a version in a path', () => t.admin.delete('/api/v1/packages/acme/widget/versions/1.0.0%00')],
      [
        'a multipart field',
        () =>
          t.admin.post('/api/v1/packages').attach('archive', Buffer.from('zip'), 'x.zip').field('version', '1.0\u0000'),
      ],
    ])('in %s', async (_label, send) => {
      const { id } = await createCustomer(t);
      const before = await customerRow(id);
      const res = await send(id);
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'validation_failed');
      expect(res.body.details.fields.length).toBeGreaterThan(0);
      expect(await customerRow(id)).toEqual(before);
      expect((await db.query('SELECT count(*)::int AS n FROM customers'))[0].n).toBe(1);
    });

    it('in a correctly signed Stripe or Paddle event, which is not recorded', async () => {
      await createBillingCustomer(t, 'cus_Nul');
      const stripe = await deliverStripe(
        t,
        stripeEvent('invoice.payment_failed', stripeInvoice('cus_Nul'), { id: 'evt_\u0000' }),
      );
      expect(stripe.status).toBe(400);
      errorShape(stripe.body, 400, 'validation_failed');
      const paddle = await deliverPaddle(t, {
        ...paddleEvent('subscription.past_due', paddleSubscription('ctm_1', 'past_due')),
        event_type: 'subscription.\u0000',
      });
      expect(paddle.status).toBe(400);
      errorShape(paddle.body, 400, 'validation_failed');
      expect((await db.query('SELECT count(*)::int AS n FROM webhook_events'))[0].n).toBe(0);
    });
  });

  it('3. refuses deep nesting before validation, with or without an Idempotency-Key', async () => {
    const deep = `{"name":${'['.repeat(5000)}${']'.repeat(5000)},"email":"a@b.co"}`;
    for (const key of [undefined, 'deep-1']) {
      const request = t.admin.post('/api/v1/customers').set('Content-Type', 'application/json');
      if (key) request.set('Idempotency-Key', key);
      const res = await request.send(deep);
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'validation_failed');
      expect(res.body.message).toContain('nested deeper than 32 levels');
    }
  });

  it.each([['name'], ['email'], ['on_expiry']])(
    '4. refuses null for the required field %s and changes nothing',
    async (field) => {
      const { id } = await createCustomer(t);
      const before = await customerRow(id);
      const res = await t.admin.patch(`/api/v1/customers/${id}`, { [field]: null });
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'validation_failed');
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await customerRow(id)).toEqual(before);
      // Clearing what may be cleared still works.
      await t.admin.patch(`/api/v1/customers/${id}`, { external_id: null, expires_at: null }).expect(200);
    },
  );

  it.each([
    ['a lone high surrogate', '\ud800x'],
    ['a lone low surrogate', 'x\udc00@b.co'],
  ])('5. refuses %s in an e-mail', async (_label, email) => {
    const res = await t.admin.post('/api/v1/customers', { name: 'x', email });
    expect(res.status).toBe(400);
    errorShape(res.body, 400, 'validation_failed');
    expect(res.body.details.fields).toEqual([{ field: 'email', problems: [expect.stringContaining('surrogate')] }]);
  });

  it.each([
    [
      'multipart/mixed',
      'multipart/mixed; boundary=abc',
      '--abc\r\nContent-Type: text/plain\r\n\r\nx\r\n--abc--\r\n',
      415,
      'unsupported_media_type',
    ],
    ['form-data without a boundary', 'multipart/form-data', 'x', 400, 'malformed_multipart'],
    [
      'a truncated form',
      'multipart/form-data; boundary=abc',
      '--abc\r\nContent-Disposition: form-data; name="version"\r\n\r\n1.0',
      400,
      'malformed_multipart',
    ],
  ])('6. answers an upload sent as %s in the error shape', async (_label, contentType, body, status, code) => {
    const res = await t.admin.post('/api/v1/packages').set('Content-Type', contentType).send(body);
    expect(res.status).toBe(status);
    errorShape(res.body, status, code);
  });

  it('7. applies a signed invoice.payment_failed whose attempt_count is an object', async () => {
    const { id } = await createBillingCustomer(t, 'cus_Obj');
    const res = await deliverStripe(
      t,
      stripeEvent('invoice.payment_failed', stripeInvoice('cus_Obj', { attempt_count: { toString: 1 } })),
    );
    expect(res.status).toBe(200);
    expect((await t.admin.get(`/api/v1/customers/${id}`).expect(200)).body.status).toBe('suspended');
  });

  describe('8. accepts nothing malformed', () => {
    it.each([
      [
        '__proto__ in a body',
        () =>
          t.admin
            .post('/api/v1/customers')
            .set('Content-Type', 'application/json')
            .send('{"name":"x","email":"a@b.co","__proto__":{"admin":true}}'),
      ],
      [
        'constructor in a body',
        () => t.admin.post('/api/v1/customers', { name: 'x', email: 'a@b.co', constructor: { prototype: 1 } }),
      ],
      ['__proto__ in a query', () => t.admin.get('/api/v1/customers?__proto__=1')],
      ['constructor in a query', () => t.admin.get('/api/v1/customers?constructor=1')],
    ])('refuses %s like any unknown field', async (_label, send) => {
      const res = await send();
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'validation_failed');
      expect(res.body.message).toMatch(/(__proto__|constructor) should not exist/);
      expect((await db.query('SELECT count(*)::int AS n FROM customers'))[0].n).toBe(0);
    });

    it.each([['suspend'], ['expire']])(
      'does not %s a customer when the body carries a prototype key',
      async (action) => {
        const { id } = await createCustomer(t);
        const res = await t.admin
          .post(`/api/v1/customers/${id}/${action}`)
          .set('Content-Type', 'application/json')
          .send('{"__proto__":{"reason":"x"}}');
        expect(res.status).toBe(400);
        expect((await customerRow(id)).status).toBe('active');
      },
    );

    it('refuses an archive that inflates a thousandfold, and a damaged one; stores neither', async () => {
      const bomb = await t.admin
        .post('/api/v1/packages')
        .attach('archive', zerosBomb(60 * 1024 * 1024), 'bomb.zip')
        .field('version', '1.0.0');
      expect(bomb.status).toBe(422);
      errorShape(bomb.body, 422, 'archive_zip_bomb');
      const damaged = rawZip([
        { name: 'composer.json', data: validComposerJson(), crc: 0xdeadbeef },
        { name: 'src/Widget.php', data: '<?php' },
      ]);
      const crc = await t.admin
        .post('/api/v1/packages')
        .attach('archive', damaged, 'damaged.zip')
        .field('version', '1.0.0');
      expect(crc.status).toBe(422);
      errorShape(crc.body, 422, 'archive_corrupt');
      expect((await db.query('SELECT count(*)::int AS n FROM package_versions'))[0].n).toBe(0);
    });
  });

  it('9. never answers a stale 304 after a subscription lapses, whatever the change clock did', async () => {
    const clock = t.app.get(Clock);
    const now = clock.now().getTime();
    await publish(t, 'acme/widget', '1.0.0', { releasedAt: new Date(now - 2 * 86400_000).toISOString() });
    await publish(t, 'acme/widget', '1.1.0', { releasedAt: new Date(now - 86400_000).toISOString() });
    await publish(t, 'acme/widget', '1.2.0', { releasedAt: new Date(now + 60_000).toISOString() });
    const created = await t.admin
      .post('/api/v1/customers', {
        name: 'Acme',
        email: 'dev@acme.com',
        on_expiry: 'freeze',
        expires_at: new Date(now + 5_000).toISOString(),
      })
      .expect(201);
    const { id, token } = created.body;
    // A burst of admin changes pushes the change clock well ahead of the wall clock.
    for (let i = 0; i < 35; i += 1) {
      await t.admin
        .post(`/api/v1/customers/${id}/packages`, { package: 'acme/widget', constraint: i % 2 ? '^1.0' : '>=1.0' })
        .expect((r) => expect(r.status).toBeLessThan(300));
    }
    const p2 = () => t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token));
    const before = await p2().expect(200);
    expect(before.body.packages['acme/widget'].map((v: { version: string }) => v.version)).toEqual([
      '1.2.0',
      '1.1.0',
      '1.0.0',
    ]);
    expect(Date.parse(before.headers['last-modified'])).toBeLessThanOrEqual(Date.parse(before.headers.date));

    clock.travel(6_000);
    const after = await p2().set('If-Modified-Since', before.headers['last-modified']);
    expect(after.status).toBe(200);
    expect(after.body.packages['acme/widget'].map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(Date.parse(after.headers['last-modified'])).toBeLessThanOrEqual(Date.parse(after.headers.date));
  });

  describe('10. smaller things', () => {
    it('quotes at most about a hundred characters of a megabyte-long unknown key', async () => {
      const key = 'k'.repeat(1024 * 1000);
      const res = await t.admin
        .post('/api/v1/customers')
        .set('Content-Type', 'application/json')
        .send(`{"name":"x","email":"a@b.co","${key}":1}`);
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'validation_failed');
      expect(res.text.length).toBeLessThan(1000);
      expect(res.text).not.toContain('k'.repeat(101));
    });

    it('answers headers over 16 KB with a JSON 431', async () => {
      const res = await t.admin.get('/api/v1/customers').set('X-Padding', 'p'.repeat(17 * 1024));
      expect(res.status).toBe(431);
      expect(res.headers['content-type']).toBe('application/json');
      errorShape(JSON.parse(res.text), 431, 'headers_too_large');
    });

    it('answers a broken percent-encoding in the path in the error shape', async () => {
      const res = await t.admin.get('/api/v1/customers/by-external/%E0%A4%A');
      expect(res.status).toBe(400);
      errorShape(res.body, 400, 'malformed_url');
    });

    it('documents external_id and expires_at as strings, and the package pattern of a freeze pin', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      const schemas = doc.components.schemas;
      for (const dto of ['CreateCustomerDto', 'UpdateCustomerDto']) {
        expect([dto, schemas[dto].properties.external_id.type]).toEqual([dto, 'string']);
        expect([dto, schemas[dto].properties.expires_at.type]).toEqual([dto, 'string']);
      }
      expect(schemas.PackageVersionDto.properties.package.pattern).toBeDefined();
      expect(new RegExp(schemas.PackageVersionDto.properties.package.pattern).test('acme/widget')).toBe(true);
    });
  });

  describe('issue 8: input converted where it enters', () => {
    it.each([
      ['an ISO week date', '2027-W01-1'],
      ['a basic-format date', '20270101'],
      ['a date-time without a zone', '2027-01-01T10:00:00'],
      ['February 30th', '2027-02-30T00:00:00Z'],
      ['year 0', '0000-01-01T00:00:00Z'],
    ])('refuses %s with one code naming the field, on every endpoint', async (_label, date) => {
      const { id } = await createCustomer(t);
      const attempts = [
        t.admin.post('/api/v1/customers', { name: 'x', email: 'a@b.co', expires_at: date }),
        t.admin.patch(`/api/v1/customers/${id}`, { expires_at: date }),
        t.admin.post(`/api/v1/customers/${id}/tokens`, { expires_at: date }),
        t.admin.get(`/api/v1/events?since=${encodeURIComponent(date)}`),
        t.admin.get(`/api/v1/downloads?until=${encodeURIComponent(date)}`),
        t.admin.post('/api/v1/packages').attach('archive', Buffer.from('zip'), 'x.zip').field('released_at', date),
      ];
      for (const res of await Promise.all(attempts)) {
        expect([res.status, res.body.error]).toEqual([400, 'validation_failed']);
        expect(res.body.details.fields.map((f: { field: string }) => f.field).join()).toMatch(
          /expires_at|since|until|released_at/,
        );
      }
    });

    it('never lets PostgreSQL refuse what the API accepted: a pin whose normalized form outgrows the column', async () => {
      const { id } = await createCustomer(t);
      const version = `1.2.3-b${'1'.repeat(93)}`;
      const res = await t.admin.post(`/api/v1/customers/${id}/freeze`, {
        versions: [{ package: 'acme/widget', version }],
      });
      expect(res.status).toBe(422);
      errorShape(res.body, 422, 'invalid_version');
      expect((await customerRow(id)).status).toBe('active');
    });

    it('answers the creation with the status the GET right after answers', async () => {
      const res = await t.admin
        .post('/api/v1/customers', { name: 'x', email: 'a@b.co', expires_at: '2001-01-01T00:00:00Z' })
        .expect(201);
      const got = await t.admin.get(`/api/v1/customers/${res.body.id}`).expect(200);
      expect(res.body.status).toBe('frozen');
      expect(got.body.status).toBe(res.body.status);
    });

    it('keeps the not-found answers for ids that cannot exist', async () => {
      const { id } = await createCustomer(t);
      expect((await t.admin.get('/api/v1/customers/not-an-id!')).body.error).toBe('customer_not_found');
      expect((await t.admin.get(`/api/v1/customers/${'x'.repeat(500)}/tokens`)).body.error).toBe('customer_not_found');
      expect((await t.admin.delete(`/api/v1/customers/${id}/tokens/../x`)).status).toBe(404);
      expect((await t.admin.delete(`/api/v1/customers/${id}/tokens/nope`)).body.error).toBe('token_not_found');
    });
  });
});
