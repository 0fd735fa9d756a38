import { randomUUID } from 'node:crypto';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';

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

export function createRootLogger(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  destination?: DestinationStream,
): Logger {
  const stream =
    destination ??
    (config.logFormat === 'pretty'
      ? pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : // Written asynchronously (pino flushes what is pending when the process exits).
        pino.destination({ fd: 1, sync: false }));
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
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
