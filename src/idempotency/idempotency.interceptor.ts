import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import { ChangeDoor } from '../changes/change-door.service';
import { AuthenticatedRequest } from '../auth/auth.decorators';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { ReplayedError } from './idempotency.errors';
import { Claim, IdempotencyService } from './idempotency.service';
import { temporaryUploadPath } from '../common/upload-spool';
import { spoolBodyForReplay } from './request-body';
import {
  IDEMPOTENCY_KEY_HEADER,
  MultipartFingerprint,
  multipartBoundary,
  parseIdempotencyKey,
  requestFingerprint,
} from './request-fingerprint';
import { RecordedResponse, recordResponse } from './response-recorder';

export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Room for the form fields and part headers next to the largest archive an upload may carry. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

const ADMIN_API_PATH = /^\/api\/v1(?:[/?]|$)/;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * `Idempotency-Key` on admin POSTs. Guards have run, so the request is an authenticated admin
 * one; only then is a key validated, claimed and its response stored or replayed. Requests without
 * the header, other methods and non-admin routes (Composer, webhooks) pass straight through.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly door: ChangeDoor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    const applies =
      request.method === 'POST' &&
      header !== undefined &&
      request.principal?.kind === 'admin' &&
      ADMIN_API_PATH.test(request.originalUrl);
    if (!applies) return next.handle();

    const key = parseIdempotencyKey(header);
    const fingerprint = await this.fingerprint(request);
    const outcome = await this.idempotency.claim(key, `${request.method} ${pathOf(request.originalUrl)}`, fingerprint);
    const response = context.switchToHttp().getResponse<Response>();
    if (outcome.kind === 'replay') return this.replay(outcome.response, response);

    const claim = outcome.claim;
    recordResponse(
      response,
      (recorded) => this.settle(claim, recorded),
      () => void this.release(claim, 'the connection closed before a response was sent'),
    );
    // The route's changes and the stored answer commit in one unit of work: a crash can lose
    // neither one without the other. next.handle() is called inside it so the route joins it.
    return from(
      this.door.run(async () => {
        const value: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.idempotency.completeWithin(claim, answerOf(response, value));
        return value;
      }),
    );
  }

  private async fingerprint(request: AuthenticatedRequest): Promise<string> {
    // Multipart bodies are read by the route's own interceptor, later than this one: they are
    // spooled to a file (hashed on the way) and replayed from there. Every other body the app
    // accepts (JSON) has been parsed before the guards ran.
    if (request.is('multipart/*') && !request.readableDidRead) {
      const fingerprint = new MultipartFingerprint(
        request.method,
        request.originalUrl,
        multipartBoundary(request.headers['content-type']),
      );
      const spool = temporaryUploadPath(this.config.dataDir, 'body');
      await spoolBodyForReplay(request, this.config.maxArchiveBytes + MULTIPART_OVERHEAD_BYTES, spool, (chunk) =>
        fingerprint.update(chunk),
      );
      return fingerprint.digest();
    }
    return requestFingerprint(request.method, request.originalUrl, { kind: 'parsed', value: request.body as unknown });
  }

  /** Sends the stored answer again: its status, body and Location, marked as a replay. */
  private replay(stored: RecordedResponse, response: Response): Observable<unknown> {
    response.setHeader(REPLAYED_HEADER, 'true');
    if (stored.headers.location) response.setHeader('Location', stored.headers.location);
    const isJson = /^application\/json\b/i.test(stored.headers['content-type'] ?? '');
    const body: unknown = isJson && stored.body !== '' ? JSON.parse(stored.body) : stored.body;
    if (stored.status >= 400 && isErrorBody(body)) {
      throw new ReplayedError(stored.status, body.error, body.message, body.details);
    }
    response.status(stored.status);
    if (stored.body === '') return of(undefined);
    if (!isJson && stored.headers['content-type']) response.setHeader('Content-Type', stored.headers['content-type']);
    return of(body);
  }

  /** 2xx–4xx answers are kept for replay; a 5xx says nothing about the request, so a retry may run it. */
  private async settle(claim: Claim, recorded: RecordedResponse): Promise<void> {
    if (recorded.status >= 500) {
      await this.release(claim, `the request failed with ${recorded.status}`);
      return;
    }
    try {
      await this.idempotency.complete(claim, recorded);
    } catch (error) {
      this.logger.error(`Storing the response for Idempotency-Key "${claim.key}" failed: ${describe(error)}`);
      await this.release(claim, 'its response could not be stored');
    }
  }

  private async release(claim: Claim, reason: string): Promise<void> {
    try {
      await this.idempotency.release(claim);
    } catch (error) {
      this.logger.error(`Releasing Idempotency-Key "${claim.key}" (${reason}) failed: ${describe(error)}`);
    }
  }
}

/**
 * What Express will send for this value: Nest set the route's status before the interceptors ran,
 * and the handler may have changed it or added a Location; the body is res.json's.
 */
function answerOf(response: Response, value: unknown): RecordedResponse {
  const headers: RecordedResponse['headers'] = {};
  const location = response.getHeader('Location');
  if (location !== undefined) headers.location = String(location);
  if (value === undefined) return { status: response.statusCode, headers, body: '' };
  headers['content-type'] = 'application/json; charset=utf-8';
  return { status: response.statusCode, headers, body: JSON.stringify(value) };
}

interface ErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const { error, message, details } = body as Record<string, unknown>;
  return (
    typeof error === 'string' &&
    typeof message === 'string' &&
    (details === undefined || (typeof details === 'object' && details !== null))
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
