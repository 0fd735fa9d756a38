import { createHash, Hash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from './idempotency-errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The header value as the key, or a 400: 1–255 printable ASCII characters (space included). */
export function parseIdempotencyKey(header: string | string[]): string {
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) throw new InvalidIdempotencyKeyError();
  return header;
}

/**
 * What a request carries, as far as "the same request" is concerned:
 * - `parsed`: the JSON body as body-parser produced it (undefined when there is none). Two bodies
 *   are the same when they mean the same JSON, whatever the key order or whitespace.
 * - `multipart`: the raw bytes, with the client's random boundary replaced, so a retry that sends
 *   the same parts again matches even though its boundary differs.
 */
export type RequestBody = { kind: 'parsed'; value: unknown } | { kind: 'multipart'; boundary: string | undefined; raw: Buffer };

/** JSON with object keys sorted at every level, so equal documents serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The `boundary` parameter of a multipart Content-Type (quoted or not). */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Hashes the body with every `--boundary` delimiter replaced by one fixed marker. */
function updateWithMultipart(hash: Hash, raw: Buffer, boundary: string | undefined): void {
  if (!boundary) {
    hash.update(raw);
    return;
  }
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let from = 0;
  for (let at = raw.indexOf(delimiter, from); at !== -1; at = raw.indexOf(delimiter, from)) {
    hash.update(raw.subarray(from, at)).update('--\0boundary\0');
    from = at + delimiter.length;
  }
  hash.update(raw.subarray(from));
}

/** SHA-256 (hex) over method, URL (path and query) and body: equal exactly for retries of one request. */
export function requestFingerprint(method: string, url: string, body: RequestBody): string {
  const hash = createHash('sha256').update(`${method.toUpperCase()} ${url}\n`);
  if (body.kind === 'parsed') {
    hash.update(body.value === undefined ? 'no body' : `json\n${canonicalJson(body.value)}`);
  } else {
    hash.update('multipart\n');
    updateWithMultipart(hash, body.raw, body.boundary);
  }
  return hash.digest('hex');
}
