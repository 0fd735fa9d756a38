import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { startEmbeddedPostgres } from './src/database/embedded-postgres';

/**
 * The DataSource for the TypeORM CLI (npm run migration:run / migration:generate). Without
 * DATABASE_URL it starts the same embedded PostgreSQL the server uses (stop the server first:
 * the cluster directory can only be used by one PostgreSQL at a time).
 */
async function createDataSource(): Promise<DataSource> {
  const config = loadConfig();
  const url = config.databaseUrl ?? (await startEmbeddedPostgres(config.dataDir, { database: 'packyard' })).url;
  return new DataSource(buildDataSourceOptions(url));
}

export default createDataSource();
