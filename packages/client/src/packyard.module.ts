import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { HttpTransport } from './http-transport';
import { PACKYARD_TRANSPORT, PackyardClient } from './packyard.client';
import { RpcTransport } from './rpc-transport';
import { PackyardClientOptions, PackyardTransport } from './transport';

export function createTransport(options: PackyardClientOptions): PackyardTransport {
  return options.transport === 'tcp' || options.transport === 'nats'
    ? new RpcTransport(options)
    : new HttpTransport(options);
}

export interface PackyardModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => PackyardClientOptions | Promise<PackyardClientOptions>;
  inject?: FactoryProvider['inject'];
  /** Provide the client to the whole app (default true). */
  isGlobal?: boolean;
}

@Injectable()
class TransportCloser implements OnApplicationShutdown {
  constructor(@Inject(PACKYARD_TRANSPORT) private readonly transport: PackyardTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

const clientProvider: Provider = {
  provide: PackyardClient,
  useFactory: (transport: PackyardTransport) => new PackyardClient(transport),
  inject: [PACKYARD_TRANSPORT],
};

/**
 * `PackyardModule.forRoot({ baseUrl, apiKey })` (HTTP), `{ transport: 'tcp', host, port, apiKey }`
 * or `{ transport: 'nats', servers, apiKey }`; then inject `PackyardClient`.
 */
@Module({})
export class PackyardModule {
  static forRoot(options: PackyardClientOptions & { isGlobal?: boolean }): DynamicModule {
    return {
      module: PackyardModule,
      global: options.isGlobal ?? true,
      providers: [{ provide: PACKYARD_TRANSPORT, useValue: createTransport(options) }, clientProvider, TransportCloser],
      exports: [PackyardClient],
    };
  }

  static forRootAsync(options: PackyardModuleAsyncOptions): DynamicModule {
    return {
      module: PackyardModule,
      global: options.isGlobal ?? true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PACKYARD_TRANSPORT,
          useFactory: async (...args: never[]) => createTransport(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        clientProvider,
        TransportCloser,
      ],
      exports: [PackyardClient],
    };
  }
}
