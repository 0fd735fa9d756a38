import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ComposerResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

/**
 * A throw-away Composer project whose only repository is the Packyard under test, authenticated
 * like a customer following the README: auth.json http-basic with username "token".
 */
export class ComposerProject {
  readonly dir: string;
  private readonly home: string;

  constructor(
    private readonly repositoryUrl: string,
    token: string | null,
    extra: Record<string, unknown> = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'packyard-composer-project-'));
    this.home = mkdtempSync(join(tmpdir(), 'packyard-composer-home-'));
    writeFileSync(
      join(this.dir, 'composer.json'),
      JSON.stringify(
        {
          name: 'test/consumer',
          require: {},
          repositories: [{ type: 'composer', url: repositoryUrl }, { 'packagist.org': false }],
          config: { 'secure-http': false },
          'minimum-stability': 'stable',
          ...extra,
        },
        null,
        2,
      ),
    );
    if (token !== null) this.useToken(token);
  }

  useToken(token: string): void {
    const host = new URL(this.repositoryUrl).host;
    writeFileSync(
      join(this.dir, 'auth.json'),
      JSON.stringify({ 'http-basic': { [host]: { username: 'token', password: token } } }),
    );
  }

  run(...args: string[]): Promise<ComposerResult> {
    return new Promise((resolve) => {
      execFile(
        'composer',
        [...args, '--no-interaction', '--no-ansi'],
        {
          cwd: this.dir,
          timeout: 120_000,
          env: {
            PATH: process.env.PATH,
            HOME: this.home,
            COMPOSER_HOME: join(this.home, 'composer'),
            COMPOSER_CACHE_DIR: join(this.home, 'cache'),
            COMPOSER_ALLOW_SUPERUSER: '1',
            COMPOSER_NO_INTERACTION: '1',
            COMPOSER_NO_AUDIT: '1',
          },
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
        },
      );
    });
  }

  /** Versions `composer show -a` reports for a package, as Composer prints them. */
  async availableVersions(packageName: string): Promise<string[]> {
    const result = await this.run('show', '-a', packageName, '--format=json');
    if (result.code !== 0) throw new Error(`composer show failed: ${result.output}`);
    return (JSON.parse(result.stdout) as { versions: string[] }).versions;
  }

  installedVersion(packageName: string): string | undefined {
    const lock = JSON.parse(readFileSync(join(this.dir, 'composer.lock'), 'utf8')) as {
      packages: Array<{ name: string; version: string }>;
    };
    return lock.packages.find((p) => p.name === packageName)?.version;
  }

  readFile(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.home, { recursive: true, force: true });
  }
}
