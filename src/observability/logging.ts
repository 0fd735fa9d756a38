import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger } from 'pino';
import { pinoHttp, HttpLogger } from 'pino-http';
import pretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';
import { routeClassOf } from './route-class';

/** Where a process's logs go; tests pass their own stream to read what was logged. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Fields that may carry a secret wherever they appear in a logged object. Request headers are not
 * logged at all (see the serializers below); this is the second line of defence for objects that
 * code passes to the logger.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'secret',
  'signature',
  'adminToken',
  'metricsToken',
  'webhookSecret',
  'stripeWebhookSecret',
  'paddleWebhookSecret',
  'headers.authorization',
  'headers.cookie',
  'headers["stripe-signature"]',
  'headers["paddle-signature"]',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.signature',
  '*.adminToken',
  '*.metricsToken',
  '*.webhookSecret',
  '*.stripeWebhookSecret',
  '*.paddleWebhookSecret',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["stripe-signature"]',
  '*.headers["paddle-signature"]',
];

export function createRootLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const stream =
    destination ??
    (config.logFormat === 'pretty'
      ? pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** A request id from a proxy in front (X-Request-Id) is kept, so one id follows the request through. */
function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const header = request.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * One access log line per request ("request completed"), with its id, route class, status and
 * time. Headers are deliberately left out: they carry tokens, Basic credentials and signatures.
 */
export function createHttpLogger(root: Logger): HttpLogger {
  return pinoHttp({
    logger: root,
    genReqId: requestIdOf,
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: {
      req: (request: IncomingMessage & { id?: string }) => ({
        method: request.method,
        url: request.url,
        route: routeClassOf(request.url),
        remoteAddress: request.socket?.remoteAddress,
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) => {
      if (response.statusCode === 503) return 'warn';
      return error || response.statusCode >= 500 ? 'error' : 'info';
    },
    // Failures are logged where they happen (once per outage for the database); the access line only says what was answered.
    customErrorObject: (_request, _response, _error, value: { res: unknown; responseTime: number }) => ({ res: value.res, responseTime: value.responseTime }),
    customErrorMessage: (_request, response) => `request failed with status ${response.statusCode}`,
  });
}
