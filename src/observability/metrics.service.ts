import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { RouteClass } from './route-class';
import { TallyHistogram } from './tally-histogram';

export type CacheName = 'view' | 'token' | 'document' | 'catalog';

/** One sample of the database connection pool, read when /metrics is scraped. */
export interface PoolSample {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * The process's Prometheus metrics, by name, for every module to update with one call. Each app
 * instance has its own registry (tests run several apps in one process).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /**
   * What every request adds, in plain numbers: prom-client hashes the labels on each call, which
   * a warm Composer request (about 30 µs in all) cannot afford. Folded into the metrics when read.
   */
  private readonly unfoldedRequests = new Map<RouteClass, Map<number | 'aborted', number>>();
  private unfoldedFastPathAnswers = 0;
  private unfoldedFastPathHits = 0;

  readonly httpRequests = new Counter({
    name: 'packyard_http_requests_total',
    help: 'HTTP requests answered, by route class and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [route, byStatus] of this.unfoldedRequests) {
        for (const [status, count] of byStatus) this.httpRequests.inc({ route, status }, count);
        byStatus.clear();
      }
    },
  });

  readonly httpDuration = new TallyHistogram<RouteClass>(
    'packyard_http_request_duration_seconds',
    'Time from receiving a request to the end of its response, by route class',
    'route',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    this.registry,
  );

  readonly cacheLookups = new Counter({
    name: 'packyard_cache_lookups_total',
    help: "In-memory cache lookups (view: a principal's repository view, token: token authentication, document: encoded p2 files, catalog: package versions)",
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
    collect: () => {
      // A fast-path answer found both its token and its view in memory.
      const hits = this.unfoldedFastPathHits;
      this.unfoldedFastPathHits = 0;
      if (hits === 0) return;
      this.cacheLookups.inc({ cache: 'token', result: 'hit' }, hits);
      this.cacheLookups.inc({ cache: 'view', result: 'hit' }, hits);
    },
  });

  readonly viewBuilds = new Counter({
    name: 'packyard_view_builds_total',
    help: 'Repository views built from the database',
    labelNames: ['principal'] as const,
    registers: [this.registry],
  });

  readonly fastPathAnswers = new Counter({
    name: 'packyard_composer_fast_path_answers_total',
    help: 'Composer metadata requests answered from memory before routing',
    registers: [this.registry],
    collect: () => {
      this.fastPathAnswers.inc(this.unfoldedFastPathAnswers);
      this.unfoldedFastPathAnswers = 0;
    },
  });

  readonly changeNotifications = new Counter({
    name: 'packyard_change_notifications_total',
    help: 'Change notifications between instances (sent by this instance, received from others)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  /** Bytes of archive data read from storage and not yet written to clients; set by the download path. */
  readonly downloadBufferDepth = new Gauge({
    name: 'packyard_download_buffer_bytes',
    help: 'Archive bytes buffered in memory for downloads in progress',
    registers: [this.registry],
  });

  /** Outbound webhook deliveries, by outcome (delivered, failed, retried, ...). */
  readonly webhookDeliveries = new Counter({
    name: 'packyard_webhook_deliveries_total',
    help: 'Outbound webhook delivery attempts, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly billingEvents = new Counter({
    name: 'packyard_billing_events_total',
    help: 'Billing webhook events received, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'packyard_database_up',
    help: '1 while PostgreSQL is reachable, 0 during an outage',
    registers: [this.registry],
  });

  readonly databaseOutages = new Counter({
    name: 'packyard_database_outages_total',
    help: 'Times PostgreSQL became unreachable',
    registers: [this.registry],
  });

  private poolSampler: () => PoolSample | undefined = () => undefined;

  readonly databasePool = new Gauge({
    name: 'packyard_database_pool_connections',
    help: 'Database pool connections (total open, idle, requests waiting for one, configured max)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const sample = this.poolSampler();
      if (!sample) return;
      this.databasePool.set({ state: 'total' }, sample.total);
      this.databasePool.set({ state: 'idle' }, sample.idle);
      this.databasePool.set({ state: 'in_use' }, sample.total - sample.idle);
      this.databasePool.set({ state: 'waiting' }, sample.waiting);
      this.databasePool.set({ state: 'max' }, sample.max);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'packyard_' });
    this.databaseUp.set(1);
  }

  samplePoolWith(sampler: () => PoolSample | undefined): void {
    this.poolSampler = sampler;
  }

  requestFinished(route: RouteClass, status: number | 'aborted', seconds: number): void {
    let byStatus = this.unfoldedRequests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.unfoldedRequests.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.httpDuration.observe(route, seconds);
  }

  cacheLookup(cache: CacheName, hit: boolean, count = 1): void {
    if (count > 0) this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }, count);
  }

  viewBuilt(principal: 'admin' | 'customer'): void {
    this.viewBuilds.inc({ principal });
  }

  /** A warm Composer request answered before routing: its token and its view came from memory. */
  fastPathAnswered(): void {
    this.unfoldedFastPathAnswers += 1;
    this.unfoldedFastPathHits += 1;
  }

  changeNotification(direction: 'sent' | 'received'): void {
    this.changeNotifications.inc({ direction });
  }

  billingEvent(provider: string, outcome: string): void {
    this.billingEvents.inc({ provider, outcome });
  }

  webhookDelivery(outcome: string): void {
    this.webhookDeliveries.inc({ outcome });
  }
}
