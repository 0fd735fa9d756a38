import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATIONS } from '@packyard/client';
import { createTestApp, TestApp } from './helpers/test-app';

const GENERATED = join(__dirname, '..', 'packages', 'client', 'src', 'generated', 'openapi.ts');
const GENERATOR = join(__dirname, '..', 'scripts', 'generate-client-types.mjs');

/** openapi-typescript is ESM-only, so it runs in its own node process. */
function generate(document: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'packyard-openapi-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    return execFileSync(process.execPath, [GENERATOR, join(dir, 'openapi.json')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The client's types are generated from the server's OpenAPI document, which Nest builds from the
 * very DTOs that validate requests. If a DTO or route changes without regenerating, this fails.
 */
describe('@packyard/client types', () => {
  let t: TestApp;
  let document: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it("match the server's OpenAPI document (regenerate with `npm run client:types`)", () => {
    const generated = generate(document);
    if (process.env.UPDATE_CLIENT_TYPES === '1') writeFileSync(GENERATED, generated);
    expect(existsSync(GENERATED) ? readFileSync(GENERATED, 'utf8') : '').toBe(generated);
  });

  it('call only routes the server has, with the method it expects', () => {
    for (const operation of Object.values(OPERATIONS)) {
      const route = document.paths[operation.openapiPath];
      expect([operation.openapiPath, route && operation.method.toLowerCase() in route]).toEqual([
        operation.openapiPath,
        true,
      ]);
    }
  });
});
