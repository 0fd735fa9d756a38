import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../src/database/embedded-postgres';

/**
 * Start-up mistakes a newcomer makes with `npm start`, run as they would: the real entry point
 * (src/main.ts) in its own process, on its own embedded PostgreSQL.
 */
const ROOT = resolve(__dirname, '..');

interface Started {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      ADMIN_TOKEN: 'startup-test-admin-token-0123',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { process: child, output: () => output, exited };
}

async function listening(started: Started, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes('Packyard is listening')) {
    if (started.process.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`did not start:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the operator reads: exactly one line. */
const onlyLine = (output: string) => {
  const lines = output.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
};

describe('Start-up mistakes', () => {
  const dataDirs: string[] = [];
  let first: Started;
  let port: number;

  beforeAll(async () => {
    port = await findFreePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'packyard-startup-'));
    dataDirs.push(dataDir);
    first = start({ DATA_DIR: dataDir, PORT: String(port) });
    await listening(first);
  }, 120_000);

  afterAll(async () => {
    first.process.kill('SIGTERM');
    await first.exited;
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a second start on the same DATA_DIR says so in one sentence, exits non-zero, and leaves the first one serving', async () => {
    const second = start({ DATA_DIR: dataDirs[0], PORT: String(await findFreePort()) });
    expect(await second.exited).toBe(1);
    const message = onlyLine(second.output());
    expect(message).toMatch(
      /^Another Packyard is already running on DATA_DIR=.*: stop it first .*, or start this one with another DATA_DIR\.$/,
    );
    expect(second.output()).not.toMatch(/UnhandledPromiseRejection|\n\s+at /);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  }, 60_000);

  it('a port in use says so in one sentence, exits non-zero, and leaves no PostgreSQL running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'packyard-startup-'));
    dataDirs.push(dataDir);
    const second = start({ DATA_DIR: dataDir, PORT: String(port) });
    expect(await second.exited).toBe(1);
    expect(onlyLine(second.output())).toMatch(
      new RegExp(`^Port ${port} on .* is already in use .*: stop it, or start Packyard with PORT=<another port>`),
    );
    expect(second.output()).not.toMatch(/\n\s+at /);
    // Nothing left running: a cluster that is still up keeps its postmaster.pid.
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
