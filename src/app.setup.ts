import { INestApplication, Logger } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { actorContextMiddleware } from './common/actor-context';
import { ComposerFastPath } from './composer-repository/composer-fast-path';
import { createValidationPipe } from './common/validation';
import { documentIdempotencyKey } from './idempotency/idempotency.openapi';
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
    observer.bindLogger(request);
    for (const listener of routed) listener.call(server, request, response);
  });
}

/** Everything main.ts and the e2e tests must configure identically. */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(PinoNestLogger));
  installComposerFastPath(app);
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.useBodyParser('json', { limit: '1mb' });
  app.use(actorContextMiddleware);
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Packyard')
      .setDescription(
        'Private Composer registry. The admin API lives under /api/v1 and needs `Authorization: Bearer <ADMIN_TOKEN>`. ' +
          'The Composer repository itself is served at the root (packages.json) for customer tokens. ' +
          'Every admin POST accepts an `Idempotency-Key` header that makes retrying it safe.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN' }, 'admin')
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Username "token", password: a customer token' }, 'customer')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN' }, 'metrics')
      .build(),
  );
  documentIdempotencyKey(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
