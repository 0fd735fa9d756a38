import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import { MulterModuleOptions } from '@nestjs/platform-express';
import { catchError, Observable, throwError } from 'rxjs';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { ArchiveTooLargeError } from './package-errors';

/** What multer's memory storage hands the route for the `archive` field. */
export interface UploadedArchive {
  buffer: Buffer;
  size: number;
  originalname: string;
}

/** Multer limits for the upload route: one file up to MAX_ARCHIVE_MB and a few short text fields. */
export function archiveUploadOptions(config: AppConfig): MulterModuleOptions {
  return {
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
 * FileInterceptor turns multer's size limit into a bare PayloadTooLargeException before any filter
 * sees it; this gives it the archive_too_large code and names the limit. Bind it before FileInterceptor.
 */
@Injectable()
export class ArchiveTooLargeInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        throwError(() => (error instanceof PayloadTooLargeException ? new ArchiveTooLargeError(this.config.maxArchiveBytes) : error)),
      ),
    );
  }
}
