import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

/**
 * One definition of the connection for the app, the tests and the TypeORM CLI (ormconfig.ts).
 * Schema changes only ever come from migrations.
 */
export function buildDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // A database that does not answer (network partition) fails a request after 5 s instead of holding it.
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
