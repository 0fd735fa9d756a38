import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { BillingDecision, BillingProvider } from './billing-state';
import { ListWebhookEventsQueryDto } from './dto/webhook-event.dto';
import { WebhookEvent, WebhookOutcome } from './webhook-event.entity';

export interface ReceivedEvent {
  provider: BillingProvider;
  eventId: string;
  type: string;
  receivedAt: Date;
  occurredAt: Date | null;
  externalCustomerId: string | null;
}

export interface EventOutcome {
  outcome: WebhookOutcome;
  customerId: string | null;
  billingStatus: BillingDecision['status'] | null;
}

/** The `webhook_events` table (billing providers' events); inside a unit of work, on its transaction. */
@Injectable()
export class WebhookEventRepository {
  constructor(private readonly door: ChangeDoor) {}

  /**
   * Whether the event is new. A duplicate delivery blocks on the primary key until the first one
   * commits, then finds it there.
   */
  async insertIfNew(event: ReceivedEvent): Promise<boolean> {
    const inserted: unknown[] = await this.door.manager.query(
      `INSERT INTO "webhook_events" ("provider", "event_id", "type", "received_at", "occurred_at", "external_customer_id", "outcome")
       VALUES ($1, $2, $3, $4, $5, $6, 'unchanged')
       ON CONFLICT ("provider", "event_id") DO NOTHING
       RETURNING "event_id"`,
      [event.provider, event.eventId, event.type, event.receivedAt, event.occurredAt, event.externalCustomerId],
    );
    return inserted.length > 0;
  }

  lockForUpdate(provider: BillingProvider, eventId: string): Promise<WebhookEvent | null> {
    return this.door.manager.findOne(WebhookEvent, {
      where: { provider, eventId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async recordOutcome(provider: BillingProvider, eventId: string, outcome: EventOutcome): Promise<void> {
    await this.door.manager.update(WebhookEvent, { provider, eventId }, outcome);
  }

  /** Events kept before the link now belong to this customer (filterable by customer). */
  async linkKeptEvents(externalCustomerId: string, customerId: string): Promise<void> {
    await this.door.manager.query(
      `UPDATE "webhook_events" SET "customer_id" = $1 WHERE "external_customer_id" = $2 AND "customer_id" IS NULL AND "outcome" = 'kept_unknown_customer'`,
      [customerId, externalCustomerId],
    );
  }

  /** Newest first. */
  search(query: ListWebhookEventsQueryDto): Promise<[WebhookEvent[], number]> {
    const builder = this.door.manager
      .createQueryBuilder(WebhookEvent, 'w')
      .orderBy('w.received_at', 'DESC')
      .addOrderBy('w.provider', 'ASC')
      .addOrderBy('w.event_id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.provider) builder.andWhere('w.provider = :provider', { provider: query.provider });
    if (query.type) builder.andWhere('w.type = :type', { type: query.type });
    if (query.outcome) builder.andWhere('w.outcome = :outcome', { outcome: query.outcome });
    if (query.customer)
      builder.andWhere('(w.customer_id = :customer OR w.external_customer_id = :customer)', {
        customer: query.customer,
      });
    if (query.since) builder.andWhere('w.received_at >= :since', { since: new Date(query.since) });
    if (query.until) builder.andWhere('w.received_at < :until', { until: new Date(query.until) });
    return builder.getManyAndCount();
  }
}
