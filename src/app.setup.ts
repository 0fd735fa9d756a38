import { INestApplication, Logger } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IncomingMessage, maxHeaderSize, RequestListener, Server, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { actorContextMiddleware } from './common/actor-context';
import { ComposerFastPath } from './composer-repository/composer-fast-path';
import { createValidationPipe } from './common/validation';
import { AppConfig, APP_CONFIG } from './config/app-config';
import { INPUT_LIMITS, InputGuardPipe, inputGuardMiddleware } from './common/input-guard';
import { documentIdempotencyKey } from './idempotency/idempotency.openapi';
import { GIT_WEBHOOK_PATH } from './git-sources/git-webhook.controller';
import { raw } from 'express';
import { RequestObserver } from './observability/request-observer';

/**
 * Warm Composer metadata requests are answered before Express and Nest route them (see
 * ComposerFastPath). Every request, answered there or routed, is first seen by RequestObserver
 * (request id, access log, metrics, in-flight count).
 */
function installComposerFastPath(app: INestApplication): void {
  const fastPath = app.get(ComposerFastPath);
  const observer = app.get(RequestObserver);
  const server = app.getHttpServer() as Server;
  const routed = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const logger = new Logger('ComposerFastPath');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    observer.observe(request, response);
    let answered = false;
    try {
      answered = fastPath.tryServe(request, response);
    } catch (error) {
      // Outside Nest no filter catches this; the normal route answers instead (with its own error handling).
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      if (response.headersSent) return void response.destroy();
    }
    if (answered) return;
    observer.sendIdWithHeaders(request, response);
    observer.bindLogger(request);
    for (const listener of routed) listener.call(server, request, response);
  });
}

/**
 * Requests Node's HTTP parser refuses never reach Express, and Node answers them with a bare status
 * line. These get the one JSON error shape too: headers over the limit (431), a request that took
 * too long to arrive (408), anything else that is not HTTP (400).
 */
function answerUnparseableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: nothing can be written once a response on this socket has begun.
    const inProgress = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) return void socket.destroy();
    const [status, reason, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            'headers_too_large',
            `The request headers are larger than ${maxHeaderSize} bytes in total`,
          ]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request_timeout', 'The request did not arrive in time']
          : [400, 'Bad Request', 'malformed_request', 'The request is not valid HTTP/1.1'];
    const body = JSON.stringify({ statusCode: status, error: code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}

/** Everything main.ts and the e2e tests must configure identically. */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(PinoNestLogger));
  installComposerFastPath(app);
  answerUnparseableRequests(app.getHttpServer() as Server);
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // The client address counts failed authentications; behind a proxy it comes from X-Forwarded-For.
  express.set('trust proxy', app.get<AppConfig>(APP_CONFIG).trustProxy);
  // Git push webhooks are verified over their exact bytes, whatever their content type (GitHub may
  // send form-encoded) and size (a push of many commits exceeds the JSON limit).
  app.use(GIT_WEBHOOK_PATH, raw({ type: () => true, limit: '25mb' }));
  express.useBodyParser('json', { limit: INPUT_LIMITS.maxJsonBodyBytes });
  app.use(inputGuardMiddleware);
  app.use(actorContextMiddleware);
  app.useGlobalPipes(new InputGuardPipe(), createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Packyard')
      .setDescription(
        'Private Composer registry. The admin API lives under /api/v1 and needs `Authorization: Bearer <ADMIN_TOKEN>` (the root key, ' +
          'every scope) or `Authorization: Bearer pk_…`, a scoped API key (POST /api/v1/api-keys); a key outside its scopes gets ' +
          '403 insufficient_scope naming the missing scope. Changes are published as events to NATS and to signed webhooks (POST /api/v1/webhooks). ' +
          'The Composer repository itself is served at the root (packages.json) for customer tokens. ' +
          'Every admin POST accepts an `Idempotency-Key` header that makes retrying it safe.',
      )
      .setVersion('1.0')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN, or a scoped API key (pk_…)' },
        'admin',
      )
      .addBasicAuth(
        { type: 'http', scheme: 'basic', description: 'Username "token", password: a customer token' },
        'customer',
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN' }, 'metrics')
      .build(),
  );
  documentIdempotencyKey(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
