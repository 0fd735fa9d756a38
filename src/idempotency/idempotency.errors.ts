import { BadRequestError, ConflictError, DomainError } from '../common/domain-error';

export class InvalidIdempotencyKeyError extends BadRequestError {
  constructor() {
    super('invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters');
  }
}

export class IdempotencyKeyReusedError extends ConflictError {
  constructor(key: string, firstRequest: string) {
    super(
      'idempotency_key_reused',
      `Idempotency-Key "${key}" was already used for a different request (first: ${firstRequest}); ` +
        'a retry must repeat the method, path and body exactly, and a new request needs a new key',
      { idempotency_key: key, first_request: firstRequest },
    );
  }
}

export class IdempotencyKeyInProgressError extends DomainError {
  constructor(key: string) {
    super(
      409,
      'idempotency_key_in_progress',
      `A request with Idempotency-Key "${key}" is still being processed; retry in a moment to receive its response`,
      { idempotency_key: key },
      { 'Retry-After': '1' },
    );
  }
}

export class IdempotentBodyTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than the ${limitBytes} bytes any upload may have`, {
      limit_bytes: limitBytes,
    });
  }
}

export class RequestAbortedError extends BadRequestError {
  constructor() {
    super('request_aborted', 'The client closed the connection before the request body was complete');
  }
}

/** A stored 4xx answer, sent again through the exception filter so it keeps the one error shape. */
export class ReplayedError extends DomainError {
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(status, code, message, details);
  }
}
