import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccessVersion } from '../common/access-version.service';
import { Metrics } from '../observability/metrics.service';
import { DatabaseState } from './database-state.service';
import { describeDatabaseFailure, isDatabaseUnavailable } from './database-unavailable';

const CHANNEL = 'packyard_access_changed';
const RECONNECT_MS = 1000;
/** While the database is down, retry often: once it is back, other instances can commit again. */
const OUTAGE_RECONNECT_MS = 200;
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Relays AccessVersion bumps between instances that share the database, with PostgreSQL
 * LISTEN/NOTIFY, so each instance drops its cached repository views when another one commits a
 * change. Until it is listening (and whenever the connection is lost while the database is
 * reachable) the instance serves uncached, so it is never stale. When the connection is lost
 * because the database itself is unreachable, no change can commit anywhere, so the caches stay
 * trusted and warm reads keep being answered; on reconnecting, everything is flushed first.
 */
@Injectable()
export class AccessChangeChannel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessChangeChannel.name);
  private readonly instanceId = randomUUID();
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private warned = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessVersion: AccessVersion,
    private readonly database: DatabaseState,
    private readonly metrics: Metrics,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.accessVersion.onLocalBump(() => this.announce());
    this.accessVersion.setTrusted(false);
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private announce(): void {
    this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, this.instanceId]).then(
      () => this.metrics.changeNotification('sent'),
      (error: Error) => {
        if (!this.database.reportFailure(error)) this.logger.warn(`Could not tell other instances about a change: ${error.message}`);
      },
    );
  }

  private async listen(): Promise<void> {
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('notification', (message) => {
      if (message.payload === this.instanceId) return;
      this.metrics.changeNotification('received');
      this.accessVersion.bumpFromPeer();
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      client.end().catch(() => undefined);
      this.cannotListen(error);
      return;
    }
    if (this.closing) return void client.end().catch(() => undefined);
    this.client = client;
    // setTrusted bumps the version: whatever was cached before listening again is dropped.
    this.accessVersion.setTrusted(true);
    if (this.warned) this.logger.log('Listening for other instances\' changes again; caches flushed');
    this.warned = false;
  }

  /** The listening connection broke: try a fresh one right away to learn whether the database is down. */
  private lost(client: Client): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    void this.listen();
  }

  private cannotListen(error: unknown): void {
    if (this.closing) return;
    if (this.database.reportFailure(error)) {
      // Nothing can commit while the database is unreachable: what is in memory stays current.
      this.retry(OUTAGE_RECONNECT_MS);
      return;
    }
    this.accessVersion.setTrusted(false);
    if (!this.warned) {
      this.logger.warn(`Not listening for other instances' changes (${describeDatabaseFailure(error)}); serving uncached until reconnected`);
      this.warned = true;
    }
    this.retry(RECONNECT_MS);
  }

  private retry(delay: number): void {
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, delay);
    this.reconnectTimer.unref();
  }
}
