/**
 * The load generator: wrk (C, event-driven, Debian package `wrk`), a separate process, so the
 * generator is not the bottleneck: on loopback it drives nginx several times faster than Node's
 * autocannon could. A small Lua script adds the request headers (rotating through many customers'
 * tokens when asked) and prints the summary as one JSON line.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoadTarget {
  /** Origin, e.g. http://127.0.0.1:8080 */
  origin: string;
  /** One request, or many rotated round-robin (each wrk thread starts at its own offset). */
  requests: Array<{ path: string; headers: Record<string, string> }>;
  /** The server process, whose CPU time per request is reported (Linux /proc only). */
  serverPid?: number;
}

export interface LoadOptions {
  connections: number;
  threads: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Where the generated Lua scripts go. */
  scriptDir: string;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  bytesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerResponse: number;
  /**
   * Server CPU time (user + system) per response, in microseconds: what a request costs the
   * server, much less disturbed than requests/s by other processes competing for the CPUs.
   */
  serverCpuMicros: number;
  /** Responses with a status >= 400, socket errors and timeouts: should all be 0. */
  unexpected: number;
  problems: string[];
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat (NaN elsewhere). */
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

const luaString = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

let scripts = 0;

/** The Lua script: a request table, round-robin per thread, and a JSON summary line at the end. */
function writeScript(target: LoadTarget, dir: string): string {
  const entries = target.requests.map(({ path, headers }) => {
    const list = Object.entries(headers)
      .map(([name, value]) => `[${luaString(name)}]=${luaString(value)}`)
      .join(',');
    return `{${luaString(path)}, {${list}}}`;
  });
  const lua = `
local raw = {
${entries.join(',\n')}
}
local list = {}
local count = #raw
local threads = 0
function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end
local i = 0
-- wrk.format adds the Host header, which wrk only knows once the thread runs: build here, not at load.
function init(args)
  for k, r in ipairs(raw) do list[k] = wrk.format("GET", r[1], r[2]) end
  i = (offset or 0) % count
end
function request()
  i = i + 1
  if i > count then i = 1 end
  return list[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
  scripts += 1;
  const file = join(dir, `wrk-${scripts}.lua`);
  writeFileSync(file, lua);
  return file;
}

interface WrkSummary {
  requests: number;
  duration_us: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
}

function wrk(target: LoadTarget, options: LoadOptions, seconds: number): Promise<WrkSummary> {
  const script = writeScript(target, options.scriptDir);
  const threads = Math.min(options.threads, options.connections);
  const args = [
    '-t',
    String(threads),
    '-c',
    String(options.connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    `${target.origin}/`,
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (!line) return reject(new Error(`wrk printed no summary:\n${stdout}\n${stderr}`));
      resolve(JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary);
    });
  });
}

/** The same load for `warmupSeconds`, results thrown away: JIT, caches and connections settle. */
export async function warmUp(target: LoadTarget, options: LoadOptions): Promise<void> {
  if (options.warmupSeconds > 0) await wrk(target, options, options.warmupSeconds);
}

/** One measured run of `durationSeconds` (call warmUp first). */
export async function measure(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = processCpuSeconds(target.serverPid);
  const summary = await wrk(target, options, options.durationSeconds);
  const cpuSeconds = processCpuSeconds(target.serverPid) - cpuBefore;
  const seconds = summary.duration_us / 1e6;
  const problems: string[] = [];
  if (summary.status) problems.push(`${summary.status} × HTTP status >= 400`);
  const socketErrors = summary.connect + summary.read + summary.write;
  if (socketErrors)
    problems.push(
      `${socketErrors} socket errors (connect ${summary.connect}, read ${summary.read}, write ${summary.write})`,
    );
  if (summary.timeout) problems.push(`${summary.timeout} timeouts`);
  return {
    requests: summary.requests,
    requestsPerSecond: summary.requests / seconds,
    bytesPerSecond: summary.bytes / seconds,
    p50Ms: summary.p50_us / 1000,
    p99Ms: summary.p99_us / 1000,
    bytesPerResponse: summary.requests ? summary.bytes / summary.requests : 0,
    serverCpuMicros: (cpuSeconds * 1e6) / Math.max(1, summary.requests),
    unexpected: summary.status + socketErrors + summary.timeout,
    problems,
  };
}
