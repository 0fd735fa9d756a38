import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Metrics } from '../observability/metrics.service';
import { describeDatabaseFailure, isDatabaseUnavailable } from './database-unavailable';

/** The pg Pool TypeORM's postgres driver keeps as `master`. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
}

const PROBE_MS = 1000;
const CHECK_TIMEOUT_MS = 2000;
/** What clients are told to wait before retrying a request refused during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * Whether PostgreSQL is reachable, as far as this instance can tell. Failures anywhere (a request,
 * the change listener, a health check) report here; the outage is logged once when it starts and
 * once when a probe finds the database back, instead of once per failed request.
 */
@Injectable()
export class DatabaseState implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private unreachableSince?: number;
  private probeTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {
    metrics.samplePoolWith(() => {
      const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
      return pool
        ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max }
        : undefined;
    });
  }

  get reachable(): boolean {
    return this.unreachableSince === undefined;
  }

  /**
   * Reports a failure; true when it means the database is unreachable (then the caller answers
   * 503 and must not log it again), false for any other error.
   */
  reportFailure(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    this.markUnreachable(describeDatabaseFailure(error));
    return true;
  }

  markUnreachable(reason: string): void {
    if (this.unreachableSince !== undefined || this.closing) return;
    this.unreachableSince = Date.now();
    this.metrics.databaseUp.set(0);
    this.metrics.databaseOutages.inc();
    this.logger.warn(`database unreachable (${reason}); answering 503 for what needs it, serving what is in memory`);
    this.scheduleProbe();
  }

  /** A round trip to the database, bounded in time; updates the state either way. */
  async check(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('Connection terminated due to connection timeout')), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      this.markReachable();
      return true;
    } catch (error) {
      this.markUnreachable(describeDatabaseFailure(error));
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.closing = true;
    clearTimeout(this.probeTimer);
  }

  private markReachable(): void {
    if (this.unreachableSince === undefined) return;
    const seconds = ((Date.now() - this.unreachableSince) / 1000).toFixed(1);
    this.unreachableSince = undefined;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.metrics.databaseUp.set(1);
    this.logger.log(`database back after ${seconds} s`);
  }

  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      if (this.closing || this.reachable) return;
      void this.check().then((ok) => {
        if (!ok) this.scheduleProbe();
      });
    }, PROBE_MS);
    this.probeTimer.unref();
  }
}
