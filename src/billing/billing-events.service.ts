import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { ChangeDoor } from '../changes/change-door.service';
import { UnitOfWork } from '../changes/unit-of-work';
import { runAsActor, runForProviderEvent } from '../common/actor-context';
import { Clock } from '../common/clock';
import { Page } from '../common/pagination.dto';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomerRepository } from '../customers/customer.repository';
import { InvalidStatusTransitionError } from '../customers/customer-status';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { Metrics } from '../observability/metrics.service';
import { BillingReading } from './billing-actions';
import { BillingReportRepository } from './billing-report.repository';
import {
  BillingDecision,
  billingDecision,
  BillingProvider,
  SubscriptionState,
  subscriptionStates,
} from './billing-state';
import { ListWebhookEventsQueryDto } from './dto/webhook-event.dto';
import { WebhookEvent, WebhookOutcome } from './webhook-event.entity';
import { EventOutcome, WebhookEventRepository } from './webhook-event.repository';

/** A provider event whose signature was verified, with what it says. */
export interface VerifiedBillingEvent {
  provider: BillingProvider;
  eventId: string;
  type: string;
  reading: BillingReading;
}

export type WebhookReceipt = { received: true; replay: true } | { received: true; outcome: WebhookOutcome };

/** What following billing did to one customer. */
interface Followed {
  decision: BillingDecision | null;
  states: SubscriptionState[];
  held: boolean;
  changed: boolean;
}

/**
 * Keeps every subscription report a provider sends and makes each customer's status follow what
 * their subscriptions call for (billing-state.ts), unless an admin holds the status. The event row,
 * the report, the status change, its history and the access change commit in one transaction; a
 * duplicate delivery blocks on the event's primary key until the first one commits, then sees it as
 * a replay. An event for a customer not linked yet is kept; its resend is processed again.
 */
@Injectable()
export class BillingEventsService implements OnModuleInit {
  private readonly logger = new Logger('BillingWebhooks');

  constructor(
    private readonly events: WebhookEventRepository,
    private readonly reports: BillingReportRepository,
    private readonly customerRows: CustomerRepository,
    private readonly customers: CustomersService,
    private readonly access: AccessService,
    private readonly door: ChangeDoor,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.customers.followBillingWith(async (unit, customerId) => {
      await this.follow(unit, customerId);
    });
  }

  async receive(event: VerifiedBillingEvent): Promise<WebhookReceipt> {
    const received = await runAsActor(event.provider, () => this.door.run((unit) => this.receiveOnce(unit, event)));
    this.metrics.billingEvent(event.provider, received?.outcome ?? 'replay');
    const label = `${event.provider} event ${event.eventId} (${event.type})`;
    if (!received) {
      this.logger.log(`${label} was already received: replay ignored`);
      return { received: true, replay: true };
    }
    const external = event.reading.externalCustomerId;
    const target = received.billingStatus ? `; billing calls for ${received.billingStatus}` : '';
    if (received.outcome === 'kept_unknown_customer') {
      this.logger.warn(`${label}: no customer has external_id "${external}" yet; kept until one does`);
    } else if (received.outcome === 'ignored_unknown_customer') {
      this.logger.warn(`${label}: the event names no customer; nothing changed`);
    } else {
      this.logger.log(`${label}: ${received.outcome} for ${received.customerId ?? '-'} (${external ?? '-'})${target}`);
    }
    return { received: true, outcome: received.outcome };
  }

  /** Null when the event was already received and used (a replay). */
  private async receiveOnce(unit: UnitOfWork, event: VerifiedBillingEvent): Promise<EventOutcome | null> {
    const { reading } = event;
    const isNew = await this.events.insertIfNew({
      provider: event.provider,
      eventId: event.eventId,
      type: event.type,
      receivedAt: this.clock.now(),
      occurredAt: reading.occurredAt,
      externalCustomerId: reading.externalCustomerId,
    });
    if (!isNew) {
      // A kept event is processed again when resent, in case its customer was linked since.
      const previous = await this.events.lockForUpdate(event.provider, event.eventId);
      if (previous?.outcome !== 'kept_unknown_customer') return null;
    }
    const received = await this.use(unit, reading);
    await this.events.recordOutcome(event.provider, event.eventId, received);
    return received;
  }

