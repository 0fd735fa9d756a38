import { Readable } from 'node:stream';
import { Request } from 'express';
import { IdempotentBodyTooLargeError, RequestAbortedError } from './idempotency-errors';

/**
 * Reads a request body nobody has read yet (a multipart upload: multer reads it only inside the
 * route's own interceptor, after this one) and arms the request to hand the same bytes to the next
 * reader. Multer feeds busboy with `request.pipe(busboy)`, so `pipe` is what replays the body.
 * Over `limitBytes` the rest is discarded and the request is refused with a 413.
 */
export function readBodyForReplay(request: Request, limitBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        request.resume();
        reject(new IdempotentBodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const body = Buffer.concat(chunks, size);
      request.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T =>
        Readable.from([body], { objectMode: false }).pipe(destination, options);
      resolve(body);
    };
    const onError = () => {
      cleanup();
      reject(new RequestAbortedError());
    };
    const onClose = () => {
      if (request.readableEnded) return;
      cleanup();
      reject(new RequestAbortedError());
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onClose);
  });
}
