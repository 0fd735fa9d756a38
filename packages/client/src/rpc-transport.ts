import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { PackyardApiError, PackyardError, PackyardUnavailableError } from './errors';
import { CallInput, Operation } from './operations';
import { DEFAULT_TIMEOUT_MS, NatsTransportOptions, PackyardTransport, TcpTransportOptions } from './transport';

/**
 * The admin API as Nest message patterns over TCP or NATS (Packyard's MICROSERVICE_TRANSPORT).
 * Messages are `{api_key, params, body}`; errors come back in the API's error shape. Not retried:
 * message patterns carry no idempotency key.
 */
export class RpcTransport implements PackyardTransport {
  private readonly proxy: ClientProxy;
  private readonly subjectPrefix: string;

  constructor(private readonly options: TcpTransportOptions | NatsTransportOptions) {
    // Loaded only when configured: HTTP users need not install @nestjs/microservices.
    const { ClientProxyFactory, Transport } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@nestjs/microservices') as typeof import('@nestjs/microservices');
    if (options.transport === 'tcp') {
      this.proxy = ClientProxyFactory.create({
        transport: Transport.TCP,
        options: { host: options.host, port: options.port },
      });
      this.subjectPrefix = '';
    } else {
      this.proxy = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: options.servers } });
      this.subjectPrefix = `${options.subjectPrefix ?? 'packyard'}.rpc.`;
    }
  }

  async call<T>(operation: Operation, input: CallInput): Promise<T> {
    if (!operation.pattern || input.form) {
      throw new PackyardError(
        'unsupported_on_transport',
        `${operation.method} ${operation.openapiPath} is available over HTTP only`,
      );
    }
    const message = { api_key: this.options.apiKey, params: input.params ?? {}, body: input.body ?? input.query ?? {} };
    try {
      const reply = await firstValueFrom(
        this.proxy
          .send<T>(this.subjectPrefix + operation.pattern, message)
          .pipe(timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS)),
      );
      return (reply ?? undefined) as T;
    } catch (error) {
      if (error instanceof TimeoutError)
        throw new PackyardUnavailableError('timeout', `${operation.pattern}: no answer in time`);
      if (error instanceof PackyardError) throw error;
      const shaped = error as { statusCode?: number; error?: unknown; message?: string };
      if (typeof shaped?.error === 'string') throw PackyardApiError.fromBody(shaped.statusCode ?? 500, shaped);
      throw new PackyardUnavailableError('network_error', `${operation.pattern}: ${shaped?.message ?? String(error)}`);
    }
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}
