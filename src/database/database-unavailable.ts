/**
 * Tells "the database cannot be reached" apart from every other failure, so that an outage is
 * answered 503 (and logged once) instead of 500 with a stack trace per request.
 *
 * pg and TypeORM report an outage in several shapes: socket errors from connecting or from a
 * connection that died (ECONNREFUSED, ECONNRESET, ...), PostgreSQL's own SQLSTATEs for a server
 * going away or not yet accepting connections, and pg-pool's plain-message errors. TypeORM wraps
 * query errors in QueryFailedError with the original in `driverError`.
 */

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
]);

const SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server was stopped with this connection open
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections: the server refuses new sessions
]);

const MESSAGES = [
  /^Connection terminated/, // pg: the socket closed under a query (also "... due to connection timeout")
  /^timeout exceeded when trying to connect$/, // pg-pool: connectionTimeoutMillis elapsed
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Connection is closed$/,
  /^the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/,
];

function fieldOf(value: object, name: string): unknown {
  return (value as Record<string, unknown>)[name];
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const code = fieldOf(error, 'code');
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  const message = fieldOf(error, 'message');
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  const nested = [
    fieldOf(error, 'driverError'),
    fieldOf(error, 'cause'),
    ...(Array.isArray(fieldOf(error, 'errors')) ? (fieldOf(error, 'errors') as unknown[]) : []),
  ];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

/** A short reason for the one log line of an outage, without query text or parameters. */
export function describeDatabaseFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const inner = fieldOf(error, 'driverError') ?? error;
  const code = typeof inner === 'object' && inner !== null ? fieldOf(inner, 'code') : undefined;
  const message = typeof inner === 'object' && inner !== null ? fieldOf(inner, 'message') : undefined;
  const text = typeof message === 'string' && message !== '' ? message : 'connection failed';
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
