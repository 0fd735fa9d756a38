import { basicAuth } from './catalog';
import { TestApp } from './test-app';

/** Every order of the items (n! of them: keep n at 3–4). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * What the Composer client is answered for a package, as it would see it: the versions listed in
 * its p2 metadata, or the refusal it prints (the 403 body's `warning`) for every URL.
 */
export async function composerAnswer(t: TestApp, token: string, packageName: string): Promise<string[] | string> {
  const root = await t.http().get('/packages.json').set('Authorization', basicAuth(token));
  if (root.status === 403) return (root.body as { warning: string }).warning;
  if (root.status !== 200) throw new Error(`packages.json answered ${root.status}`);
  const metadata = await t.http().get(`/p2/${packageName}.json`).set('Authorization', basicAuth(token));
  if (metadata.status === 404) return [];
  return (metadata.body.packages[packageName] as Array<{ version: string }>).map((entry) => entry.version);
}
