import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { connect, JetStreamClient, nanos, NatsConnection, StorageType, StringCodec } from 'nats';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { EventEnvelope, streamSubjects, subjectFor } from './event-envelope';

const STREAM_MAX_AGE_DAYS = 7;
const codec = StringCodec();

/**
 * Publishes events to JetStream, so a durable consumer that was down gets what it missed. The
 * stream is created (or its subjects brought up to date) on first use. Each message carries the
 * event id as Nats-Msg-Id: a relay that publishes again after a crash is deduplicated by the server.
 */
@Injectable()
export class NatsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsPublisher.name);
  private connecting?: Promise<{ connection: NatsConnection; jetstream: JetStreamClient }>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.natsUrl !== undefined;
  }

  /** The stream exists from the start, so consumers can attach before the first event. NATS down: the relay retries. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.connection().catch((error: unknown) =>
      this.logger.warn(`NATS is not reachable yet (${(error as Error).message}); events wait in the outbox`),
    );
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    const { jetstream } = await this.connection();
    // One at a time, each acknowledged by the stream before the next: the stream keeps commit order.
    for (const event of events) {
      await jetstream.publish(
        subjectFor(this.config.natsSubjectPrefix, event.type),
        codec.encode(JSON.stringify(event)),
        {
          msgID: event.id,
        },
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.connecting;
    this.connecting = undefined;
    if (!pending) return;
    const { connection } = await pending.catch(() => ({ connection: undefined }));
    await connection?.drain().catch(() => undefined);
  }

  private connection(): Promise<{ connection: NatsConnection; jetstream: JetStreamClient }> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<{ connection: NatsConnection; jetstream: JetStreamClient }> {
    const connection = await connect({ servers: this.config.natsUrl, maxReconnectAttempts: -1, timeout: 2000 });
    try {
      const manager = await connection.jetstreamManager();
      const name = this.config.natsStream;
      const subjects = streamSubjects(this.config.natsSubjectPrefix);
      const existing = await manager.streams.info(name).catch(() => undefined);
      if (!existing) {
        await manager.streams.add({
          name,
          subjects,
          storage: StorageType.File,
          max_age: nanos(STREAM_MAX_AGE_DAYS * 86_400_000),
        });
        this.logger.log(`Created JetStream stream ${name} for ${subjects.join(', ')}`);
      } else if (subjects.some((subject) => !existing.config.subjects?.includes(subject))) {
        await manager.streams.update(name, { ...existing.config, subjects });
      }
      return { connection, jetstream: connection.jetstream() };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }
}
