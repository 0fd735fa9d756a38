/**
 * `npm run bench`: seeds a realistic catalog and customer base into a throw-away PostgreSQL, then
 * load-tests the Composer endpoints of the real server (a separate `node dist/main.js` process)
 * beside a bare `http` server replaying the same bytes, and prints the comparison.
 *
 * Environment: BENCH_DURATION (seconds per measured phase, default 10), BENCH_WARMUP (default 2),
 * BENCH_DATABASE_URL (use a dedicated `packyard_bench` database on that server instead of an
 * embedded PostgreSQL), BENCH_SERVER_NODE_ARGS (extra node flags for the Packyard server). The run
 * reports; it exits 0 whether or not the targets are met (1 if the run itself fails). See README.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import type { BaselineResponse } from './baseline-server';
import { BenchDatabase, countersAfter, countersBefore, openBenchDatabase, withClient } from './database';
import { LoadOptions, LoadResult, LoadTarget, measure, warmUp } from './load';
import { DbLine, DbWork, formatReport, ScenarioRow } from './report';
import { generateCatalog, generateCustomers, seedCatalog, seedCustomers, vacuumAnalyze } from './seed';
import { ChildServer, header, httpGet, HttpReply, killChildrenNow, startBaseline, startPackyard, stopChildren } from './servers';
import { findFreePort } from '../src/database/embedded-postgres';

const ROOT = resolve(__dirname, '..');
const PACKAGES = 200;
const VERSIONS_PER_PACKAGE = 30;
const CUSTOMERS = 5000;
const FEW_CUSTOMERS = 5;
const CONNECTIONS = 50;
const ADMIN_TOKEN = 'adm_packyard_bench_fixed_admin_token';
const WARM_P2_MIN_RATIO = 0.5;
const CUSTOMER_SCALING_TOLERANCE = 0.1;
/** Alternating 5 / 5,000 customer rounds, a fresh server each (median taken). */
const SCALING_ROUNDS = 3;
/** Fewer than one query per thousand requests: only the server's timers, nothing per request. */
const MAX_QUERIES_PER_WARM_REQUEST = 0.001;
/** Idle time before a measured Packyard phase: PostgreSQL publishes a backend's counters within 10 s. */
const QUIET_MS = 10_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function seconds(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of seconds (at least ${min}), got "${raw}"`);
  return value;
}

const startedAt = Date.now();
const startLoad = os.loadavg()[0];
function progress(message: string): void {
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

// --- cleanup: children, database, temp dir; on success, error, Ctrl-C or SIGTERM -----------------

let tempDir: string | undefined;
let database: BenchDatabase | undefined;
let monitor: Client | undefined;
let interrupted = false;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopChildren().catch(() => undefined);
    await monitor?.end().catch(() => undefined);
    await database?.close().catch((error: Error) => progress(`could not remove the bench database: ${error.message}`));
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  })();
  return cleaning;
}

function onSignal(signal: NodeJS.Signals, code: number): void {
  if (interrupted) return;
  interrupted = true;
  progress(`${signal}: stopping the servers and removing the temporary files`);
  void cleanup().finally(() => process.exit(code));
}
process.on('SIGINT', () => onSignal('SIGINT', 130));
process.on('SIGTERM', () => onSignal('SIGTERM', 143));
// Last resort when something exits the process first (embedded-postgres stops its cluster on
// signals itself, then exits): nothing of the run may be left behind.
process.on('exit', () => {
  killChildrenNow();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

// --- the run -----------------------------------------------------------------------------------------

function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`token:${token}`).toString('base64')}`;
}

