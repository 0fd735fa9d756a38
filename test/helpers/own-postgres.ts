import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres';

/**
 * A PostgreSQL cluster of the test's own (never the suite's server), in a temporary directory on
 * a free port, which the test may stop and start again with the same data, as an operator
 * restarting the database would.
 */
export class OwnPostgres {
  private process?: ChildProcess;
  url = '';

  private constructor(
    private readonly dir: string,
    private readonly port: number,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const own = new OwnPostgres(mkdtempSync(join(tmpdir(), 'packyard-own-pg-')), await findFreePort());
    await own.restart();
    return own;
  }

  async restart(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'postgres-process.ts'), this.dir, String(this.port)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.process = child;
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    this.url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /^READY (\S+)$/m.exec(output);
        if (ready) resolve(ready[1]);
      });
      child.once('exit', (code) => reject(new Error(`PostgreSQL process exited with ${code}: ${errors}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    this.process = undefined;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
