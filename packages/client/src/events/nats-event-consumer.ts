import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConsumerMessages, NatsConnection } from 'nats';
import { PackyardEvent } from '../types';
import { PackyardEventDispatcher } from './event-dispatcher';
import { PACKYARD_EVENTS_OPTIONS, PackyardEventsOptions } from './events-options';

/**
 * A durable JetStream pull consumer on Packyard's event stream: the server keeps its position, so
 * events produced while this app was down are delivered when it comes back. An event is
 * acknowledged only after every handler finished; a handler that throws gets it again later.
 */
@Injectable()
export class NatsEventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PackyardEvents');
  private connection?: NatsConnection;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(PACKYARD_EVENTS_OPTIONS) private readonly options: PackyardEventsOptions,
    private readonly dispatcher: PackyardEventDispatcher,
  ) {}

  /** The first attempt is awaited; if Packyard or NATS is not there yet, it is retried in the background. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.nats) await this.start();
  }

  private async start(): Promise<void> {
    try {
      await this.attach();
    } catch (error) {
      await this.connection?.close().catch(() => undefined);
      this.connection = undefined;
      if (this.closing) return;
      this.logger.warn(`Cannot consume Packyard events yet (${(error as Error).message}); retrying`);
      this.retryTimer = setTimeout(() => void this.start(), 2000);
    }
  }

  private async attach(): Promise<void> {
    const nats = this.options.nats!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { connect, AckPolicy, DeliverPolicy, StringCodec } = require('nats') as typeof import('nats');
    const stream = nats.stream ?? 'PACKYARD';
    this.connection = await connect({ servers: nats.servers, maxReconnectAttempts: -1 });
    const manager = await this.connection.jetstreamManager();
    const existing = await manager.consumers.info(stream, nats.durableName).catch(() => undefined);
    if (!existing) {
      await manager.consumers.add(stream, {
        durable_name: nats.durableName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: nats.deliverFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
        ack_wait: 30_000_000_000,
      });
    }
    const consumer = await this.connection.jetstream().consumers.get(stream, nats.durableName);
    this.messages = await consumer.consume({ max_messages: 100 });
    const codec = StringCodec();
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) {
        try {
          await this.dispatcher.dispatch(JSON.parse(codec.decode(message.data)) as PackyardEvent);
          message.ack();
        } catch (error) {
          this.logger.warn(`Handling ${message.subject} failed, it will be redelivered: ${(error as Error).message}`);
          message.nak(1000);
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    await this.messages?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    await this.connection?.drain().catch(() => undefined);
  }
}
