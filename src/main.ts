import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { RequestObserver } from './observability/request-observer';
import { clusterInUse, embeddedStartFailed, listenFailed, portProblem, StartupProblem } from './startup-problems';
import { startMicroservice } from './microservice/microservice-transport';

/** After the requests in flight, closing the rest (flush hooks, listener, pool) gets this long before giving up. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * SIGTERM: stop accepting connections, let requests and downloads in flight finish (at most
 * SHUTDOWN_TIMEOUT_SECONDS), then close the application: buffered writes are flushed by the
 * modules' shutdown hooks (token use today), the change listener and the pool close last.
 */
async function shutDown(
  app: INestApplication,
  config: AppConfig,
  embedded: EmbeddedDatabase | undefined,
  logger: Logger,
  signal: string,
): Promise<void> {
  const server = app.getHttpServer() as Server;
  const requests = app.get(RequestObserver);
  logger.log(
    `${signal} received: no new connections; ${requests.requestsInFlight} request(s) in flight get up to ${config.shutdownTimeoutSeconds} s`,
  );
  server.close();
  server.closeIdleConnections();
  const drained = await Promise.race([
    requests.drained().then(() => true),
    sleep(config.shutdownTimeoutSeconds * 1000, false, { ref: false }),
  ]);
  if (!drained)
    logger.warn(
      `${requests.requestsInFlight} request(s) still in flight after ${config.shutdownTimeoutSeconds} s: closing their connections`,
    );
  server.closeAllConnections();
  const closed = await Promise.race([app.close().then(() => true), sleep(CLOSE_TIMEOUT_MS, false, { ref: false })]);
  // The pool is closed (and pending token use flushed) before the embedded cluster stops.
  await embedded?.stop();
  if (!closed) {
    logger.error(`Closing the application took longer than ${CLOSE_TIMEOUT_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }
  logger.log('Shut down cleanly');
  process.exit(0);
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('Packyard');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  const clusterProblem = databaseUrl ? undefined : clusterInUse(config.dataDir);
  if (clusterProblem) throw clusterProblem;
  const portInUse = await portProblem(config.host, config.port);
  if (portInUse) throw portInUse;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${config.dataDir}/postgres`);
    try {
      embedded = await startEmbeddedPostgres(config.dataDir, { database: 'packyard' });
    } catch (error) {
      throw clusterInUse(config.dataDir) ?? embeddedStartFailed(config.dataDir, error);
    }
    databaseUrl = embedded.url;
  }
  const stopEmbedded = embedded;

  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
      bodyParser: false,
      // The JSON parser keeps the exact bytes in request.rawBody: webhook signatures are computed over them.
      rawBody: true,
      // Held until configureApp installs the JSON logger, so start-up lines have the same format.
      bufferLogs: true,
    });
    configureApp(app);
  } catch (error) {
    await stopEmbedded?.stop().catch(() => undefined);
    throw error;
  }
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void shutDown(app, config, embedded, logger, signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  try {
    await startMicroservice(app, config);
    await app.listen(config.port, config.host);
  } catch (error) {
    // Nothing may stay behind: close the pool and stop the cluster this start began.
    await app.close().catch(() => undefined);
    await stopEmbedded?.stop().catch(() => undefined);
    throw listenFailed(config.host, config.port, error) ?? error;
  }

  const lines = [
    `Packyard is listening on ${config.publicUrl}`,
    `Swagger UI: ${config.publicUrl}/docs`,
    `Composer repository: ${config.publicUrl}`,
    `Customer portal: ${config.publicUrl}/portal`,
  ];
  if (config.microserviceTransport === 'tcp')
    lines.push(`Message patterns: TCP ${config.host}:${config.microservicePort}`);
  if (config.microserviceTransport === 'nats')
    lines.push(`Message patterns: NATS ${config.natsUrl} (${config.natsSubjectPrefix}.rpc.*)`);
  if (config.adminTokenGenerated) {
    // Shown only to a person at a terminal; JSON logs are collected and kept, so they never carry it.
    lines.push(
      config.logFormat === 'pretty'
        ? `Generated admin token (kept in ${config.dataDir}/admin-token): ${config.adminToken}`
        : `Generated an admin token, kept in ${config.dataDir}/admin-token`,
    );
  }
  logger.log(`\n  ${lines.join('\n  ')}`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof StartupProblem) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
