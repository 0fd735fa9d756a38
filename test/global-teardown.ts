import { rmSync } from 'node:fs';
import { EmbeddedDatabase } from '../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as { packyardTestDatabase?: EmbeddedDatabase & { dir: string } }).packyardTestDatabase;
  if (!database) return;
  await database.stop();
  rmSync(database.dir, { recursive: true, force: true });
}
