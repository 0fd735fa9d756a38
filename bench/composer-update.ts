/**
 * The customer's view: a cold `composer update` of a project requiring the bench packages, against
 * Packyard and against the same metadata and zips served as static files by nginx. Each run has a
 * fresh COMPOSER_HOME and cache and no lock file or vendor/, so every p2 file and zip is fetched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { httpGet } from './servers';

export interface ComposerSide {
  name: string;
  origin: string;
  /** auth.json http-basic entry for this origin, if it needs one. */
  token?: string;
}

/** The project's composer.json: only the given repository, Packagist off. */
function projectJson(origin: string, requires: Record<string, string>): string {
  return JSON.stringify(
    {
      name: 'bench/project',
      require: requires,
      repositories: [{ type: 'composer', url: origin }, { 'packagist.org': false }],
      config: { 'secure-http': false },
    },
    null,
    2,
  );
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; output: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (error)
        return reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      resolve({ ms, output: `${stdout}${stderr}` });
    });
  });
}

/** One cold `composer update`; returns its wall-clock time in ms and how many packages it installed. */
export async function coldComposerUpdate(
  side: ComposerSide,
  requires: Record<string, string>,
  dir: string,
): Promise<{ ms: number; installed: number }> {
  rmSync(dir, { recursive: true, force: true });
  const project = join(dir, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'composer.json'), projectJson(side.origin, requires));
  const host = new URL(side.origin).host;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    COMPOSER_HOME: join(dir, 'home'),
    COMPOSER_CACHE_DIR: join(dir, 'cache'),
    COMPOSER_NO_INTERACTION: '1',
    COMPOSER_ALLOW_SUPERUSER: '1',
    COMPOSER_AUTH: JSON.stringify(
      side.token ? { 'http-basic': { [host]: { username: 'token', password: side.token } } } : {},
    ),
  };
  const { ms, output } = await run(
    'composer',
    ['update', '--no-interaction', '--no-progress', '--no-plugins', '--no-scripts', '--prefer-dist'],
    project,
    env,
  );
  const installed = (output.match(/- (Installing|Downloading) /g) ?? []).filter((line) =>
    line.includes('Installing'),
  ).length;
  return { ms, installed };
}

/**
 * Copies what Composer fetches from Packyard (packages.json, each p2 file, each dist zip) into
 * `root` for nginx, with Packyard's origin replaced by nginx's in the URLs. Same metadata, same
 * bytes of every zip.
 */
export async function mirrorForStatic(
  packyardOrigin: string,
  staticOrigin: string,
  headers: Record<string, string>,
  packages: string[],
  root: string,
): Promise<number> {
  const fetchText = async (path: string) => {
    const reply = await httpGet(`${packyardOrigin}${path}`, headers);
    if (reply.status !== 200) throw new Error(`mirror: GET ${path} answered ${reply.status}`);
    const gz = reply.rawHeaders.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'content-encoding')
      ? gunzipSync(reply.body)
      : reply.body;
    return gz.toString('utf8');
  };
  const write = (path: string, data: string | Buffer) => {
    const file = join(root, decodeURIComponent(path));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, data);
  };
  const rewrite = (text: string) => text.split(packyardOrigin).join(staticOrigin);
  write('/packages.json', rewrite(await fetchText('/packages.json')));
  let zips = 0;
  for (const name of packages) {
    const p2 = await fetchText(`/p2/${name}.json`);
    write(`/p2/${name}.json`, rewrite(p2));
    const entries = (JSON.parse(p2) as { packages: Record<string, Array<{ dist?: { url: string } }>> }).packages[name];
    for (const entry of entries) {
      if (!entry.dist) continue;
      const path = new URL(entry.dist.url).pathname;
      const reply = await httpGet(`${packyardOrigin}${path}`, headers);
      if (reply.status !== 200) throw new Error(`mirror: GET ${path} answered ${reply.status}`);
      write(path, reply.body);
      zips += 1;
    }
  }
  return zips;
}
