import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  Optional,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor, MulterModuleOptions } from '@nestjs/platform-express';
import { MULTER_MODULE_OPTIONS } from '@nestjs/platform-express/multer/files.constants';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { catchError, from, map, mergeMap, Observable, throwError } from 'rxjs';
import { temporaryUploadPath, uploadsDir } from '../common/upload-spool';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';
import { ArchiveTooLargeError, MalformedUploadError, UnsupportedUploadTypeError } from './packages.errors';

/** An uploaded archive as the route receives it: spooled to a temporary file, hashed on the way. */
export interface UploadedArchive {
  /** The temporary file; removed when the request ends, whatever its outcome. */
  path: string;
  size: number;
  /** SHA-1 of the bytes (the dist shasum), computed while they were written. */
  sha1: string;
  originalname: string;
}

interface MulterFile {
  stream: Readable;
  originalname: string;
}

/**
 * A multer storage engine that writes the archive part to a temporary file and hashes it while
 * doing so, so an upload costs a few buffers of memory whatever its size. Multer removes the file
 * itself when it refuses the request (size limit, a second file); ArchiveUploadCleanup removes it
 * once the route is done.
 */
export class SpooledArchiveStorage {
  constructor(private readonly dataDir: string) {}

  _handleFile(
    _request: IncomingMessage,
    file: MulterFile,
    callback: (error: Error | null, info?: Partial<UploadedArchive>) => void,
  ): void {
    const path = temporaryUploadPath(this.dataDir, 'archive');
    const sha1 = createHash('sha1');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sha1.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    mkdir(uploadsDir(this.dataDir), { recursive: true })
      .then(() => pipeline(file.stream, hashing, createWriteStream(path, { flags: 'wx', mode: 0o640 })))
      .then(
        () => callback(null, { path, size, sha1: sha1.digest('hex') }),
        (error: Error) => void rm(path, { force: true }).finally(() => callback(error)),
      );
  }

  _removeFile(
    _request: IncomingMessage,
    file: Partial<UploadedArchive>,
    callback: (error: Error | null) => void,
  ): void {
    if (!file.path) return callback(null);
    rm(file.path, { force: true }).then(() => callback(null), callback);
  }
}

/** Multer limits for the upload route: one file up to MAX_ARCHIVE_MB and a few short text fields. */
export function archiveUploadOptions(config: AppConfig): MulterModuleOptions {
  return {
    storage: new SpooledArchiveStorage(config.dataDir),
    limits: {
      fileSize: config.maxArchiveBytes,
      files: 1,
      // A little above the two known fields, so that unknown ones reach validation and are named.
      fields: 5,
      fieldSize: 1024,
      fieldNameSize: 100,
      parts: 6,
      headerPairs: 50,
    },
  };
}

/**
 * Bind before ArchiveUploadInterceptor. Removes the spooled archive once the route is done (published, or
 * refused by validation or inspection: the stored copy is the only one that stays), and gives
 * multer's size limit, which FileInterceptor turns into a bare PayloadTooLargeException, the
 * archive_too_large code naming the limit.
 */
@Injectable()
export class ArchiveUploadCleanup implements NestInterceptor {
  private readonly logger = new Logger('ArchiveUpload');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ file?: Partial<UploadedArchive> }>();
    // Removed before the response is written, so a client that got its answer finds nothing left behind.
    const removeSpooled = async () => {
      const path = request.file?.path;
      if (path)
        await rm(path, { force: true }).catch((error: Error) =>
          this.logger.warn(`Could not remove ${path}: ${error.message}`),
        );
    };
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(removeSpooled()).pipe(
          mergeMap(() =>
            throwError(() =>
              error instanceof PayloadTooLargeException ? new ArchiveTooLargeError(this.config.maxArchiveBytes) : error,
            ),
          ),
        ),
      ),
      mergeMap((value) => from(removeSpooled()).pipe(map(() => value))),
    );
  }
}

/**
 * Nest's FileInterceptor for the `archive` field, with every way parsing the upload can fail
 * answered in the error shape: multer's size limit (a bare PayloadTooLargeException) becomes
 * archive_too_large naming the limit, and busboy's own errors (a multipart subtype other than
 * form-data, a missing boundary, a truncated body), plain Errors that would otherwise be a 500,
 * become 415 or 400. Only errors raised while parsing are mapped: the route's own come later,
 * through the returned observable.
 */
@Injectable()
export class ArchiveUploadInterceptor extends FileInterceptor('archive') {
  constructor(
    @Optional() @Inject(MULTER_MODULE_OPTIONS) options: MulterModuleOptions | undefined,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw new ArchiveTooLargeError(this.config.maxArchiveBytes);
      // Nest turns busboy's known messages ("Multipart: Boundary not found", …) into a bare 400.
      if (error instanceof HttpException && error.getStatus() === 400)
        throw new MalformedUploadError(excerpt(error.message));
      if (error instanceof HttpException || error instanceof DomainError || !(error instanceof Error)) throw error;
      if (/unsupported content type/i.test(error.message)) throw new UnsupportedUploadTypeError();
      throw new MalformedUploadError(excerpt(error.message));
    }
  }
}
