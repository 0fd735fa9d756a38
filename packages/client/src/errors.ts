/** Every error the client throws; `code` is the API's stable `error` code (or a client-side one). */
export class PackyardError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Packyard answered with its error shape: `status`, `code` (the `error` field), `details`. */
export class PackyardApiError extends PackyardError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(code, message);
  }

  static fromBody(status: number, body: unknown): PackyardApiError {
    const shaped = body as { statusCode?: unknown; error?: unknown; message?: unknown; details?: unknown } | null;
    if (shaped && typeof shaped.error === 'string' && typeof shaped.message === 'string') {
      const details =
        typeof shaped.details === 'object' && shaped.details !== null
          ? (shaped.details as Record<string, unknown>)
          : undefined;
      return new PackyardApiError(
        typeof shaped.statusCode === 'number' ? shaped.statusCode : status,
        shaped.error,
        shaped.message,
        details,
      );
    }
    return new PackyardApiError(status, 'unexpected_response', `Packyard answered ${status} without its error shape`);
  }
}

/** No answer in time (`code: timeout`) or no connection (`code: network_error`), after the retries. */
export class PackyardUnavailableError extends PackyardError {}
