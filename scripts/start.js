#!/usr/bin/env node
// `npm start`: builds only when the sources are newer than the build, then runs the server in this
// process (so SIGINT/SIGTERM reach its orderly shutdown directly).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = resolve(__dirname, '..');
const entry = join(root, 'dist', 'main.js');

/** Newest modification time below `path`, directories included (a deleted file changes its folder). */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stats.mtimeMs);
}

const inputs = ['src', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'].map((name) =>
  join(root, name),
);
const stale = !existsSync(entry) || Math.max(...inputs.filter(existsSync).map(newest)) > statSync(entry).mtimeMs;
if (stale) {
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}
require(entry);
