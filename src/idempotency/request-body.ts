import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Request } from 'express';
import { IdempotentBodyTooLargeError, RequestAbortedError } from './idempotency.errors';

/**
 * Reads a request body nobody has read yet (a multipart upload: multer reads it only inside the
 * route's own interceptor, after this one) into the file `spoolPath`, handing each chunk to
 * `consume` on the way (the fingerprint is computed while streaming), and arms the request to hand
 * the same bytes to the next reader from that file. Multer feeds busboy with `request.pipe(busboy)`,
 * so `pipe` is what replays the body. Memory stays at a few chunks whatever the body's size. Over
 * `limitBytes` the rest is discarded and the request is refused with a 413 (the file removed).
 */
export async function spoolBodyForReplay(
  request: Request,
  limitBytes: number,
  spoolPath: string,
  consume: (chunk: Buffer) => void,
): Promise<void> {
  await mkdir(dirname(spoolPath), { recursive: true });
  const file = createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 });
  const removeFile = () => rm(spoolPath, { force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      let size = 0;
      const cleanup = () => {
        request.off('data', onData);
        request.off('end', onEnd);
        request.off('error', onError);
        request.off('close', onClose);
        file.off('error', onFileError);
      };
      const fail = (error: Error) => {
        cleanup();
        file.destroy();
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limitBytes) {
          fail(new IdempotentBodyTooLargeError(limitBytes));
          request.resume();
          return;
        }
        consume(chunk);
        if (!file.write(chunk)) {
          request.pause();
          file.once('drain', () => request.resume());
        }
      };
      const onEnd = () => {
        cleanup();
        file.end(() => resolve());
      };
      const onError = () => fail(new RequestAbortedError());
      const onClose = () => {
        if (!request.readableEnded) fail(new RequestAbortedError());
      };
      const onFileError = (error: Error) => {
        fail(error);
        request.resume();
      };
      request.on('data', onData);
      request.once('end', onEnd);
      request.once('error', onError);
      request.once('close', onClose);
      file.on('error', onFileError);
    });
  } catch (error) {
    await removeFile();
    throw error;
  }
  // Opened, then unlinked: the bytes stay readable through the handle, and nothing is left on disk
  // for the route to clean up, whatever happens to the request from here on.
  const handle = await open(spoolPath, 'r');
  await removeFile();
  request.res?.once('close', () => void handle.close().catch(() => undefined));
  request.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T =>
    handle.createReadStream({ start: 0, autoClose: false }).pipe(destination, options);
}
