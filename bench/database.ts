/**
 * The bench database: an embedded PostgreSQL in the run's temp directory, or a dedicated
 * `packyard_bench` database created (and dropped again) on the server BENCH_DATABASE_URL names.
 * Never the developer's ./var cluster.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

export const BENCH_DATABASE = 'packyard_bench';

export interface BenchDatabase {
  /** For the server and the seeder. */
  url: string;
  /**
   * Another database on the same server, for reading pg_stat_database: our own monitoring queries
   * then never count as transactions of the bench database.
   */
  monitorUrl: string;
  describe: string;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function openBenchDatabase(tempDir: string): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  if (!external) {
    // The cluster goes to `${tempDir}/postgres` (run as root, the helper makes tempDir traversable for it).
    const embedded = await startEmbeddedPostgres(tempDir, { database: BENCH_DATABASE });
    const monitorUrl = withDatabase(embedded.url, 'postgres');
    // Our own throw-away cluster: no autovacuum workers, whose catalog reads would otherwise show up
    // in the bench database's counters (the seeder runs VACUUM ANALYZE itself).
    await withClient(monitorUrl, async (admin) => {
      await admin.query('ALTER SYSTEM SET autovacuum = off');
      await admin.query('SELECT pg_reload_conf()');
    });
    return {
      url: embedded.url,
      monitorUrl,
      describe: `embedded PostgreSQL in ${join(tempDir, 'postgres')}`,
      // On Ctrl-C PostgreSQL gets the signal too and may be gone already; stop() would then wait forever.
      close: () => Promise.race([embedded.stop(), new Promise<void>((r) => setTimeout(r, 5000).unref())]),
    };
  }
  const given = new URL(external).pathname.replace(/^\//, '') || 'postgres';
  const monitorUrl = given === BENCH_DATABASE ? withDatabase(external, 'postgres') : external;
  await withClient(monitorUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  });
  return {
    url: withDatabase(external, BENCH_DATABASE),
    monitorUrl,
    describe: `database ${BENCH_DATABASE} on BENCH_DATABASE_URL (dropped at the end)`,
    close: () =>
      withClient(monitorUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`).then(() => undefined),
      ),
  };
}

export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  // A connection dropped by the server (e.g. Ctrl-C reached PostgreSQL too) fails the pending
  // query; without a listener it would also crash the driver before it cleans up.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export interface DbCounters {
  /** Index and sequential scans of the app's tables (pg_stat_user_tables): every query that reads or writes them makes one. */
  tableScans: number;
  /** Rows those scans read (seq_tup_read + idx_tup_fetch). */
  rowsRead: number;
  /** xact_commit + xact_rollback of the bench database (pg_stat_database): every statement, plus autovacuum's. */
  transactions: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readTransactions(monitor: Client): Promise<number> {
  const { rows } = await monitor.query(
    'SELECT (xact_commit + xact_rollback)::float8 AS transactions FROM pg_stat_database WHERE datname = $1',
    [BENCH_DATABASE],
  );
  return Number(rows[0].transactions);
}

/**
 * Polls until the counter has not moved for `quietMs`. Backends publish their counters when they
 * go idle, but at most once a second; a backend that goes idle within that second publishes up
 * to 10 s later. So after activity the counter is only final once it has been still for > 10 s.
 */
async function settledTransactions(
  monitor: Client,
  quietMs: (value: number) => number,
  maxWaitMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let value = await readTransactions(monitor);
  let stillSince = Date.now();
  for (;;) {
    await sleep(1100);
    const current = await readTransactions(monitor);
    if (current !== value) {
      value = current;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= quietMs(value) || Date.now() > deadline) {
      return value;
    }
  }
}

/** pg_stat_user_tables only shows the current database: a short connection to the bench database, stats flushed as it exits. */
async function readTableCounters(url: string): Promise<{ tableScans: number; rowsRead: number }> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0)), 0)::float8 AS scans,
              COALESCE(SUM(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0)::float8 AS rows
         FROM pg_stat_user_tables`,
    );
    return { tableScans: Number(rows[0].scans), rowsRead: Number(rows[0].rows) };
  });
}

/**
 * The counters before a phase. Call it once the server has been idle for over 10 s, so nothing
 * earlier is still unpublished. `monitor` is connected to another database, so reading
 * pg_stat_database adds nothing to the bench database; the one short connection to the bench
 * database (for its table counters) comes before the settled reading here and after it in
 * countersAfter, so its own transactions fall outside the measured interval.
 */
export async function countersBefore(db: BenchDatabase, monitor: Client): Promise<DbCounters> {
  const tables = await readTableCounters(db.url);
  return { ...tables, transactions: await settledTransactions(monitor, () => 1000) };
}

/** The counters after a phase: if anything happened during it, waits until every backend has published. */
export async function countersAfter(db: BenchDatabase, monitor: Client, before: DbCounters): Promise<DbCounters> {
  const transactions = await settledTransactions(monitor, (value) => (value === before.transactions ? 1000 : 10_500));
  return { ...(await readTableCounters(db.url)), transactions };
}
