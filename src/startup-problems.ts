import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Start-up mistakes an operator makes, each explained in one sentence naming the cause and the
 * way out (instead of a stack trace or an unhandled rejection).
 */
export class StartupProblem extends Error {}

/** PostgreSQL's postmaster.pid: line 1 the pid, line 4 the port. */
function runningCluster(databaseDir: string): { pid: number; port: string } | undefined {
  const file = join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // ESRCH: a stale file left by a crash; PostgreSQL cleans it up itself on start.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return { pid, port: portLine?.trim() ?? '?' };
}

export function clusterInUse(dataDir: string): StartupProblem | undefined {
  const running = runningCluster(join(dataDir, 'postgres'));
  if (!running) return undefined;
  return new StartupProblem(
    `Another Packyard is already running on DATA_DIR=${dataDir} (its PostgreSQL has pid ${running.pid} on port ${running.port}): ` +
      'stop it first (Ctrl+C in its terminal), or start this one with another DATA_DIR.',
  );
}

export function embeddedStartFailed(dataDir: string, error: unknown): StartupProblem {
  const reason = error instanceof Error && error.message ? `: ${error.message.split('\n')[0]}` : '';
  return new StartupProblem(
    `The embedded PostgreSQL in ${join(dataDir, 'postgres')} did not start${reason}; ` +
      'check that no other Packyard uses this DATA_DIR and that the directory is writable, or set DATABASE_URL.',
  );
}

/**
 * Binds the port for a moment before anything else starts, so that a port in use is reported
 * before a database is started for nothing. The real listen still handles the (rare) race.
 */
export function portProblem(host: string, port: number): Promise<StartupProblem | undefined> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once('error', (error) => resolvePromise(listenFailed(host, port, error)));
    probe.listen(port, host, () => probe.close(() => resolvePromise(undefined)));
  });
}

export function listenFailed(host: string, port: number, error: unknown): StartupProblem | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StartupProblem(
      `Port ${port} on ${host} is already in use (another Packyard, or another program, is listening there): ` +
        `stop it, or start Packyard with PORT=<another port> (e.g. PORT=${port === 65535 ? 8081 : port + 1}).`,
    );
  }
  if (code === 'EACCES') {
    return new StartupProblem(
      `Port ${port} needs privileges this user does not have: start Packyard with PORT=8080 or another port above 1023.`,
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new StartupProblem(
      `HOST=${host} is not an address of this machine: set HOST=0.0.0.0 or one of its own addresses.`,
    );
  }
  return undefined;
}
