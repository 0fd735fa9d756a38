import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, Optional, PayloadTooLargeException } from '@nestjs/common';
import { FileInterceptor, MulterModuleOptions } from '@nestjs/platform-express';
import { MULTER_MODULE_OPTIONS } from '@nestjs/platform-express/multer/files.constants';
import { Observable } from 'rxjs';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';
import { ArchiveTooLargeError, MalformedUploadError, UnsupportedUploadTypeError } from './package-errors';

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
      if (error instanceof HttpException && error.getStatus() === 400) throw new MalformedUploadError(excerpt(error.message));
      if (error instanceof HttpException || error instanceof DomainError || !(error instanceof Error)) throw error;
      if (/unsupported content type/i.test(error.message)) throw new UnsupportedUploadTypeError();
      throw new MalformedUploadError(excerpt(error.message));
    }
  }
}
