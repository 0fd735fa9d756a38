import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ChangeBus } from '../changes/change-bus.service';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { TokensService } from '../tokens/tokens.service';
import { RepositoryViews } from './repository-views.service';

/** Customers loaded per round trip: big enough to be quick, small enough to let requests in between. */
const BATCH = 500;

/**
 * Loads Composer views and tokens before customers ask, whenever the caches start empty: at start
 * (when this instance begins listening for changes) and after a full flush (the change channel was
 * down). At start it takes the most recently active customers, after a flush the ones that were in
 * memory, up to WARM_UP_CUSTOMERS. Without it, thousands of first requests each pay for their own
 * database round trips through the routed path; with it, they are answered from memory.
 */
@Injectable()
export class ViewWarmUp implements OnApplicationShutdown {
  private readonly logger = new Logger(ViewWarmUp.name);
  private running: Promise<void> | undefined;
  private scheduled = false;
  private again = false;
  private runs = 0;
  private stopped = false;

  constructor(
    private readonly views: RepositoryViews,
    private readonly tokens: TokensService,
    private readonly bus: ChangeBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    bus.subscribe((keys) => {
      // After the flush has reached every cache (and trust is set): listeners run in turn, synchronously.
      if (!keys.all || config.warmUpCustomers === 0) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.start();
      });
    });
  }

  /** Warm-ups finished so far (one at start, one after each full flush). */
  get completedRuns(): number {
    return this.runs;
  }

  /** Settles when no warm-up is due or running (tests and the shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running) await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
  }

  onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    return this.idle();
  }

  private start(): void {
    if (this.stopped || !this.bus.cacheable) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.runs += 1;
      if (this.again) {
        this.again = false;
        this.start();
      }
    });
  }

  private async run(): Promise<void> {
    const started = Date.now();
    const limit = this.config.warmUpCustomers;
    try {
      const flushed = this.views.takeFlushedCustomers();
      const customers = flushed.length > 0 ? flushed.slice(0, limit) : await this.tokens.recentlyActiveCustomers(limit);
      for (let from = 0; from < customers.length && !this.stopped && this.bus.cacheable; from += BATCH) {
        const batch = customers.slice(from, from + BATCH);
        await this.tokens.warm(batch);
        await this.views.warm(batch);
      }
      if (customers.length > 0)
        this.logger.log(`Loaded ${customers.length} customers' Composer views in ${Date.now() - started} ms`);
    } catch (error) {
      // Only a head start lost: each customer's first request loads what it needs.
      this.logger.warn(`Warming up the Composer views failed: ${(error as Error).message}`);
    }
  }
}
