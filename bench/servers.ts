/**
 * The processes under test: the real Packyard server (`node dist/main.js`), the bare `http`
 * baseline and nginx, each a child process of the driver, on 127.0.0.1 only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export interface HttpReply {
  status: number;
  /** As sent, in order, minus the hop-by-hop headers Node writes itself (Date, Connection, Keep-Alive). */
  rawHeaders: string[];
  body: Buffer;
}

/** Headers every Node `http` server writes on its own; the baseline's server writes them too. */
const NODE_WRITES_ITSELF = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** One GET on a fresh connection, body left exactly as sent (no decompression). */
export function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const rawHeaders: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (!NODE_WRITES_ITSELF.has(res.rawHeaders[i].toLowerCase()))
            rawHeaders.push(res.rawHeaders[i], res.rawHeaders[i + 1]);
        }
        resolve({ status: res.statusCode ?? 0, rawHeaders, body: Buffer.concat(chunks) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function header(reply: HttpReply, name: string): string | undefined {
  const index = reply.rawHeaders.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === name.toLowerCase());
  return index < 0 ? undefined : reply.rawHeaders[index + 1];
}

export interface ChildServer {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Every child still running, so an interrupted run can end them all. */
const running = new Set<ChildProcess>();

export function killChildrenNow(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

export async function stopChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return resolve();
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  logFile: string,
  readyUrl: string,
  command = process.execPath,
): Promise<ChildServer> {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', log, log] });
  closeSync(log);
  running.add(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up; last lines of ${logFile}:\n${logTail(logFile)}`);
    try {
      const reply = await httpGet(readyUrl, {}, 1000);
      if (reply.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${name} did not answer ${readyUrl} within 60 s; last lines of ${logFile}:\n${logTail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, pid: child.pid!, url: new URL(readyUrl).origin, logFile, stop: () => stopChild(child) };
}

export interface PackyardOptions {
  root: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  adminToken: string;
  logFile: string;
}

/** `node dist/main.js` as in production (NODE_ENV=production), against the bench database. */
export function startPackyard(options: PackyardOptions): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl,
    ADMIN_TOKEN: options.adminToken,
  };
  const main = join(options.root, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm run bench does)`);
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/packyard-prof" to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startChild(
    'Packyard',
    [...nodeArgs, main],
    env,
    options.root,
    options.logFile,
    `http://127.0.0.1:${options.port}/health`,
  );
}

/** The baseline: bench/baseline-server.ts replaying `responsesFile` (see writeBaselineResponses). */
export function startBaseline(
  root: string,
  port: number,
  responsesFile: string,
  logFile: string,
): Promise<ChildServer> {
  const script = join(root, 'bench', 'baseline-server.ts');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };
  return startChild(
    'baseline',
    ['-r', 'ts-node/register/transpile-only', script, responsesFile, String(port)],
    env,
    root,
    logFile,
    `http://127.0.0.1:${port}/__ready`,
  );
}

export interface NginxSite {
  port: number;
  root: string;
  /** Extra directives inside `server { }`, e.g. headers for pre-compressed files. */
  extra?: string;
}

/**
 * nginx with one worker (`master_process off`: the child process is the worker, so its CPU time is
 * nginx's), in the foreground, with a config generated into `dir`, serving static files.
 */
export function startNginx(binary: string, dir: string, sites: NginxSite[]): Promise<ChildServer> {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const servers = sites
    .map(
      (site) => `
  server {
    listen 127.0.0.1:${site.port};
    root ${site.root};
    location = /__ready { return 200; }
    ${site.extra ?? ''}
  }`,
    )
    .join('\n');
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path ${join(dir, 'temp', 'body')};
  proxy_temp_path ${join(dir, 'temp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'temp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'temp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'temp', 'scgi')};
${servers}
}
`;
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  return startChild(
    'nginx',
    ['-p', dir, '-c', confFile, '-e', join(dir, 'error.log')],
    { PATH: process.env.PATH },
    dir,
    join(dir, 'nginx.log'),
    `http://127.0.0.1:${sites[0].port}/__ready`,
    binary,
  );
}