  private async use(unit: UnitOfWork, reading: BillingReading): Promise<EventOutcome> {
    const none = { customerId: null, billingStatus: null };
    if (reading.kind === 'ignore') return { outcome: reading.outcome, ...none };
    if (!reading.externalCustomerId) return { outcome: 'ignored_unknown_customer', ...none };
    await this.reports.insertIfNew(reading.externalCustomerId, reading.report);
    const customer = await this.customerRows.lockByExternalId(reading.externalCustomerId);
    if (!customer) return { outcome: 'kept_unknown_customer', ...none };
    const followed = await this.follow(unit, customer.id);
    const state = followed.states.find(
      (s) => s.provider === reading.report.provider && s.subscriptionId === reading.report.subscriptionId,
    );
    const billingStatus = followed.decision?.status ?? null;
    if (followed.held) return { outcome: 'held_by_admin', customerId: customer.id, billingStatus };
    if (followed.changed) return { outcome: 'applied', customerId: customer.id, billingStatus };
    // Not the subscription's state: a newer (or final) state of it was already known.
    if (state?.eventId !== reading.report.eventId)
      return { outcome: 'ignored_out_of_order', customerId: customer.id, billingStatus };
    return { outcome: 'unchanged', customerId: customer.id, billingStatus };
  }

  /**
   * Decides from every report kept for the customer's external_id and, unless an admin holds the
   * status, applies the decision. Runs under the customer's row lock, inside the caller's transaction.
   */
  private async follow(unit: UnitOfWork, customerId: string): Promise<Followed> {
    const customer = await this.customerRows.lockForUpdate(customerId);
    const reports = customer.externalId ? await this.reports.listForExternalCustomer(customer.externalId) : [];
    const states = subscriptionStates(reports);
    const now = this.clock.now();
    const decision = billingDecision(states, {
      onExpiry: customer.onExpiry,
      graceDays: customer.billingGraceDays ?? this.config.billingGraceDays,
      now,
    });
    await this.customers.recordBillingDecision(unit, customerId, decision);
    if (customer.externalId && reports.length > 0) await this.events.linkKeptEvents(customer.externalId, customerId);
    if (!decision || customer.billingHold)
      return { decision, states, held: customer.billingHold && decision !== null, changed: false };
    try {
      // A savepoint: a transition the status rules refuse (an expired customer is not suspended) leaves nothing behind.
      const changed = await unit.savepoint(() =>
        runForProviderEvent(decision.eventId, () => this.apply(customer, decision, now)),
      );
      return { decision, states, held: false, changed };
    } catch (error) {
      if (!(error instanceof InvalidStatusTransitionError)) throw error;
      this.logger.warn(`billing's ${decision.status} refused for ${customer.id}: ${error.message}`);
      return { decision, states, held: false, changed: false };
    }
  }

  /** Whether the customer's status changed. */
  private async apply(customer: Customer, decision: BillingDecision, now: Date): Promise<boolean> {
    let after: Customer;
    if (decision.status === 'frozen' || decision.status === 'expired') {
      after = await this.access.applyExpiry(customer.id, decision.endedAt ?? now, decision.reason);
    } else {
      after = await this.customers.applyStatus(customer.id, decision.status, decision.reason);
    }
    return after.status !== customer.status || after.statusChangedAt?.getTime() !== customer.statusChangedAt?.getTime();
  }

  /** Received events, newest first, filtered. */
  async list(query: ListWebhookEventsQueryDto): Promise<Page<WebhookEvent>> {
    const [data, total] = await this.events.search(query);
    return { data, total, limit: query.limit, offset: query.offset };
  }
}
