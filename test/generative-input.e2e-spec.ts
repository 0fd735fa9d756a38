/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is untyped JSON, walked generically */
import fc from 'fast-check';
import { Agent, request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { PADDLE_SECRET, STRIPE_SECRET } from './helpers/billing';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';

/**
 * Generative test of the whole HTTP surface, driven by the OpenAPI document (/docs-json) plus
 * the undocumented dist route. Every request fast-check builds carries at least one defect the
 * API must refuse (a NUL, a lone surrogate, a prototype key, an unknown field, a wrong type, a
 * null, deep nesting, broken JSON or percent-encoding, an id that does not exist, …) among
 * otherwise plausible values generated from the operation's schema. Each must be answered with a
 * 4xx in the one error shape, within a few seconds, and leave every table exactly as it was.
 *
 * Runs: GENERATIVE_RUNS (default 2000). Seed: GENERATIVE_SEED, else fixed under CI=true, else
 * random (printed on failure, with the shrunk counterexample, so it can be replayed).
 */
const RUNS = Number(process.env.GENERATIVE_RUNS ?? 2000);
const SEED = process.env.GENERATIVE_SEED
  ? Number(process.env.GENERATIVE_SEED)
  : process.env.CI === 'true'
    ? 20261201
    : undefined;
const REQUEST_TIMEOUT_MS = 5000;

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: Schema }>;
  bodySchema?: Schema;
  multipart: boolean;
  auth: 'admin' | 'customer' | 'none';
}

interface Fixture {
  customerId: string;
  tokenId: string;
  customerToken: string;
  externalId: string;
}

interface GeneratedRequest {
  operation: Operation;
  defect: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Strings the API must refuse wherever a string goes. */
const POISON_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', 'ok\ud83d'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
const BROKEN_PATH_SEGMENTS = ['%00', 'a%00b', '%E0%A4%A', '%zz', '%ED%A0%80', '%C0%80', `${'%'.repeat(3)}`];

function resolve(document: Record<string, any>, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return document.components.schemas[schema.$ref.split('/').pop()!];
}

function operationsOf(document: Record<string, any>): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(document.paths)) {
    // The customer portal is pages for people (HTML errors, forms with CSRF, extra query parameters
    // ignored as browsers expect); test/portal.e2e-spec.ts covers its bad input in a real browser.
    if (path.startsWith('/portal')) continue;
    for (const [method, operation] of Object.entries<Record<string, any>>(methods)) {
      const parameters = (operation.parameters ?? []) as Parameter[];
      const content = operation.requestBody?.content ?? {};
      const security = (operation.security ?? []) as Array<Record<string, unknown>>;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        bodySchema: resolve(document, content['application/json']?.schema),
        multipart: 'multipart/form-data' in content,
        auth: security.some((s) => 'customer' in s)
          ? 'customer'
          : security.some((s) => 'admin' in s)
            ? 'admin'
            : 'none',
      });
    }
  }
  // The dist route is left out of the document (Composer finds it through the metadata).
  operations.push({
    method: 'GET',
    path: '/dists/{vendor}/{name}/{version}/{file}',
    pathParams: ['vendor', 'name', 'version', 'file'],
    queryParams: [],
    multipart: false,
    auth: 'customer',
  });
  return operations;
}

/** Plausible values for a schema, so that the defect is not the only thing the validators see. */
function valueFor(document: Record<string, any>, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema) ?? {};
  if (resolved.enum) return fc.constantFrom(...resolved.enum);
  switch (resolved.type) {
    case 'string':
      return resolved.format === 'date-time'
        ? fc.oneof(
            fc
              .date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true })
              .map((d) => d.toISOString()),
            fc.string(),
          )
        : fc.oneof(
            fc.constantFrom('acme/widget', '^1.0', '1.0.0', 'dev@acme.com', 'cus_1', ''),
            fc.string({ maxLength: 40 }),
          );
    case 'number':
    case 'integer':
      return fc.oneof(fc.integer({ min: -5, max: 300 }), fc.constant(1e300), fc.constant(-0));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 2 ? fc.constant([]) : fc.array(valueFor(document, resolved.items, depth + 1), { maxLength: 3 });
    case 'object':
      return depth > 2 ? fc.constant({}) : objectFor(document, resolved, depth + 1);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer());
  }
}

