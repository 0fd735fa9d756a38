/**
 * The admin API as the bench's seeder and churn source uses it: publishing archives, granting,
 * revoking, suspending. Every call goes through HTTP, exactly as a vendor's systems would.
 */
import { randomBytes } from 'node:crypto';
import { buildZip } from '../test/helpers/zip';
import { prng } from './seed';

export class AdminClient {
  constructor(
    private readonly origin: string,
    private readonly adminToken: string,
  ) {}

  private async call(
    method: string,
    path: string,
    body?: unknown,
    expect: number[] = [200, 201, 204],
  ): Promise<unknown> {
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${this.adminToken}` } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const response = await fetch(`${this.origin}${path}`, init);
    const text = await response.text();
    if (!expect.includes(response.status))
      throw new Error(`${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  async publish(
    archive: Buffer,
    version: string,
  ): Promise<{ package: string; version_normalized: string; shasum: string }> {
    const form = new FormData();
    form.append('archive', new Blob([new Uint8Array(archive)], { type: 'application/zip' }), 'package.zip');
    form.append('version', version);
    return (await this.call('POST', '/api/v1/packages', form)) as {
      package: string;
      version_normalized: string;
      shasum: string;
    };
  }

  grant(customerId: string, packageName: string, constraint: string): Promise<unknown> {
    return this.call('POST', `/api/v1/customers/${customerId}/packages`, { package: packageName, constraint });
  }

  revoke(customerId: string, packageName: string): Promise<unknown> {
    return this.call('DELETE', `/api/v1/customers/${customerId}/packages/${packageName}`);
  }

  suspend(customerId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/customers/${customerId}/suspend`, { reason: 'bench churn' });
  }

  reactivate(customerId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/customers/${customerId}/reactivate`);
  }
}

/**
 * A package zip of about `sizeBytes`: composer.json, a PHP class, and a stored (uncompressed)
 * asset of random bytes, so the archive's size is what is served.
 */
export function benchArchive(packageName: string, sizeBytes: number, seed: number): Promise<Buffer> {
  const random = prng(seed);
  const filler = Buffer.alloc(Math.max(0, sizeBytes - 700));
  for (let i = 0; i < filler.length; i += 1) filler[i] = Math.floor(random() * 256);
  const className = packageName.split('/')[1].replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  return buildZip({
    'composer.json': JSON.stringify({
      name: packageName,
      description: `Bench package ${packageName}`,
      type: 'library',
      license: 'proprietary',
      autoload: { 'psr-4': { 'Bench\\': 'src/' } },
    }),
    [`src/${className}.php`]: `<?php\nnamespace Bench;\nfinal class ${className} {}\n`,
    'assets/blob.bin': filler,
  });
}

/** A tiny archive for churn publishes (fresh bytes each time, so every shasum differs). */
export function churnArchive(packageName: string): Promise<Buffer> {
  return buildZip({
    'composer.json': JSON.stringify({ name: packageName, type: 'library' }),
    'src/Churn.php': `<?php // ${randomBytes(8).toString('hex')}\n`,
  });
}
