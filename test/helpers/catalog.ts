import { TestApp } from './test-app';
import { packageZip } from './zip';

export interface PublishOptions {
  require?: Record<string, string>;
  releasedAt?: string;
  files?: Record<string, string>;
}

/** Publishes one version through the admin API, as a vendor's CI would. */
export async function publish(t: TestApp, name: string, version: string, options: PublishOptions = {}): Promise<void> {
  const className = name.split('/')[1].replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
  const zip = await packageZip(
    {
      name,
      description: `${name} test package`,
      type: 'library',
      license: 'proprietary',
      require: options.require ?? {},
      autoload: { 'psr-4': { 'Acme\\': 'src/' } },
    },
    {
      files: {
        [`src/${className}.php`]: `<?php\nnamespace Acme;\nfinal class ${className} { const VERSION = '${version}'; }\n`,
        ...options.files,
      },
    },
  );
  const request = t.admin
    .post('/api/v1/packages')
    .attach('archive', zip, `${name.replace('/', '-')}-${version}.zip`)
    .field('version', version);
  if (options.releasedAt) request.field('released_at', options.releasedAt);
  const res = await request;
  if (res.status !== 201)
    throw new Error(`publishing ${name} ${version} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function createCustomer(
  t: TestApp,
  grants: Record<string, string> = {},
  name = 'Acme',
): Promise<{ id: string; token: string }> {
  const res = await t.admin.post('/api/v1/customers', { name, email: 'dev@acme.com' }).expect(201);
  for (const [pkg, constraint] of Object.entries(grants)) {
    await t.admin.post(`/api/v1/customers/${res.body.id}/packages`, { package: pkg, constraint }).expect(201);
  }
  return { id: res.body.id, token: res.body.token };
}

export function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`token:${token}`).toString('base64')}`;
}
