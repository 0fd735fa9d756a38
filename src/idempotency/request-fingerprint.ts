import { createHash, Hash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from './idempotency.errors';

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
export type RequestBody =
  { kind: 'parsed'; value: unknown } | { kind: 'multipart'; boundary: string | undefined; raw: Buffer };

/** JSON with object keys sorted at every level, so equal documents serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
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

/**
 * The fingerprint of a multipart request, fed the body chunk by chunk as it streams in: every
 * `--boundary` delimiter is hashed as one fixed marker, also when it spans two chunks.
 */
export class MultipartFingerprint {
  private readonly hash: Hash;
  private readonly delimiter: Buffer | undefined;
  /** The tail of the last chunk that may be the start of a delimiter. */
  private carry = Buffer.alloc(0);

  constructor(method: string, url: string, boundary: string | undefined) {
    this.hash = createHash('sha256').update(`${method.toUpperCase()} ${url}\n`).update('multipart\n');
    this.delimiter = boundary ? Buffer.from(`--${boundary}`, 'latin1') : undefined;
  }

  update(chunk: Buffer): void {
    const delimiter = this.delimiter;
    if (!delimiter) {
      this.hash.update(chunk);
      return;
    }
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let from = 0;
    for (let at = data.indexOf(delimiter, from); at !== -1; at = data.indexOf(delimiter, from)) {
      this.hash.update(data.subarray(from, at)).update('--\0boundary\0');
      from = at + delimiter.length;
    }
    // A delimiter starting before `keep` would have been found whole; what follows may begin one.
    const keep = Math.max(from, data.length - (delimiter.length - 1));
    this.hash.update(data.subarray(from, keep));
    this.carry = Buffer.from(data.subarray(keep));
  }

  digest(): string {
    this.hash.update(this.carry);
    this.carry = Buffer.alloc(0);
    return this.hash.digest('hex');
  }
}

/** SHA-256 (hex) over method, URL (path and query) and body: equal exactly for retries of one request. */
export function requestFingerprint(method: string, url: string, body: RequestBody): string {
  if (body.kind === 'multipart') {
    const fingerprint = new MultipartFingerprint(method, url, body.boundary);
    fingerprint.update(body.raw);
    return fingerprint.digest();
  }
  const hash = createHash('sha256').update(`${method.toUpperCase()} ${url}\n`);
  hash.update(body.value === undefined ? 'no body' : `json\n${canonicalJson(body.value)}`);
  return hash.digest('hex');
}
