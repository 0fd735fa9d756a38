import { spawn } from 'node:child_process';

export type GitFailureKind = 'exit' | 'timeout' | 'output_too_large' | 'aborted' | 'spawn';

/** A Git command that did not succeed; `message` is fit for an admin (git's own last words, trimmed). */
export class GitCommandError extends Error {
  constructor(
    readonly kind: GitFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface GitRunOptions {
  cwd?: string;
  /** Added to the locked-down base environment (credentials travel here, never in argv). */
  env?: Record<string, string>;
  timeoutMs: number;
  /** stdout beyond this is refused (archives, blobs); default 16 MiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/**
 * Settings for every command: no prompts (a missing password fails instead of hanging), no hooks,
 * no credential helpers or user/system config, and only the transports a repository URL may use
 * (`ext::` would run commands).
 */
const LOCKED_DOWN_CONFIG = [
  'core.hooksPath=/dev/null',
  'credential.helper=',
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.http.allow=always',
  'protocol.ssh.allow=always',
  'protocol.file.allow=always',
  'core.fsmonitor=false',
  'http.followRedirects=initial',
];

function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
    HOME: '/nonexistent',
  };
}

/** Git's error output, reduced to the lines that say what went wrong. */
export function gitProblem(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:') && !line.startsWith('Warning: Permanently added'));
  // Enough to keep ssh's "Permission denied (publickey)" above git's generic closing lines.
  const text = lines.slice(-4).join(' ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || 'git failed without a message';
}

/**
 * Runs git with an argument array (no shell) in its own process group, so that a timeout kills the
 * remote helpers and ssh it started too, and the call always settles.
 */
export function runGit(args: string[], options: GitRunOptions): Promise<Buffer> {
  const maxOutput = options.maxOutputBytes ?? 16 * 1024 * 1024;
  const configArgs = LOCKED_DOWN_CONFIG.flatMap((setting) => ['-c', setting]);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new GitCommandError('aborted', `git ${args[0]} was cancelled`));
    const child = spawn('git', [...configArgs, ...args], {
      cwd: options.cwd,
      env: { ...baseEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: GitCommandError | undefined;
    let settled = false;

    const kill = (reason: GitCommandError) => {
      failure ??= reason;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(
      () =>
        kill(
          new GitCommandError(
            'timeout',
            `git ${args[0]} did not finish within ${Math.round(options.timeoutMs / 1000)} s`,
          ),
        ),
      options.timeoutMs,
    );
    const onAbort = () => kill(new GitCommandError('aborted', `git ${args[0]} was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error: GitCommandError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(Buffer.concat(stdout, stdoutBytes));
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput) {
        kill(new GitCommandError('output_too_large', `git ${args[0]} produced more than ${maxOutput} bytes`));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => finish(new GitCommandError('spawn', `git could not be started: ${error.message}`)));
    const settle = (code: number | null) => {
      if (failure) return finish(failure);
      if (code === 0) return finish(undefined);
      finish(new GitCommandError('exit', gitProblem(stderr)));
    };
    child.on('close', (code) => settle(code));
    // A grandchild (remote helper, ssh) holding the pipes open must not keep the call waiting past the exit.
    child.on('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle(code);
      }, 2000).unref();
    });
  });
}
