import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { Metrics } from '../observability/metrics.service';
import { ChangeBus } from './change-bus.service';
import { ChangeDoor } from './change-door.service';
import { CHANGE_CHANNEL, decodeNotification } from './change-keys';

const RECONNECT_MS = 500;

/**
 * Listens for the keys other instances commit and applies them to this instance's caches.
 *
 * Trust follows what can have happened unseen:
 * - listening: caches answer, and are corrected by each notification;
 * - the connection is lost but the database answers: others may be committing unheard, so caches
 *   stop answering until LISTEN is back (then a full flush);
 * - the database does not answer at all: nothing can commit anywhere, so what is in memory is
 *   exactly current and keeps answering; on reconnection, a full flush before trusting again.
 */
@Injectable()
export class ChangeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeListener.name);
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private received = 0;
  private wasDeaf = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: ChangeBus,
    private readonly door: ChangeDoor,
    private readonly metrics: Metrics,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  get notificationsReceived(): number {
    return this.received;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url, connectionTimeoutMillis: 2000 });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      this.received += 1;
      this.metrics.changeNotification('received');
      const { instanceId, keys } = decodeNotification(message.payload);
      // This instance applied its own commits before answering; the echo would only cost rebuilds.
      if (instanceId !== this.door.instanceId) this.bus.apply(keys);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.failedToConnect(error as Error);
      return;
    }
    if (this.closing) return void client.end().catch(() => undefined);
    if (!this.bus.cacheable || this.wasDeaf) this.logger.log('Listening for committed changes');
    this.client = client;
    this.wasDeaf = false;
    // Whatever was committed while we were not listening is unknown: start from an empty cache.
    this.bus.setTrusted(false);
    this.bus.setTrusted(true);
  }

  private lost(client: Client, error: Error): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    this.wasDeaf = true;
    client.end().catch(() => undefined);
    this.logger.warn(`Stopped listening for committed changes (${error.message}); reconnecting`);
    // Reconnect at once. The caches keep answering only while the database itself is unreachable.
    void this.connect();
  }

  private failedToConnect(error: Error): void {
    if (this.closing) return;
    if (!isUnreachable(error) && this.bus.cacheable) {
      // The database is up but will not let us listen: others may commit unheard.
      this.logger.warn(`Cannot listen for committed changes (${error.message}); serving uncached until it can`);
      this.bus.setTrusted(false);
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closing) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }
}

/**
 * No connection at all (down, restarting, shutting down): then no transaction can commit either.
 * A server that refuses only us (too many connections) is up, and others may be committing.
 */
export function isUnreachable(error: Error): boolean {
  return isDatabaseUnavailable(error) && (error as { code?: string }).code !== '53300';
}
