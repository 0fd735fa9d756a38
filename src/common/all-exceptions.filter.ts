import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { DatabaseState, OUTAGE_RETRY_AFTER_SECONDS } from '../database/database-state.service';
import { DomainError } from './domain-error';
import { excerpt } from './input-guard';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
};

// Errors raised by body-parser / multer before a route runs carry a `type` or `code`.
const MIDDLEWARE_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  'entity.parse.failed': { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'The request body is too large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset' },
  LIMIT_FILE_SIZE: { status: 413, code: 'archive_too_large', message: 'The uploaded archive is larger than allowed' },
  LIMIT_UNEXPECTED_FILE: { status: 400, code: 'unexpected_file', message: 'Unexpected file field in the upload' },
  LIMIT_FILE_COUNT: { status: 400, code: 'too_many_files', message: 'Too many files in the upload' },
  LIMIT_PART_COUNT: { status: 400, code: 'too_many_parts', message: 'Too many parts in the upload' },
  LIMIT_FIELD_VALUE: { status: 400, code: 'field_too_large', message: 'A form field is too large' },
};

// PostgreSQL error codes that mean the input was wrong, not the server.
const PG_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'conflict', message: 'A record with the same unique value already exists' },
  '22001': { status: 400, code: 'value_too_long', message: 'A value is longer than allowed' },
  '22P02': { status: 400, code: 'invalid_value', message: 'A value has the wrong format' },
  '22007': { status: 400, code: 'invalid_value', message: 'A date or time value has the wrong format' },
  '22008': { status: 400, code: 'invalid_value', message: 'A date or time value is out of range' },
  '22003': { status: 400, code: 'invalid_value', message: 'A number is out of range' },
};

/** Client input echoed in details (a constraint, an external_id, a name) is quoted like in messages. */
function shortened(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return excerpt(value);
  if (typeof value !== 'object' || value === null || depth > 4) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => shortened(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      // Validation problems are sentences about the input, already built with short quotes.
      .map(([key, item]) => [excerpt(key), depth === 0 && key === 'fields' ? item : shortened(item, depth + 1)]),
  );
}

/**
 * Turns every error into the one JSON error shape; unknown errors become an opaque 500. Message
 * patterns (microservice transport) get the same body as their error reply.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly database: DatabaseState) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') {
      const { body } = this.toBody(exception);
      return throwError(() => body);
    }
    const response = host.switchToHttp().getResponse<Response>();
    const { body, headers } = this.toBody(exception);
    if (response.headersSent) return;
    // Messages and details quote client input; a megabyte of it must not come back as a megabyte of error.
    body.message = excerpt(body.message, 1000);
    if (body.details) body.details = shortened(body.details, 0) as Record<string, unknown>;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    // Exactly "application/json" (a Buffer keeps Express from appending a charset): Composer
    // prints an error body's warning only when the header matches that string as a whole.
    response.status(body.statusCode).setHeader('Content-Type', 'application/json');
    response.send(Buffer.from(JSON.stringify(body)));
  }

  private toBody(exception: unknown): { body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      const body: ErrorBody = { statusCode: exception.status, error: exception.code, message: exception.message };
      if (exception.details) body.details = exception.details;
      return { body, headers: exception.headers ?? {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const message =
        typeof raw === 'string' ? raw : String((raw as { message?: unknown }).message ?? exception.message);
      // Nest turns body-parser's SyntaxError into a bare BadRequestException before filters see it.
      if (status === 400 && /JSON/.test(message)) {
        return {
          body: { statusCode: 400, error: 'malformed_json', message: `The request body is not valid JSON: ${message}` },
          headers: {},
        };
      }
      return { body: { statusCode: status, error: HTTP_CODES[status] ?? 'error', message }, headers: {} };
    }
    const known = this.middlewareError(exception);
    if (known) return { body: known, headers: {} };
    if (exception instanceof QueryFailedError) {
      const pgCode = (exception.driverError as { code?: string } | undefined)?.code;
      const mapped = pgCode ? PG_ERRORS[pgCode] : undefined;
      if (mapped)
        return { body: { statusCode: mapped.status, error: mapped.code, message: mapped.message }, headers: {} };
    }
    // An outage is logged once by DatabaseState, not with a stack trace per request.
    if (this.database.reportFailure(exception)) {
      return {
        body: { statusCode: 503, error: 'database_unavailable', message: 'The database is unreachable; retry shortly' },
        headers: { 'Retry-After': String(OUTAGE_RETRY_AFTER_SECONDS) },
      };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      body: { statusCode: 500, error: 'internal_error', message: 'Internal server error' },
      headers: {},
    };
  }

  private middlewareError(exception: unknown): ErrorBody | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { type, code, status, message } = exception as {
      type?: string;
      code?: string;
      status?: number;
      message?: string;
    };
    const mapped = (type && MIDDLEWARE_ERRORS[type]) || (code && MIDDLEWARE_ERRORS[code]);
    if (mapped)
      return { statusCode: mapped.status, error: mapped.code, message: mapped.message ?? message ?? mapped.code };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: HTTP_CODES[status] ?? 'bad_request', message: message ?? 'Bad request' };
    }
    return undefined;
  }
}
