import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Vendor',
  GIT_AUTHOR_EMAIL: 'vendor@example.com',
  GIT_COMMITTER_NAME: 'Vendor',
  GIT_COMMITTER_EMAIL: 'vendor@example.com',
};

/**
 * A vendor's repository: a bare repository (the "remote", served by file:// or the HTTP server
 * below) and a working clone the test commits, tags and pushes from, like a developer would.
 */
export class VendorRepo {
  readonly root: string;
  readonly bare: string;
  readonly work: string;

  constructor(readonly name = 'widget') {
    this.root = mkdtempSync(join(tmpdir(), 'packyard-git-'));
    this.bare = join(this.root, 'remote', `${name}.git`);
    this.work = join(this.root, 'work');
    mkdirSync(this.bare, { recursive: true });
    this.git(this.bare, 'init', '--bare', '--quiet', '--initial-branch=main');
    this.git(this.root, 'clone', '--quiet', this.bare, this.work);
    this.git(this.work, 'checkout', '--quiet', '-B', 'main');
  }

  get fileUrl(): string {
    return `file://${this.bare}`;
  }

  git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd,
      env: { ...process.env, ...GIT_ENV, ...this.dateEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private dateEnv: Record<string, string> = {};

  /** Writes files (null deletes) and commits them, optionally at a given time. */
  commit(files: Record<string, string | null>, message = 'change', at?: string): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    this.dateEnv = at ? { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at } : {};
    try {
      this.git(this.work, 'add', '-A');
      this.git(this.work, 'commit', '--quiet', '--allow-empty', '-m', message);
    } finally {
      this.dateEnv = {};
    }
    return this.head();
  }

  head(): string {
    return this.git(this.work, 'rev-parse', 'HEAD').trim();
  }

  tag(name: string, annotated = false): void {
    if (annotated) this.git(this.work, 'tag', '-a', '-m', name, name);
    else this.git(this.work, 'tag', name);
  }

  /** Moves an existing tag to HEAD and force-pushes it. */
  moveTag(name: string): void {
    this.git(this.work, 'tag', '-f', name);
    this.git(this.work, 'push', '--quiet', '--force', 'origin', `refs/tags/${name}`);
  }

  deleteTag(name: string): void {
    this.git(this.work, 'tag', '-d', name);
    this.git(this.work, 'push', '--quiet', 'origin', `:refs/tags/${name}`);
  }

  checkout(branch: string, create = false): void {
    this.git(this.work, 'checkout', '--quiet', ...(create ? ['-b', branch] : [branch]));
  }

  push(): void {
    this.git(this.work, 'push', '--quiet', '--all', 'origin');
    this.git(this.work, 'push', '--quiet', '--tags', 'origin');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** composer.json of a small library whose class says which version it is. */
export function libraryFiles(
  name: string,
  marker: string,
  extra: Record<string, unknown> = {},
): Record<string, string> {
  return {
    'composer.json': JSON.stringify(
      { name, type: 'library', license: 'proprietary', autoload: { 'psr-4': { 'Acme\\': 'src/' } }, ...extra },
      null,
      2,
    ),
    'src/Widget.php': `<?php\nnamespace Acme;\nfinal class Widget { const MARKER = '${marker}'; }\n`,
  };
}

/**
 * Git's smart HTTP protocol: `git http-backend` (CGI) behind node:http, with basic auth, serving
 * every repository under `projectRoot`.
 */
export class GitHttpServer {
  private server?: Server;
  url = '';

  constructor(
    private readonly projectRoot: string,
    private readonly user: string,
    private readonly password: string,
  ) {}

  async start(): Promise<void> {
    const expected = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    this.server = createServer((request, response) => {
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
        response.end('unauthorized');
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH,
          GIT_PROJECT_ROOT: this.projectRoot,
          GIT_HTTP_EXPORT_ALL: '1',
          REQUEST_METHOD: request.method ?? 'GET',
          PATH_INFO: decodeURIComponent(url.pathname),
          QUERY_STRING: url.search.slice(1),
          CONTENT_TYPE: request.headers['content-type'] ?? '',
          REMOTE_USER: this.user,
          REMOTE_ADDR: '127.0.0.1',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
          ...(request.headers['content-encoding']
            ? { HTTP_CONTENT_ENCODING: String(request.headers['content-encoding']) }
            : {}),
        },
      });
      request.pipe(cgi.stdin);
      let head = Buffer.alloc(0);
      let headersDone = false;
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (headersDone) return void response.write(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        headersDone = true;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
          const colon = line.indexOf(':');
          const key = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
          else headers[key] = value;
        }
        response.writeHead(status, headers);
        response.write(head.subarray(end + 4));
      });
      cgi.stdout.on('end', () => response.end());
      cgi.on('error', () => response.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A host that accepts connections and never answers: what a hung Git server looks like. */
export class SilentServer {
  private server?: TcpServer;
  private readonly sockets = new Set<Socket>();
  url = '';

  /** `port`: take over the port of a server that was just stopped, as a host that starts hanging would. */
  async start(port = 0): Promise<void> {
    this.server = createTcpServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/**
 * An OpenSSH server on loopback that lets in one generated deploy key, as the current user: the
 * repositories are then reachable as ssh://<user>@127.0.0.1:<port>/<absolute path>.
 */
export class GitSshServer {
  private process?: ReturnType<typeof spawn>;
  private readonly dir = mkdtempSync(join(tmpdir(), 'packyard-sshd-'));
  readonly user = userInfo().username;
  port = 0;
  /** The private key to give Packyard as credentials.ssh_key. */
  privateKey = '';

  async start(): Promise<void> {
    const keygen = (file: string) =>
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, file)], { stdio: 'ignore' });
    keygen('host_key');
    keygen('deploy_key');
    this.privateKey = readFileSync(join(this.dir, 'deploy_key'), 'utf8');
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(join(this.dir, 'deploy_key.pub')));
    this.port = await findFreePort();
    const config = join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(this.dir, 'host_key')}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        '',
      ].join('\n'),
    );
    // Run as root, sshd wants its privilege separation directory.
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    this.process = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    this.process.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (this.process.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  url(path: string): string {
    return `ssh://${this.user}@127.0.0.1:${this.port}${path}`;
  }

  stop(): Promise<void> {
    this.process?.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
    return Promise.resolve();
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
