import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AccessVersion } from '../common/access-version.service';
import { runAsActor } from '../common/actor-context';
import { Clock } from '../common/clock';
import { effectiveStatus, InvalidStatusTransitionError } from '../customers/customer-status';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { Metrics } from '../observability/metrics.service';
import { BillingAction, BillingProvider } from './billing-actions';
import { WebhookEvent, WebhookOutcome } from './webhook-event.entity';

/** A provider event whose signature was verified, with what it asks of the customer. */
export interface VerifiedBillingEvent {
  provider: BillingProvider;
  eventId: string;
  type: string;
  action: BillingAction;
}

export type WebhookReceipt = { received: true; replay: true } | { received: true; outcome: WebhookOutcome };

interface Applied {
  outcome: WebhookOutcome;
  customerId: string | null;
}

/**
 * Applies verified billing events to customers, each event id at most once. The event row, the
 * status change, its history and the access change commit in one transaction; a duplicate
 * delivery blocks on the event's primary key until the first one commits, then sees it as a replay.
 * Providers do not deliver in order: an event older (by the provider's event time) than one of the
 * same provider already applied to the customer changes nothing.
 */
@Injectable()
export class BillingEventsService {
  private readonly logger = new Logger('BillingWebhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly access: AccessService,
    private readonly accessVersion: AccessVersion,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async receive(event: VerifiedBillingEvent): Promise<WebhookReceipt> {
    const applied = await runAsActor(event.provider, () => this.dataSource.transaction((manager) => this.applyOnce(manager, event)));
    this.metrics.billingEvent(event.provider, applied?.outcome ?? 'replay');
    const label = `${event.provider} event ${event.eventId} (${event.type})`;
    if (!applied) {
      this.logger.log(`${label} was already received: replay ignored`);
      return { received: true, replay: true };
    }
    if (applied.outcome === 'applied') this.accessVersion.bump();
    const customer = event.action.externalCustomerId;
    switch (applied.outcome) {
      case 'applied':
        this.logger.log(`${label}: ${event.action.kind} applied to ${applied.customerId} (${customer})`);
        break;
      case 'unchanged':
        this.logger.log(`${label}: ${event.action.kind} left ${applied.customerId} (${customer}) unchanged`);
        break;
      case 'ignored_unknown_customer':
        this.logger.warn(`${label}: ${customer ? `no customer has external_id "${customer}"` : 'the event names no customer'}; nothing changed`);
        break;
      case 'ignored_event_type':
        this.logger.log(`${label}: ${event.action.reason}; nothing changed`);
        break;
      case 'ignored_out_of_order':
        this.logger.log(
          `${label} of ${event.action.occurredAt?.toISOString()}: a newer ${event.provider} event was already applied to ` +
            `${applied.customerId} (${customer}); nothing changed`,
        );
        break;
    }
    return { received: true, outcome: applied.outcome };
  }

  /** Null when the event was already recorded (a replay). */
  private async applyOnce(manager: EntityManager, event: VerifiedBillingEvent): Promise<Applied | null> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "webhook_events" ("provider", "event_id", "type", "received_at", "occurred_at", "external_customer_id", "outcome")
       VALUES ($1, $2, $3, $4, $5, $6, 'unchanged')
       ON CONFLICT ("provider", "event_id") DO NOTHING
       RETURNING "event_id"`,
      [event.provider, event.eventId, event.type, this.clock.now(), event.action.occurredAt, event.action.externalCustomerId],
    );
    if (inserted.length === 0) return null;
    const applied = await this.apply(manager, event.provider, event.action);
    await manager.update(WebhookEvent, { provider: event.provider, eventId: event.eventId }, { outcome: applied.outcome, customerId: applied.customerId });
    return applied;
  }

  private async apply(manager: EntityManager, provider: BillingProvider, action: BillingAction): Promise<Applied> {
    if (action.kind === 'ignore') return { outcome: 'ignored_event_type', customerId: null };
    if (!action.externalCustomerId) return { outcome: 'ignored_unknown_customer', customerId: null };
    const customer = await manager.findOne(Customer, {
      where: { externalId: action.externalCustomerId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!customer) return { outcome: 'ignored_unknown_customer', customerId: null };
    // Under the customer's row lock, so an event applied concurrently to this customer has committed.
    if (await this.newerApplied(manager, provider, customer.id, action.occurredAt)) {
      return { outcome: 'ignored_out_of_order', customerId: customer.id };
    }
    try {
      // A savepoint: a transition the status rules refuse leaves no partial change behind, while
      // the event row (outside it) is still recorded so a redelivery is a replay.
      const changed = await manager.transaction((savepoint) => this.perform(savepoint, customer, action));
      return { outcome: changed ? 'applied' : 'unchanged', customerId: customer.id };
    } catch (error) {
      if (!(error instanceof InvalidStatusTransitionError)) throw error;
      this.logger.warn(`${action.kind} refused for ${customer.id}: ${error.message}`);
      return { outcome: 'unchanged', customerId: customer.id };
    }
  }

  /**
   * Whether an event of this provider strictly newer than occurredAt was already applied to the
   * customer. Equal times are not newer (events of the same second are common); an event without a
   * time, or rows kept before event times were, cannot be ordered and never hold an event back.
   */
  private async newerApplied(manager: EntityManager, provider: BillingProvider, customerId: string, occurredAt: Date | null): Promise<boolean> {
    if (!occurredAt) return false;
    const newer: unknown[] = await manager.query(
      `SELECT 1 FROM "webhook_events"
       WHERE "provider" = $1 AND "customer_id" = $2 AND "outcome" = 'applied' AND "occurred_at" > $3
       LIMIT 1`,
      [provider, customerId, occurredAt],
    );
    return newer.length > 0;
  }

  /** Whether the customer's status changed. */
  private async perform(manager: EntityManager, customer: Customer, action: Exclude<BillingAction, { kind: 'ignore' }>): Promise<boolean> {
    const now = this.clock.now();
    let after: Customer;
    switch (action.kind) {
      case 'suspend':
        after = await this.customers.changeStatusWith(manager, customer.id, 'suspended', action.reason);
        break;
      case 'reactivate':
        if (!action.from.includes(effectiveStatus(customer, now))) return false;
        after = await this.customers.changeStatusWith(manager, customer.id, 'active', action.reason);
        break;
      case 'end_subscription': {
        const endedAt = action.endedAt && action.endedAt < now ? action.endedAt : now;
        after = await this.access.applyExpiryWith(manager, customer.id, endedAt, action.reason);
        break;
      }
    }
    return after.status !== customer.status || after.statusChangedAt?.getTime() !== customer.statusChangedAt?.getTime();
  }
}
