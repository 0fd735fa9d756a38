import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { findFreePort } from '../../src/database/embedded-postgres';

export interface TestNats {
  url: string;
  /** Unique per test run, so parallel runs on one server never see each other's events. */
  subjectPrefix: string;
  stream: string;
  stop: () => Promise<void>;
}

async function hasJetStream(url: string): Promise<boolean> {
  try {
    const connection = await connect({ servers: url, timeout: 1000, reconnect: false });
    try {
      await connection.jetstreamManager();
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** The NATS server at 127.0.0.1:4222 when one runs with JetStream, else Debian's nats-server started here. */
export async function startNats(): Promise<TestNats> {
  const run = randomBytes(4).toString('hex');
  const names = { subjectPrefix: `pyt${run}`, stream: `PYT_${run}` };
  const shared = 'nats://127.0.0.1:4222';
  if (await hasJetStream(shared)) {
    return { url: shared, ...names, stop: () => deleteStream(shared, names.stream) };
  }
  const server = await spawnNatsServer(await findFreePort());
  return { ...server, ...names };
}

/** Debian's nats-server with JetStream on `port`, in a temporary directory. */
export async function spawnNatsServer(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'packyard-test-nats-'));
  const child: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: 'ignore',
  });
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await hasJetStream(url))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error('nats-server did not start (apt-get install nats-server)');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function deleteStream(url: string, stream: string): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await connection.jetstreamManager();
    await manager.streams.delete(stream).catch(() => undefined);
  } finally {
    await connection.close();
  }
}