function objectFor(document: Record<string, any>, schema: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return fc.constant({});
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of properties) record[name] = valueFor(document, property, depth);
  return fc.record(record, { requiredKeys: [] });
}

/** A value of the wrong type for `schema`: what no validator of that field may accept. */
function wrongTypeFor(document: Record<string, any>, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema) ?? {};
  switch (resolved.type) {
    case 'array':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant({}));
    case 'object':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(true));
    case 'number':
    case 'integer':
      return fc.oneof(fc.constant('seven'), fc.constant([1]), fc.constant({}));
    case 'boolean':
      return fc.oneof(
        fc.integer(),
        fc.constant('true'),
        fc.constant([]),
        fc.constant({ nested: 'x' }),
        fc.constant(null),
      );
    default:
      return fc.oneof(fc.integer(), fc.constant(true), fc.constant([]), fc.constant({ nested: 'x' }), fc.constant(1.5));
  }
}

const deepValue = fc.integer({ min: 33, max: 4000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const brokenJson = fc.constantFrom(
  '{',
  '{"a":}',
  '[1,]',
  'nul',
  '{"a":1}}',
  '\u0000',
  '{"a":"\\ud800"',
  "{'a':1}",
  '{"a":1,}',
);

/** JSON text of `object` with `extra` spliced in as a raw member (keeps keys like __proto__ as sent). */
function withRawMember(object: Record<string, unknown>, key: string, rawValue: string): string {
  const members = Object.entries(object).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  members.splice(Math.floor(members.length / 2), 0, `${JSON.stringify(key)}:${rawValue}`);
  return `{${members.join(',')}}`;
}

/** Body defects: [name, JSON text]. Only the guard-level ones for operations that take no body. */
function bodyDefects(document: Record<string, any>, operation: Operation): fc.Arbitrary<[string, string]> {
  const schema = operation.bodySchema;
  const base = schema ? objectFor(document, schema) : fc.constant<Record<string, unknown>>({});
  const anyString = fc.constantFrom(...POISON_STRINGS);
  const guardLevel: Array<fc.Arbitrary<[string, string]>> = [
    fc
      .tuple(base, fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom('1', '{"admin":true}', 'null'))
      .map(([o, k, v]) => ['prototype key', withRawMember(o, k, v)]),
    fc
      .tuple(base, fc.string({ maxLength: 8 }), anyString)
      .map(([o, k, v]) => ['poisoned string', withRawMember(o, k || 'note', JSON.stringify(v))]),
    fc
      .tuple(base, fc.string({ maxLength: 8 }), deepValue)
      .map(([o, k, v]) => ['deep nesting', withRawMember(o, k || 'deep', v)]),
    brokenJson.map((text) => ['broken JSON', text]),
  ];
  if (!schema?.properties) return fc.oneof(...guardLevel);
  const names = Object.keys(schema.properties);
  const required = schema.required ?? [];
  const validated: Array<fc.Arbitrary<[string, string]>> = [
    fc
      .tuple(base, fc.constantFrom('role', 'is_admin', 'status', 'id', 'k'.repeat(500), 'Name', 'ünï'))
      .map(([o, k]) => ['unknown field', withRawMember(o, k, '"x"')]),
    fc
      .constantFrom('[]', '[{}]', '"text"', '1', 'true', 'null', '[["a"]]')
      .map((text): [string, string] => ['not an object', text]),
    fc
      .tuple(base, fc.constantFrom(...names))
      .chain(([o, name]) =>
        wrongTypeFor(document, schema.properties![name]).map((v): [string, string] => [
          `wrong type for ${name}`,
          JSON.stringify({ ...o, [name]: v }),
        ]),
      ),
    fc
      .tuple(base, fc.constantFrom(...names), anyString)
      .map(([o, name, v]) => [`poisoned ${name}`, JSON.stringify({ ...o, [name]: v })]),
  ];
  if (required.length > 0) {
    validated.push(
      fc
        .tuple(base, fc.constantFrom(...required))
        .map(([o, name]) => [`null ${name}`, JSON.stringify({ ...o, [name]: null })]),
    );
  }
  return fc.oneof(...guardLevel, ...validated);
}

function requestArbitrary(
  document: Record<string, any>,
  operations: Operation[],
  fixture: Fixture,
): fc.Arbitrary<GeneratedRequest> {
  const validPath: Record<string, string> = {
    id: fixture.customerId,
    tokenId: fixture.tokenId,
    externalId: fixture.externalId,
    package: 'acme/widget',
    vendor: 'acme',
    name: 'widget',
    file: 'widget.json',
    version: '1.0.0',
  };
  return fc.constantFrom(...operations).chain((operation) => {
    const pathDefect = operation.pathParams.length
      ? fc
          .tuple(
            fc.constantFrom(...operation.pathParams),
            fc.oneof(
              fc.constantFrom(...BROKEN_PATH_SEGMENTS).map((raw) => ({ raw, name: 'broken path' })),
              fc
                .constantFrom(
                  'cust_DoesNotExist0000000',
                  'tkn_DoesNotExist00000000',
                  'nope',
                  'x'.repeat(3000),
                  'Acme',
                  'a..b',
                  'zz~dev.json',
                )
                .map((value) => ({ raw: encodeURIComponent(value), name: 'unknown path value' })),
            ),
          )
          .map(([param, { raw, name }]) => ({ kind: `${name} in {${param}}`, param, raw }))
      : undefined;
    const queryDefect = fc.oneof(
      fc
        .constantFrom('x=%00', 'q=a%00', '__proto__=1', 'constructor=x', 'prototype=1', 'x=%F0%9F%A6%84%00')
        .map((query) => ({ kind: 'query', query })),
      ...(operation.queryParams.length
        ? [
            fc
              .constantFrom(
                'unknown=1',
                'limit=abc',
                'limit=0',
                'offset=-1',
                'limit=1e3',
                'since=2027-W01-1',
                'until=20270101',
                'status=gone',
                'type=nope',
                'package=UPPER/case',
              )
              .filter(
                (query) =>
                  query.startsWith('unknown') ||
                  // status=gone and type=nope are defects only where the parameter is an enum (not a free-text filter).
                  operation.queryParams.some(
                    (p) =>
                      query.startsWith(`${p.name}=`) &&
                      (!['status', 'type'].includes(p.name) || Array.isArray((p.schema as { enum?: unknown }).enum)),
                  ),
              )
              .map((query) => ({ kind: 'typed query', query })),
          ]
        : []),
    );
    const takesBody = operation.bodySchema !== undefined || operation.method === 'POST' || operation.method === 'PATCH';
    const defects: Array<fc.Arbitrary<{ kind: string; param?: string; raw?: string; query?: string; body?: string }>> =
      [queryDefect];
    if (pathDefect) defects.push(pathDefect);
    if (takesBody && !operation.multipart)
      defects.push(bodyDefects(document, operation).map(([kind, body]) => ({ kind: `body: ${kind}`, body })));
    if (operation.multipart) {
      defects.push(
        fc.constantFrom(
          { kind: 'multipart/mixed', body: '--b\r\n\r\nx\r\n--b--\r\n', contentType: 'multipart/mixed; boundary=b' },
          { kind: 'no boundary', body: 'x', contentType: 'multipart/form-data' },
          {
            kind: 'truncated form',
            body: '--b\r\nContent-Disposition: form-data; name="version"\r\n\r\n1.0',
            contentType: 'multipart/form-data; boundary=b',
          },
          {
            kind: 'no archive',
            body: '--b\r\nContent-Disposition: form-data; name="version"\r\n\r\n1.0\r\n--b--\r\n',
            contentType: 'multipart/form-data; boundary=b',
          },
          {
            kind: 'NUL field',
            body: '--b\r\nContent-Disposition: form-data; name="version"\r\n\r\n1\u00000\r\n--b--\r\n',
            contentType: 'multipart/form-data; boundary=b',
          },
          {
            kind: 'bad date',
            body: '--b\r\nContent-Disposition: form-data; name="released_at"\r\n\r\n20270101\r\n--b--\r\n',
            contentType: 'multipart/form-data; boundary=b',
          },
        ),
      );
    }
    return fc.oneof(...defects).map((defect): GeneratedRequest => {
      const path = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        'param' in defect && defect.param === name ? defect.raw! : encodeURIComponent(validPath[name] ?? 'x'),
      );
      const headers: Record<string, string> = {};
      if (operation.auth === 'admin') headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
      if (operation.auth === 'customer') headers.Authorization = basicAuth(fixture.customerToken);
      let body: Buffer | undefined;
      if ('body' in defect && defect.body !== undefined) {
        body = Buffer.from(defect.body, 'utf8');
        headers['Content-Type'] = 'contentType' in defect ? String(defect.contentType) : 'application/json';
      }
      const query = 'query' in defect && defect.query ? `?${defect.query}` : '';
      return { operation, defect: defect.kind, method: operation.method, path: `${path}${query}`, headers, body };
    });
  });
}

function send(
  url: URL,
  agent: Agent,
  generated: GeneratedRequest,
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: generated.method,
        path: generated.path,
        headers: generated.headers,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(REQUEST_TIMEOUT_MS, () =>
      request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (hang)`)),
    );
    request.on('error', reject);
    request.end(generated.body);
  });
}

describe('Generative: malformed requests across every operation', () => {
  let t: TestApp;
  let db: DataSource;
  let fixture: Fixture;
  let document: Record<string, any>;
  let tables: string[];

  /** Every table's content (token use times aside, which reads legitimately touch), as one digest. */
  const snapshot = async (): Promise<string> => {
    const parts = tables.map(
      (table) =>
        `SELECT '${table}' AS t, md5(coalesce(string_agg((to_jsonb(r) - 'last_used_at')::text, ',' ORDER BY (to_jsonb(r) - 'last_used_at')::text), '')) AS h FROM "${table}" r`,
    );
    const rows: Array<{ t: string; h: string }> = await db.query(parts.join(' UNION ALL '));
    return rows.map((row) => `${row.t}:${row.h}`).join(' ');
  };

  beforeAll(async () => {
    t = await createTestApp({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, PADDLE_WEBHOOK_SECRET: PADDLE_SECRET });
    db = t.app.get(DataSource);
    tables = db.entityMetadatas.map((meta) => meta.tableName);
    await publish(t, 'acme/widget', '1.0.0');
    const { id, token } = await createCustomer(t, { 'acme/widget': '*' });
    await t.admin.patch(`/api/v1/customers/${id}`, { external_id: 'cus_Fixture' }).expect(200);
    const tokens = await t.admin.get(`/api/v1/customers/${id}/tokens`).expect(200);
    fixture = { customerId: id, tokenId: tokens.body[0].id, customerToken: token, externalId: 'cus_Fixture' };
    document = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it(`answers ${RUNS} malformed requests with a 4xx in the error shape, never a 5xx or a hang, and changes nothing`, async () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(29);
    const url = new URL(t.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const before = await snapshot();
    const seen = new Set<string>();
    try {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(document, operations, fixture), async (generated) => {
          seen.add(`${generated.method} ${generated.operation.path}`);
          const response = await send(url, agent, generated);
          const label = `${generated.method} ${generated.path.slice(0, 120)} (${generated.defect})`;
          expect([label, response.status >= 400 && response.status < 500 ? '4xx' : response.status]).toEqual([
            label,
            '4xx',
          ]);
          expect([label, response.contentType]).toEqual([label, expect.stringMatching(/^application\/json/)]);
          const body = JSON.parse(response.text) as Record<string, unknown>;
          // The Composer 403 carries Composer's own `warning` shape; everything else the one error shape.
          if (response.status !== 403 || !('warning' in body)) {
            expect([label, body]).toEqual([
              label,
              expect.objectContaining({
                statusCode: response.status,
                error: expect.any(String),
                message: expect.any(String),
              }),
            ]);
          }
          expect(response.text.length).toBeLessThan(8 * 1024);
          expect([label, await snapshot()]).toEqual([label, before]);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      agent.destroy();
    }
    // Every operation was exercised.
    expect([...seen].length).toBe(operations.length);
  });
});
