import { SchedulerRegistry } from '@nestjs/schedule';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runAsActor } from '../common/actor-context';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomerRepository } from '../customers/customer.repository';
import { CustomersService } from '../customers/customers.service';
import { DatabaseState } from '../database/database-state.service';
import { AccessService } from './access.service';

const BATCH = 200;

/**
 * Records subscription ends as status changes (with history). Access itself never waits for it:
 * the repository already treats a passed expires_at as the end, from its very instant.
 * It also ends billing grace periods: a past-due customer whose grace has passed is suspended
 * (as `system`, with billing's reason) within one sweep interval.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySweeper.name);
  private running?: Promise<number>;

  constructor(
    private readonly customerRows: CustomerRepository,
    private readonly access: AccessService,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: DatabaseState,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.expirySweepSeconds === 0) return;
    const timer = setInterval(() => {
      this.sweep().catch((error: Error) => {
        // During a database outage the next tick tries again; the outage itself is logged once.
        if (!this.database.reportFailure(error)) this.logger.error(`Expiry sweep failed: ${error.message}`);
      });
    }, this.config.expirySweepSeconds * 1000);
    timer.unref();
    // The schedule module owns the timer and clears it at shutdown.
    this.scheduler.addInterval('access.expirySweep', timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Applies on_expiry to every customer whose expires_at has passed, and ends due grace periods; returns how many it looked at. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    return (await this.sweepExpiries()) + (await this.sweepBillingReviews());
  }

  private async sweepBillingReviews(): Promise<number> {
    let reviewed = 0;
    for (;;) {
      const due = await this.customers.billingReviewsDue(this.clock.now(), BATCH);
      for (const customerId of due) {
        await runAsActor('system', () => this.customers.reapplyBilling(customerId));
        reviewed += 1;
      }
      if (due.length < BATCH) return reviewed;
    }
  }

  private async sweepExpiries(): Promise<number> {
    let changed = 0;
    for (;;) {
      const due = await this.customerRows.listExpiredBefore(this.clock.now(), BATCH);
      for (const customer of due) {
        const endedAt = customer.expiresAt as Date;
        await runAsActor('system', () =>
          this.access.applyExpiry(customer.id, endedAt, `Subscription ended at ${endedAt.toISOString()}`),
        );
        changed += 1;
      }
      if (due.length < BATCH) return changed;
    }
  }
}
