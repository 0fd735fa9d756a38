import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposerJson, MAX_COMPOSER_JSON_BYTES, parseComposerJson } from '../packages/archive-inspector';
import { GitCommandError, runGit } from './git-command';
import { ParsedGitUrl } from './git-url';

export type GitCredentials =
  { kind: 'password'; username: string; password: string } | { kind: 'ssh_key'; privateKey: string };

export interface MirrorRef {
  kind: 'tag' | 'branch';
  /** Short name: "v1.0.0", "main", "feature/x". */
  name: string;
  /** The commit the ref points to (tags peeled), or null when it points to something else. */
  commit: string | null;
  committedAt: Date | null;
}

export interface GitLimits {
  timeoutMs: number;
  maxArchiveBytes: number;
}

/** Thrown for a composer.json that cannot be used; the message is the per-ref report. */
export class ComposerJsonProblem extends Error {}

/**
 * Access to one remote: credentials become environment for git (never argv, never the URL), an SSH
 * key a 0600 file in a private temporary directory that is removed afterwards.
 */
async function withRemoteEnv<T>(
  url: ParsedGitUrl,
  credentials: GitCredentials | null,
  knownHostsFile: string,
  run: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const sshOptions = [
    '-o BatchMode=yes',
    '-o LogLevel=ERROR',
    '-o StrictHostKeyChecking=accept-new',
    `-o UserKnownHostsFile='${knownHostsFile}'`,
    '-o ConnectTimeout=30',
  ];
  if (credentials?.kind === 'password' && url.transport === 'http' && url.origin) {
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
    return run({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${url.origin}/.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
  }
  if (credentials?.kind === 'ssh_key' && url.transport === 'ssh') {
    const dir = await mkdtemp(join(tmpdir(), 'packyard-ssh-'));
    try {
      const keyFile = join(dir, 'key');
      const key = credentials.privateKey.endsWith('\n') ? credentials.privateKey : `${credentials.privateKey}\n`;
      await writeFile(keyFile, key, { mode: 0o600 });
      return await run({
        GIT_SSH_COMMAND: ['ssh', `-i '${keyFile}'`, '-o IdentitiesOnly=yes', ...sshOptions].join(' '),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return run({ GIT_SSH_COMMAND: ['ssh', ...sshOptions].join(' ') });
}

/**
 * A bare mirror of a repository under DATA_DIR/repositories/. It has no remote configured (the URL
 * and credentials are passed per fetch), and fetches are incremental: only new objects travel.
 */
export class GitMirror {
  constructor(
    readonly dir: string,
    private readonly limits: GitLimits,
    private readonly signal?: AbortSignal,
  ) {}

  private git(args: string[], extra: { env?: Record<string, string>; maxOutputBytes?: number } = {}): Promise<Buffer> {
    // GIT_DIR rather than --git-dir keeps the subcommand first, where error messages name it.
    return runGit(args, {
      timeoutMs: this.limits.timeoutMs,
      signal: this.signal,
      maxOutputBytes: extra.maxOutputBytes,
      env: { GIT_DIR: this.dir, ...extra.env },
    });
  }

  get knownHostsFile(): string {
    return `${this.dir}.known_hosts`;
  }

  /**
   * Fetches every branch and tag (moved tags forced, deleted refs pruned) and returns the remote's
   * default branch. Nothing in the mirror changes when the fetch fails.
   */
  async fetch(url: ParsedGitUrl, credentials: GitCredentials | null): Promise<string | null> {
    if (!existsSync(join(this.dir, 'HEAD'))) {
      await mkdir(this.dir, { recursive: true });
      // No template: no sample hooks, nothing but what git needs.
      await runGit(['init', '--bare', '--quiet', '--template=', this.dir], {
        timeoutMs: this.limits.timeoutMs,
        signal: this.signal,
      });
    }
    return withRemoteEnv(url, credentials, this.knownHostsFile, async (env) => {
      const head = (await this.git(['ls-remote', '--symref', '--', url.url, 'HEAD'], { env })).toString('utf8');
      await this.git(
        [
          'fetch',
          '--quiet',
          '--prune',
          '--no-tags',
          '--force',
          '--no-write-fetch-head',
          '--',
          url.url,
          '+refs/heads/*:refs/heads/*',
          '+refs/tags/*:refs/tags/*',
        ],
        { env },
      );
      return defaultBranchOf(head);
    });
  }

  async refs(): Promise<MirrorRef[]> {
    const format = [
      '%(refname)',
      '%(objecttype)',
      '%(objectname)',
      '%(*objecttype)',
      '%(*objectname)',
      '%(committerdate:unix)',
      '%(*committerdate:unix)',
    ].join('%00');
    const out = (
      await this.git(['for-each-ref', `--format=${format}`, 'refs/heads', 'refs/tags'], {
        maxOutputBytes: 64 * 1024 * 1024,
      })
    ).toString('utf8');
    const refs: MirrorRef[] = [];
    for (const line of out.split('\n')) {
      if (line === '') continue;
      const [refname, type, hash, peeledType, peeledHash, time, peeledTime] = line.split('\0');
      const kind = refname.startsWith('refs/tags/') ? 'tag' : 'branch';
      const name = refname.slice(kind === 'tag' ? 'refs/tags/'.length : 'refs/heads/'.length);
      const commit = type === 'commit' ? hash : peeledType === 'commit' ? peeledHash : null;
      const seconds = Number(type === 'commit' ? time : peeledTime);
      refs.push({ kind, name, commit, committedAt: commit && seconds > 0 ? new Date(seconds * 1000) : null });
    }
    return refs;
  }

  /** Packed and loose objects, in bytes. */
  async sizeBytes(): Promise<number> {
    const out = (await this.git(['count-objects', '-v'])).toString('utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
    return (kib('size') + kib('size-pack')) * 1024;
  }

  /** composer.json at the root of the commit's tree, parsed, or undefined when there is none. */
  async composerJson(commit: string): Promise<ComposerJson | undefined> {
    const entry = (await this.git(['ls-tree', '-z', '--long', commit, '--', 'composer.json'])).toString('utf8');
    if (entry === '') return undefined;
    const match = /^(\d+) (\w+) ([0-9a-f]+)\s+(-|\d+)\tcomposer\.json\0$/.exec(entry);
    if (!match || match[2] !== 'blob') throw new ComposerJsonProblem('composer.json is not a regular file');
    if (match[1] === '120000') throw new ComposerJsonProblem('composer.json is a symbolic link');
    if (Number(match[4]) > MAX_COMPOSER_JSON_BYTES)
      throw new ComposerJsonProblem(`composer.json is larger than ${MAX_COMPOSER_JSON_BYTES} bytes`);
    const bytes = await this.git(['cat-file', 'blob', match[3]], { maxOutputBytes: MAX_COMPOSER_JSON_BYTES });
    try {
      return parseComposerJson('composer.json', bytes);
    } catch (error) {
      throw new ComposerJsonProblem((error as Error).message);
    }
  }

  /** `git archive` of the commit's tree as a zip; attributes (export-ignore) are read from that tree. */
  async archive(commit: string): Promise<Buffer> {
    try {
      return await this.git(['archive', '--format=zip', commit], { maxOutputBytes: this.limits.maxArchiveBytes });
    } catch (error) {
      if (error instanceof GitCommandError && error.kind === 'output_too_large') {
        throw new GitCommandError(
          'output_too_large',
          `the archive is larger than MAX_ARCHIVE_MB (${this.limits.maxArchiveBytes} bytes)`,
        );
      }
      throw error;
    }
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await rm(this.knownHostsFile, { force: true });
  }
}

/** `git ls-remote --symref <url> HEAD` prints "ref: refs/heads/main<TAB>HEAD". */
export function defaultBranchOf(lsRemoteHead: string): string | null {
  const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(lsRemoteHead);
  return match ? match[1] : null;
}
