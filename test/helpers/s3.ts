import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account';

export interface S3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Env for createTestApp: ARCHIVE_STORAGE=s3 against this server. */
  env: Record<string, string>;
  /** Every request the server accepted or refused, in order. */
  requests: Array<{ method: string; url: string; authorization: string | undefined; status: number }>;
  close: () => Promise<void>;
}

const ACCESS_KEY_ID = 'PACKYARDTESTKEY';
const SECRET_ACCESS_KEY = 'packyard-test-secret-0123456789abcdef';

/**
 * A real S3 protocol server for the tests: s3rver (S3's REST API over a folder) behind a gate
 * that checks AWS Signature Version 4 on every request, header-signed or presigned, and refuses
 * unsigned, wrongly signed or expired ones the way S3 does (403). s3rver checks only the older
 * V2 signatures itself.
 */
export async function startS3Server(bucket = 'packyard-test'): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'packyard-s3-'));
  const s3rver = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
    allowMismatchedSignatures: false,
    // Path-style only: a Host that is not an IP address must not be taken for a bucket name.
    vhostBuckets: false,
  });
  const address = (await s3rver.run()) as { port: number };
  const server = (s3rver as unknown as { httpServer: Server }).httpServer;
  const serve = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  // s3rver's own (V2-only) check needs to know the key; the gate above it checks V4 signatures.
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
  const requests: S3Server['requests'] = [];
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const problem = signatureProblem(request, SECRET_ACCESS_KEY, ACCESS_KEY_ID);
    response.on('finish', () =>
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        status: response.statusCode,
      }),
    );
    if (problem) {
      request.resume();
      response.writeHead(403, { 'Content-Type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${problem.code}</Code><Message>${problem.message}</Message></Error>`,
      );
      return;
    }
    for (const listener of serve) listener.call(server, request, response);
  });
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    env: {
      ARCHIVE_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'eu-central-1',
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    },
    requests,
    close: async () => {
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

interface Problem {
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'InvalidAccessKeyId';
  message: string;
}

/** RFC 3986 encoding, as SigV4 wants it. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The SigV4 check S3 does (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html). */
function signatureProblem(request: IncomingMessage, secretAccessKey: string, accessKeyId: string): Problem | undefined {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const params = (queryAt < 0 ? '' : url.slice(queryAt + 1))
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0
        ? [decodeURIComponent(pair), '']
        : [decodeURIComponent(pair.slice(0, at)), decodeURIComponent(pair.slice(at + 1))];
    });
  const query = new Map(params.map(([name, value]) => [name, value]));

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
    if (!match) return { code: 'AccessDenied', message: 'Only AWS4-HMAC-SHA256 signatures are accepted' };
    [, credential, , signature] = match;
    signedHeaders = match[2].split(';');
    amzDate = String(request.headers['x-amz-date'] ?? '');
    payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) return { code: 'AccessDenied', message: 'x-amz-content-sha256 is missing' };
  } else if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    credential = query.get('X-Amz-Credential') ?? '';
    signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
    signature = query.get('X-Amz-Signature') ?? '';
    amzDate = query.get('X-Amz-Date') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    const expires = Number(query.get('X-Amz-Expires'));
    const signedAt = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    if (!Number.isFinite(expires) || Number.isNaN(signedAt) || Date.now() > signedAt + expires * 1000) {
      return { code: 'AccessDenied', message: 'Request has expired' };
    }
  } else {
    return { code: 'AccessDenied', message: 'Anonymous requests are not allowed' };
  }

  const [keyId, date, region, service, terminal] = credential.split('/');
  if (keyId !== accessKeyId)
    return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  if (service !== 's3' || terminal !== 'aws4_request' || !amzDate.startsWith(date)) {
    return { code: 'SignatureDoesNotMatch', message: 'Malformed credential scope' };
  }

  const canonicalQuery = params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = hmac(signingKey, stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return undefined;
}