function expectReply(reply: HttpReply, status: number, what: string): HttpReply {
  if (reply.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${reply.status}: ${reply.body.toString('utf8').slice(0, 300)}`);
  return reply;
}

async function main(): Promise<void> {
  const durationSeconds = seconds('BENCH_DURATION', 10, 1);
  const load: LoadOptions = { connections: CONNECTIONS, durationSeconds, warmupSeconds: seconds('BENCH_WARMUP', 2, 0) };

  tempDir = mkdtempSync(join(os.tmpdir(), 'packyard-bench-'));
  progress(`temporary directory ${tempDir}`);
  database = await openBenchDatabase(tempDir);
  const db = database;
  progress(`database: ${db.describe}`);

  const port = await findFreePort();
  const baselinePort = await findFreePort();
  const dataDir = join(tempDir, 'data');
  let serverRuns = 0;
  const startServer = async (why: string): Promise<ChildServer> => {
    serverRuns += 1;
    progress(`starting Packyard (${why}) on 127.0.0.1:${port}`);
    return startPackyard({ root: ROOT, port, databaseUrl: db.url, dataDir, adminToken: ADMIN_TOKEN, logFile: join(tempDir!, `packyard-${serverRuns}.log`) });
  };

  // 1. Schema: the server's own migrations.
  await (await startServer('to run the migrations')).stop();

  // 2. Catalog and the first few customers, straight into the tables.
  const catalog = generateCatalog(PACKAGES, VERSIONS_PER_PACKAGE);
  const benchPackage = catalog[0].name;
  const customers = generateCustomers(CUSTOMERS, catalog, benchPackage);
  const customerA = customers[0];
  progress(`seeding ${catalog.length} packages × ${VERSIONS_PER_PACKAGE} versions and ${FEW_CUSTOMERS} customers`);
  await withClient(db.url, async (client) => {
    await seedCatalog(client, catalog);
    await seedCustomers(client, customers.slice(0, FEW_CUSTOMERS));
    await vacuumAnalyze(client);
  });

  const base = `http://127.0.0.1:${port}`;
  const baselineOrigin = `http://127.0.0.1:${baselinePort}`;
  const auth = { Authorization: basicAuth(customerA.tokens[0].secret), 'Accept-Encoding': 'gzip' };
  const p2Path = `/p2/${benchPackage}.json`;

  monitor = new Client({ connectionString: db.monitorUrl });
  monitor.on('error', () => undefined); // see withClient
  await monitor.connect();
  const counters = monitor;
  /**
   * The measured Packyard run between two readings of the database counters. Call it after a
   * warm-up followed by more than 10 s without load (see countersBefore).
   */
  const measurePackyard = async (target: LoadTarget): Promise<{ result: LoadResult; work: DbWork }> => {
    const before = await countersBefore(db, counters);
    const result = await measure(target, load);
    const after = await countersAfter(db, counters, before);
    return {
      result,
      work: {
        tableScans: after.tableScans - before.tableScans,
        rowsRead: after.rowsRead - before.rowsRead,
        transactions: after.transactions - before.transactions,
      },
    };
  };

  /** One more warm-p2 sample on a freshly started server (for the customer-count comparison). */
  const freshServerSample = async (label: string): Promise<LoadResult> => {
    const fresh = await startServer(label);
    const target: LoadTarget = { url: `${base}${p2Path}`, headers: auth, expectStatus: 200, serverPid: fresh.pid };
    expectReply(await httpGet(target.url, auth), 200, `GET ${p2Path}`);
    progress(`measuring Packyard warm p2 (${label})`);
    await warmUp(target, load);
    const result = await measure(target, load);
    await fresh.stop();
    return result;
  };
  const others = customers.slice(FEW_CUSTOMERS);
  const seedOthers = async () => {
    progress(`seeding the other ${others.length.toLocaleString('en-US')} customers`);
    await withClient(db.url, async (client) => {
      await seedCustomers(client, others);
      await vacuumAnalyze(client);
    });
  };
  const removeOthers = async () => {
    progress(`removing the other ${others.length.toLocaleString('en-US')} customers again`);
    await withClient(db.url, async (client) => {
      await client.query('DELETE FROM customers WHERE NOT (id = ANY($1::varchar[]))', [customers.slice(0, FEW_CUSTOMERS).map((c) => c.id)]);
      await vacuumAnalyze(client);
    });
  };

  // 3. Warm p2 with 5 customers (fresh servers, so none can hold anything seeded behind its back).
  let server = await startServer(`${FEW_CUSTOMERS} customers`);
  const p2Few = expectReply(await httpGet(`${base}${p2Path}`, auth), 200, `GET ${p2Path}`);
  progress(`measuring Packyard warm p2 with ${FEW_CUSTOMERS} customers`);
  const fewTarget: LoadTarget = { url: `${base}${p2Path}`, headers: auth, expectStatus: 200, serverPid: server.pid };
  await warmUp(fewTarget, load);
  await sleep(QUIET_MS); // the same pause the baseline run gives the server before each phase below
  const few = await measurePackyard(fewTarget);
  await server.stop();

  // 4. The other customers, then a fresh server again.
  await seedOthers();
  const counts = await withClient(db.url, async (client) => {
    const { rows } = await client.query(`SELECT
      (SELECT count(*) FROM packages)::int AS packages, (SELECT count(*) FROM package_versions)::int AS versions,
      (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM customer_tokens)::int AS tokens,
      (SELECT count(*) FROM access_grants)::int AS grants`);
    return rows[0] as Record<string, number>;
  });
  server = await startServer(`${CUSTOMERS.toLocaleString('en-US')} customers`);

  // 5. Capture the real responses; the baseline replays exactly these.
  const rootReply = expectReply(await httpGet(`${base}/packages.json`, auth), 200, 'GET /packages.json');
  const p2Reply = expectReply(await httpGet(`${base}${p2Path}`, auth), 200, `GET ${p2Path}`);
  const lastModified = header(p2Reply, 'last-modified');
  if (!lastModified) throw new Error(`GET ${p2Path} sent no Last-Modified`);
  if (header(p2Reply, 'content-encoding') !== 'gzip') throw new Error(`GET ${p2Path} was not gzipped despite Accept-Encoding: gzip`);
  if (!p2Reply.body.equals(p2Few.body)) progress(`warning: the p2 document differs between the ${FEW_CUSTOMERS}- and the ${CUSTOMERS}-customer runs`);
  const conditional = { ...auth, 'If-Modified-Since': lastModified };
  const notModifiedReply = expectReply(await httpGet(`${base}${p2Path}`, conditional), 304, `GET ${p2Path} with If-Modified-Since`);

  const scenarios = [
    { key: 'p2', label: 'warm p2 (gzip)', path: p2Path, headers: auth, reply: p2Reply, minRatio: WARM_P2_MIN_RATIO, maxDb: MAX_QUERIES_PER_WARM_REQUEST },
    { key: 'root', label: 'packages.json', path: '/packages.json', headers: auth, reply: rootReply, minRatio: undefined, maxDb: undefined },
    { key: '304', label: '304 revalidation', path: p2Path, headers: conditional, reply: notModifiedReply, minRatio: undefined, maxDb: undefined },
  ];
  const responsesFile = join(tempDir, 'baseline-responses.json');
  const captured: BaselineResponse[] = scenarios.map(({ path, headers, reply }) => ({
    path,
    conditional: 'If-Modified-Since' in headers,
    status: reply.status,
    rawHeaders: reply.rawHeaders,
    bodyBase64: reply.body.toString('base64'),
  }));
  writeFileSync(responsesFile, JSON.stringify(captured));
  const baseline = await startBaseline(ROOT, baselinePort, responsesFile, join(tempDir, 'baseline.log'));
  for (const { path, headers, reply } of scenarios) {
    const replay = await httpGet(`${baselineOrigin}${path}`, headers);
    if (replay.status !== reply.status || !replay.body.equals(reply.body) || JSON.stringify(replay.rawHeaders) !== JSON.stringify(reply.rawHeaders)) {
      throw new Error(`the baseline does not replay ${path} identically`);
    }
  }

  // 6. Per scenario: Packyard warm-up, the baseline (warm-up and run, while Packyard idles long
  //    enough for its database counters to be complete), then the measured Packyard run. The two
  //    numbers of a ratio are taken close together; warm p2 comes first, like the 5-customer run.
  const rows: ScenarioRow[] = [];
  const dbLines: DbLine[] = [];
  let manyP2: LoadResult | undefined;
  for (const scenario of scenarios) {
    const packyardTarget: LoadTarget = { url: `${base}${scenario.path}`, headers: scenario.headers, expectStatus: scenario.reply.status, serverPid: server.pid };
    const baselineTarget: LoadTarget = { url: `${baselineOrigin}${scenario.path}`, headers: scenario.headers, expectStatus: scenario.reply.status, serverPid: baseline.pid };
    progress(`measuring ${scenario.label}: Packyard warm-up, then the baseline`);
    await warmUp(packyardTarget, load);
    const packyardIdleSince = Date.now();
    await warmUp(baselineTarget, load);
    const baselineResult = await measure(baselineTarget, load);
    await sleep(QUIET_MS - (Date.now() - packyardIdleSince));
    progress(`measuring ${scenario.label}: Packyard`);
    const { result, work } = await measurePackyard(packyardTarget);
    rows.push({ name: scenario.label, packyard: result, baseline: baselineResult, minRatio: scenario.minRatio });
    dbLines.push({ scenario: scenario.label, ...work, requests: result.requests, maxPerRequest: scenario.maxDb });
    if (scenario.key === 'p2') manyP2 = result;
  }
  dbLines.push({ scenario: `warm p2, ${FEW_CUSTOMERS} customers`, ...few.work, requests: few.result.requests, maxPerRequest: MAX_QUERIES_PER_WARM_REQUEST });
  await baseline.stop();
  await server.stop();

  // 7. More rounds of 5 vs 5,000 customers, alternating, each on a fresh server: one server process
  //    can run 10-15% faster or slower than the next on the same data, and the machine drifts, so
  //    the comparison takes the median of alternating samples rather than one of each.
  const fewSamples = [few.result];
  const manySamples = [manyP2!];
  for (let round = 2; round <= SCALING_ROUNDS; round += 1) {
    await removeOthers();
    fewSamples.push(await freshServerSample(`${FEW_CUSTOMERS} customers, round ${round}`));
    await seedOthers();
    manySamples.push(await freshServerSample(`${CUSTOMERS.toLocaleString('en-US')} customers, round ${round}`));
  }

  // 8. The report.
  const rawP2 = gunzipSync(p2Reply.body).length;
  const rawRoot = header(rootReply, 'content-encoding') === 'gzip' ? gunzipSync(rootReply.body).length : rootReply.body.length;
  const order = ['packages.json', 'warm p2 (gzip)', '304 revalidation'];
  rows.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const load1 = os.loadavg()[0];
  const lines = [
    '',
    `Packyard benchmark: Node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? 'unknown'}) shared by server and load generator; ` +
      `load average at start ${startLoad.toFixed(2)}, at end ${load1.toFixed(2)}` +
      (Math.max(startLoad, load1) > os.cpus().length ? ' (other processes were competing for the CPUs: expect noisy numbers)' : ''),
    `autocannon: ${CONNECTIONS} connections, pipelining 1, ${load.warmupSeconds}s warm-up + ${durationSeconds}s per phase, loopback; database: ${db.describe}`,
    `catalog: ${counts.packages} packages, ${counts.versions} versions; ${counts.customers} customers, ${counts.tokens} tokens, ${counts.grants} grants`,
    `customer A (${customerA.id}): ${customerA.grants.length} grants; packages.json ${rootReply.body.length} B gzip (${rawRoot} B JSON); ` +
      `p2 ${benchPackage}: ${p2Reply.body.length} B gzip (${rawP2} B JSON), Last-Modified ${lastModified}`,
    `baseline: bare node:http server in its own process replaying the identical status, headers and body bytes (verified); ` +
      `"cpu us/req" is the server process's user+system CPU time per response`,
    '',
    formatReport(rows, dbLines, {
      few: { customers: FEW_CUSTOMERS, results: fewSamples },
      many: { customers: CUSTOMERS, results: manySamples },
      tolerance: CUSTOMER_SCALING_TOLERANCE,
    }),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main()
  .then(async () => {
    await cleanup();
    progress('done');
    process.exit(0);
  })
  .catch(async (error: Error) => {
    if (interrupted) return; // the signal handler is already cleaning up and exiting
    process.stderr.write(`\nbench failed: ${error.stack ?? error.message}\n`);
    await cleanup();
    process.exit(1);
  });
