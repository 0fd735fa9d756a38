import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { clusterInUse, embeddedStartFailed, listenFailed, portProblem, StartupProblem } from './startup-problems';
import { startMicroservice } from './microservice/microservice-transport';

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
    });
    configureApp(app);
  } catch (error) {
    await stopEmbedded?.stop().catch(() => undefined);
    throw error;
  }
  const shutdown = async (signal: string) => {
    logger.log(`${signal} received, shutting down`);
    // The pool closes (and pending token usage is flushed) before the embedded cluster stops.
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
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
  if (config.microserviceTransport === 'tcp') lines.push(`Message patterns: TCP ${config.host}:${config.microservicePort}`);
  if (config.microserviceTransport === 'nats') lines.push(`Message patterns: NATS ${config.natsUrl} (${config.natsSubjectPrefix}.rpc.*)`);
  if (config.adminTokenGenerated) {
    lines.push(`Generated admin token (kept in ${config.dataDir}/admin-token): ${config.adminToken}`);
  }
  logger.log(`\n  ${lines.join('\n  ')}`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof StartupProblem) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
