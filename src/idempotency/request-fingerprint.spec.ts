import { createHash } from 'node:crypto';
import { canonicalJson, MultipartFingerprint, multipartBoundary, parseIdempotencyKey, requestFingerprint } from './request-fingerprint';

describe('parseIdempotencyKey', () => {
  it.each([
    ['a'],
    ['5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60'],
    ['order 4711 / create customer'],
    ['~!@#$%^&*()_+{}|:"<>?'],
    ['k'.repeat(255)],
  ])('accepts %j', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['non-ASCII', 'clé'],
    ['a tab', 'a\tb'],
    ['a control character', 'a\u0001b'],
    ['a repeated header', ['a', 'b']],
  ])('refuses %s with invalid_idempotency_key', (_label, header) => {
    expect(() => parseIdempotencyKey(header)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_idempotency_key' }));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('writes the same text for documents that differ only in key order', () => {
    expect(canonicalJson(JSON.parse('{"name":"Acme","email":"a@b.c"}'))).toBe(canonicalJson(JSON.parse('{"email":"a@b.c","name":"Acme"}')));
  });

  it('keeps values that differ apart', () => {
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});

describe('multipartBoundary', () => {
  it.each([
    ['multipart/form-data; boundary=----abc123', '----abc123'],
    ['multipart/form-data; charset=utf-8; BOUNDARY="with space"', 'with space'],
    ['multipart/form-data', undefined],
    [undefined, undefined],
  ])('reads %j', (contentType, boundary) => {
    expect(multipartBoundary(contentType)).toBe(boundary);
  });
});

describe('requestFingerprint', () => {
  const parsed = (value: unknown) => ({ kind: 'parsed' as const, value });
  const base = requestFingerprint('POST', '/api/v1/customers', parsed({ name: 'Acme', email: 'a@b.c' }));

  it('is a SHA-256 hex digest, equal for the same request whatever the key order', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('post', '/api/v1/customers', parsed({ email: 'a@b.c', name: 'Acme' }))).toBe(base);
  });

  it.each([
    ['another body', 'POST', '/api/v1/customers', parsed({ name: 'Acme', email: 'x@b.c' })],
    ['no body', 'POST', '/api/v1/customers', parsed(undefined)],
    ['another path', 'POST', '/api/v1/customers/cust_1/suspend', parsed({ name: 'Acme', email: 'a@b.c' })],
    ['another query', 'POST', '/api/v1/customers?x=1', parsed({ name: 'Acme', email: 'a@b.c' })],
    ['another method', 'PUT', '/api/v1/customers', parsed({ name: 'Acme', email: 'a@b.c' })],
  ])('differs for %s', (_label, method, url, body) => {
    expect(requestFingerprint(method, url, body)).not.toBe(base);
  });

  const form = (boundary: string, archive: string) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n1.0.0\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n${archive}\r\n` +
        `--${boundary}--\r\n`,
    );
  const multipart = (boundary: string, archive: string) => ({ kind: 'multipart' as const, boundary, raw: form(boundary, archive) });

  it('ignores the multipart boundary, which every client picks at random', () => {
    expect(requestFingerprint('POST', '/api/v1/packages', multipart('----111', 'PK zip bytes'))).toBe(
      requestFingerprint('POST', '/api/v1/packages', multipart('----222222', 'PK zip bytes')),
    );
  });

  it('tells multipart bodies with other contents apart', () => {
    expect(requestFingerprint('POST', '/api/v1/packages', multipart('----111', 'PK zip bytes'))).not.toBe(
      requestFingerprint('POST', '/api/v1/packages', multipart('----111', 'PK other bytes')),
    );
  });

  it.each([1, 2, 3, 7, 10, 11, 64, 1000])('is the same when the body streams in chunks of %i bytes (delimiters split across chunks)', (size) => {
    const body = multipart('----boundary-0123', 'PK --not-a-boundary- ----boundary-012 bytes');
    const streamed = new MultipartFingerprint('POST', '/api/v1/packages', body.boundary);
    for (let at = 0; at < body.raw.length; at += size) streamed.update(body.raw.subarray(at, at + size));
    expect(streamed.digest()).toBe(requestFingerprint('POST', '/api/v1/packages', body));
  });

  it('gives the same digest as before streaming existed, so stored keys keep matching', () => {
    const raw = form('----111', 'PK zip bytes');
    const expected = createHash('sha256')
      .update('POST /api/v1/packages\n')
      .update('multipart\n')
      .update(raw.toString('latin1').split('--' + '----111').join('--\0boundary\0'), 'latin1')
      .digest('hex');
    expect(requestFingerprint('POST', '/api/v1/packages', multipart('----111', 'PK zip bytes'))).toBe(expected);
  });
});
