import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { DestinationStream } from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { findFreePort } from '../../src/database/embedded-postgres';
import { installDoorGuard } from './door-guard';
import { startMicroservice } from '../../src/microservice/microservice-transport';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** Base URL of the listening server (for the real Composer client). */
  url: string;
  http: () => ReturnType<typeof request>;
  admin: {
    get: (path: string) => request.Test;
    post: (path: string, body?: object) => request.Test;
    patch: (path: string, body?: object) => request.Test;
    delete: (path: string) => request.Test;
  };
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/** A database per jest worker, so spec files can run in parallel without seeing each other's rows. */
async function workerDatabaseUrl(): Promise<string> {
  const serverUrl = process.env.PACKYARD_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('PACKYARD_TEST_SERVER_URL is not set: run the tests through jest (npm test)');
  const name = `packyard_test_${process.env.JEST_WORKER_ID ?? '1'}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function truncateAll(dataSource: DataSource): Promise<void> {
  const tables = dataSource.entityMetadatas.map((meta) => `"${meta.tableName}"`);
  await dataSource.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
}

export interface TestAppOptions {
  /** A database of the test's own instead of the worker's (e.g. a cluster the test stops and starts). */
  databaseUrl?: string;
  /** Receives the app's log lines (LOG_LEVEL defaults to warn in tests). */
  logDestination?: DestinationStream;
  /** Start on the data already there (another instance's), instead of empty tables. */
  keepData?: boolean;
}

export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await workerDatabaseUrl());
  const dataDir = mkdtempSync(join(tmpdir(), 'packyard-test-data-'));
  const port = await findFreePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    ADMIN_TOKEN,
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Tests run the expiry sweep themselves, after moving the clock.
    EXPIRY_SWEEP_SECONDS: '0',
    // Most tests count the views each request builds; the warm-up's own tests turn it on.
    WARM_UP_CUSTOMERS: '0',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, databaseUrl, options.logDestination),
    {
      bodyParser: false,
      rawBody: true,
      logger: ['error', 'warn'],
    },
  );
  configureApp(app);
  await startMicroservice(app, config);
  await app.listen(port, '127.0.0.1');
  const dataSource = app.get(DataSource);
  await installDoorGuard(dataSource);
  if (!options.keepData) await truncateAll(dataSource);

  const server = app.getHttpServer();
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  return {
    app,
    config,
    url: config.publicUrl,
    http: () => request(server),
    admin: {
      get: (path) => auth(request(server).get(path)),
      post: (path, body) =>
        body === undefined ? auth(request(server).post(path)) : auth(request(server).post(path)).send(body),
      patch: (path, body) =>
        body === undefined ? auth(request(server).patch(path)) : auth(request(server).patch(path)).send(body),
      delete: (path) => auth(request(server).delete(path)),
    },
    reset: () => truncateAll(dataSource),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
