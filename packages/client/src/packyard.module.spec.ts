import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { PackyardClient } from './packyard.client';
import { PackyardModule } from './packyard.module';

@Injectable()
class Settings {
  baseUrl = '';
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

describe('PackyardModule', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: 'cust_1', status: 'active' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('provides a client configured by forRootAsync from another provider', async () => {
    const app = await NestFactory.createApplicationContext(
      PackyardModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ baseUrl: settings.baseUrl || baseUrl, apiKey: 'pk_async' }),
      }),
      { logger: false },
    );
    await expect(app.get(PackyardClient).getCustomer('cust_1')).resolves.toEqual({ id: 'cust_1', status: 'active' });
    await app.close();
    expect(seen.at(-1)).toEqual({ url: '/api/v1/customers/cust_1', authorization: 'Bearer pk_async' });
  });

  it('encodes package names and versions into the path', async () => {
    const app = await NestFactory.createApplicationContext(PackyardModule.forRoot({ baseUrl, apiKey: 'pk_sync' }), {
      logger: false,
    });
    const client = app.get(PackyardClient);
    await client.revokeAccess('cust_1', 'acme/widget');
    await client.deletePackageVersion('acme/widget', 'dev-feature/x');
    await app.close();
    expect(seen.slice(-2).map((request) => request.url)).toEqual([
      '/api/v1/customers/cust_1/packages/acme%2Fwidget',
      '/api/v1/packages/acme/widget/versions/dev-feature%2Fx',
    ]);
  });
});
