import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/**
 * One PostgreSQL for the whole run: the one named by TEST_DATABASE_URL (or DATABASE_URL), else an
 * embedded cluster in a temporary directory. Each jest worker then uses its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (configured) {
    process.env.PACKYARD_TEST_SERVER_URL = configured;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'packyard-test-pg-'));
  const database = await startEmbeddedPostgres(dir, { database: 'postgres' });
  process.env.PACKYARD_TEST_SERVER_URL = database.url;
  (globalThis as { packyardTestDatabase?: typeof database & { dir: string } }).packyardTestDatabase = {
    ...database,
    dir,
  };
}
