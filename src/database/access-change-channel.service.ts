import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccessVersion } from '../common/access-version.service';

const CHANNEL = 'packyard_access_changed';
const RECONNECT_MS = 1000;

/**
 * Relays AccessVersion bumps between instances that share the database, with PostgreSQL
 * LISTEN/NOTIFY, so each instance drops its cached repository views when another one commits a
 * change. Until it is listening (and whenever the connection is lost) the instance serves
 * uncached, so it is never stale.
 */
@Injectable()
export class AccessChangeChannel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessChangeChannel.name);
  private readonly instanceId = randomUUID();
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessVersion: AccessVersion,
  ) {}

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
    this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, this.instanceId]).catch((error: Error) => {
      this.logger.warn(`Could not tell other instances about a change: ${error.message}`);
    });
  }

  private async listen(): Promise<void> {
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url });
    client.on('notification', (message) => {
      if (message.payload !== this.instanceId) this.accessVersion.bumpFromPeer();
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.accessVersion.setTrusted(true);
    } catch (error) {
      this.lost(client, (error as Error).message);
    }
  }

  private lost(client: Client, reason: string): void {
    if (this.closing || (this.client && this.client !== client)) return;
    this.client = undefined;
    this.accessVersion.setTrusted(false);
    client.end().catch(() => undefined);
    if (this.reconnectTimer) return;
    this.logger.warn(`Not listening for other instances' changes (${reason}); serving uncached until reconnected`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }
}
