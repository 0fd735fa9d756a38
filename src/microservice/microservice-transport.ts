import { INestApplication } from '@nestjs/common';
import { CustomStrategy, MicroserviceOptions, ServerNats, TcpOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '../config/app-config';

/** Message patterns travel on `<prefix>.rpc.<pattern>`, so several Packyards can share one NATS. */
export function rpcSubject(prefix: string, pattern: string): string {
  return `${prefix}.rpc.${pattern}`;
}

/** Nest's NATS server subscribes to the bare patterns; this one to the prefixed subjects. */
class PrefixedNatsServer extends ServerNats {
  constructor(
    options: ConstructorParameters<typeof ServerNats>[0],
    private readonly prefix: string,
  ) {
    super(options);
  }

  override bindEvents(client: Parameters<ServerNats['bindEvents']>[0]): void {
    const subscriptions = (this as unknown as { subscriptions: Array<{ unsubscribe(): void }> }).subscriptions;
    for (const pattern of this.messageHandlers.keys()) {
      subscriptions.push(
        client.subscribe(rpcSubject(this.prefix, pattern), {
          queue: 'packyard',
          callback: this.getMessageHandler(pattern).bind(this),
        }),
      );
    }
  }
}

/** Makes the app hybrid when MICROSERVICE_TRANSPORT asks for it; the same guard, pipes and filter apply. */
export async function startMicroservice(app: INestApplication, config: AppConfig): Promise<void> {
  if (config.microserviceTransport === 'none') return;
  const options: MicroserviceOptions =
    config.microserviceTransport === 'tcp'
      ? ({
          transport: Transport.TCP,
          options: { host: config.host, port: config.microservicePort },
        } satisfies TcpOptions)
      : ({
          strategy: new PrefixedNatsServer({ servers: config.natsUrl }, config.natsSubjectPrefix),
        } satisfies CustomStrategy);
  app.connectMicroservice(options, { inheritAppConfig: true });
  await app.startAllMicroservices();
}
