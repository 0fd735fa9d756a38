/**
 * The load generator: autocannon's programmatic API, in the driver process. Latencies are taken
 * from autocannon's per-response event (sub-millisecond resolution; its own histogram rounds to
 * whole milliseconds, too coarse on loopback).
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  /** The status every response must have; anything else makes the measurement invalid. */
  expectStatus: number;
  /** The server process, whose CPU time per request is reported (Linux /proc only). */
  serverPid?: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerResponse: number;
  /**
   * Server CPU time (user + system) per response, in microseconds: what a request costs the
   * server, much less disturbed than requests/s by other processes competing for the CPUs.
   */
  serverCpuMicros: number;
  /** Responses with another status, socket errors and timeouts: should all be 0. */
  unexpected: number;
  problems: string[];
}

/** utime + stime of a process in seconds, from /proc (NaN elsewhere). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from the state field (3): clock ticks, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

type Instance = autocannon.Instance & PromiseLike<autocannon.Result>;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(target: LoadTarget, connections: number, seconds: number, onLatency?: (ms: number) => void): Promise<autocannon.Result> {
  const instance = autocannon({
    url: target.url,
    headers: target.headers,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  }) as unknown as Instance;
  if (onLatency) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => onLatency(ms));
  return await instance;
}

/** The same load for `warmupSeconds`, results thrown away: JIT, caches and connections settle. */
export async function warmUp(target: LoadTarget, options: LoadOptions): Promise<void> {
  if (options.warmupSeconds > 0) await run(target, options.connections, options.warmupSeconds);
}

/** One measured run of `durationSeconds` (call warmUp first). */
export async function measure(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 18);
  let count = 0;
  const cpuBefore = processCpuSeconds(target.serverPid);
  const result = await run(target, options.connections, options.durationSeconds, (ms) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  });
  const cpuSeconds = processCpuSeconds(target.serverPid) - cpuBefore;
  const sorted = latencies.subarray(0, count).sort();
  const statuses = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  const expected = statuses[String(target.expectStatus)]?.count ?? 0;
  const unexpected = result.requests.total - expected + result.errors + result.timeouts;
  const problems: string[] = [];
  for (const [status, { count: n }] of Object.entries(statuses)) {
    if (status !== String(target.expectStatus)) problems.push(`${n} × HTTP ${status}`);
  }
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    serverCpuMicros: (cpuSeconds * 1e6) / Math.max(1, result.requests.total),
    unexpected,
    problems,
  };
}
