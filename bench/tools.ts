/**
 * The external programs the bench drives: wrk (load), nginx (static baseline) and composer (the
 * `composer update` scenario), all Debian packages. Missing ones are installed with apt-get, as
 * .ci/run does for the tests.
 */
import { execFileSync } from 'node:child_process';

const PACKAGES: Array<{ command: string; packages: string[] }> = [
  { command: 'wrk', packages: ['wrk'] },
  { command: 'nginx', packages: ['nginx-light'] },
  { command: 'composer', packages: ['composer', 'php-cli', 'php-zip', 'unzip'] },
];

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureTools(log: (message: string) => void): void {
  const missing = PACKAGES.filter(({ command }) => !has(command)).flatMap(({ packages }) => packages);
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* next */
    }
  }
  return 'nginx';
}
