import { Response } from 'express';
import { StoredResponseHeaders } from './idempotency-key.entity';

export interface RecordedResponse {
  status: number;
  headers: StoredResponseHeaders;
  body: string;
}

type AnyFunction = (...args: unknown[]) => unknown;

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return undefined;
}

/**
 * Records the response the route and the exception filter produce, whatever produced it, and
 * delays ending it until `onEnd` has settled: a retry sent the moment the client has its answer
 * then finds that answer stored. `onAbandon` runs if the connection closes before the response
 * was ever ended. `onEnd` is expected to handle its own failures; the response ends either way.
 */
export function recordResponse(
  response: Response,
  onEnd: (recorded: RecordedResponse) => Promise<void>,
  onAbandon: () => void,
): void {
  const chunks: Buffer[] = [];
  const originalWrite = response.write as AnyFunction;
  const originalEnd = response.end as AnyFunction;
  let ended = false;

  response.write = function write(this: Response, ...args: unknown[]) {
    const chunk = toBuffer(args[0], args[1]);
    if (chunk) chunks.push(chunk);
    return originalWrite.apply(this, args);
  } as Response['write'];

  response.end = function end(this: Response, ...args: unknown[]) {
    ended = true;
    response.write = originalWrite as Response['write'];
    response.end = originalEnd as Response['end'];
    const chunk = toBuffer(args[0], args[1]);
    if (chunk) chunks.push(chunk);
    const headers: StoredResponseHeaders = {};
    const contentType = response.getHeader('Content-Type');
    const location = response.getHeader('Location');
    if (contentType !== undefined) headers['content-type'] = String(contentType);
    if (location !== undefined) headers.location = String(location);
    const finish = () => originalEnd.apply(response, args);
    onEnd({ status: response.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') }).then(finish, finish);
    return response;
  } as Response['end'];

  response.once('close', () => {
    if (!ended) onAbandon();
  });
}
