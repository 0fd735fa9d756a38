#!/usr/bin/env node
// Fails when src/ has an import cycle between files, or between folders (src/<folder>/…): modules
// depend in one direction (docs/architecture.md). The shared infrastructure (auth's declarations,
// common, database, observability) counts as one folder, whose parts may use each other; it must
// not use a feature. Unit specs may import across folders: *.spec.ts files are left out of the
// folder graph.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

const files = sourceFiles(root);
const imports = new Map(
  files.map((file) => [
    file,
    ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((entry) => resolveImport(file, entry.fileName))
      .filter((target) => target !== undefined),
  ]),
);

/** Every cycle found by a depth-first search, each as the list of nodes on it. */
function cycles(graph) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const INFRASTRUCTURE = new Set(['auth', 'common', 'database', 'observability']);
const folderOf = (file) => {
  const folder = relative(root, file).split(sep)[0];
  return INFRASTRUCTURE.has(folder) ? 'infrastructure' : folder;
};
const folders = new Map();
const why = new Map();
for (const [file, targets] of imports) {
  if (file.endsWith('.spec.ts') || !relative(root, file).includes(sep)) continue;
  for (const target of targets) {
    const [from, to] = [folderOf(file), folderOf(target)];
    if (from === to || !relative(root, target).includes(sep)) continue;
    folders.set(from, new Set([...(folders.get(from) ?? []), to]));
    if (!why.has(`${from}>${to}`)) why.set(`${from}>${to}`, `${relative(root, file)} → ${relative(root, target)}`);
  }
}

const problems = [
  ...cycles(imports).map((cycle) => `file cycle: ${cycle.map((file) => relative(root, file)).join(' → ')}`),
  ...cycles(folders).map(
    (cycle) =>
      `folder cycle: ${cycle.join(' → ')}\n${cycle
        .slice(1)
        .map((to, i) => `    ${why.get(`${cycle[i]}>${to}`)}`)
        .join('\n')}`,
  ),
];
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(`No import cycles between ${files.length} files or ${folders.size} folders of src/`);
