import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../changes/unit-of-work';
import { currentActor, currentProviderEventId } from '../common/actor-context';
import { Clock } from '../common/clock';
import { findCustomerOrFail } from '../customers/customer-lookup';
import { CustomerEvent, CustomerEventType } from './customer-event.entity';
import { EventDto, EventPageDto, ListEventsQueryDto } from './dto/event.dto';

export interface EventInput {
  customerId: string;
  type: CustomerEventType;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The names other services subscribe to (NATS subjects, webhooks); history keeps its own. */
const PUBLIC_EVENT_TYPE: Record<CustomerEventType, string> = {
  'customer.created': 'customer.created',
  'customer.updated': 'customer.updated',
  'customer.deleted': 'customer.deleted',
  'customer.status_changed': 'customer.status_changed',
  'customer.frozen_versions_changed': 'access.frozen_versions_changed',
  'grant.created': 'access.granted',
  'grant.updated': 'access.updated',
  'grant.revoked': 'access.revoked',
  'token.issued': 'token.issued',
  'token.revoked': 'token.revoked',
};

function eventData(event: EventInput): Record<string, unknown> {
  const data: Record<string, unknown> = {
    customer_id: event.customerId,
    before: event.before ?? null,
    after: event.after ?? null,
  };
  if (event.type === 'customer.status_changed') {
    data.from = event.before?.status ?? null;
    data.to = event.after?.status ?? null;
    data.reason = event.after?.status_reason ?? null;
  }
  return data;
}

@Injectable()
export class HistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Called inside the unit of work that makes the change, so history, state and the published
   * event never disagree: the history row, and the event for the outbox, commit with the change.
   */
  async record(unit: UnitOfWork, event: EventInput): Promise<void> {
    await unit.manager.save(CustomerEvent, {
      customerId: event.customerId,
      type: event.type,
      actor: currentActor(),
      providerEventId: currentProviderEventId(),
      occurredAt: this.clock.now(),
      before: event.before ?? null,
      after: event.after ?? null,
    });
    unit.emit({ type: PUBLIC_EVENT_TYPE[event.type], customerId: event.customerId, data: eventData(event) });
  }

  async forCustomer(customerId: string, limit: number, offset: number): Promise<EventPageDto> {
    await findCustomerOrFail(this.dataSource.manager, customerId);
    return this.search({ customer_id: customerId, limit, offset });
  }

  async search(query: ListEventsQueryDto): Promise<EventPageDto> {
    const builder = this.dataSource.manager
      .createQueryBuilder(CustomerEvent, 'e')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.customer_id) builder.andWhere('e.customer_id = :customerId', { customerId: query.customer_id });
    if (query.type) builder.andWhere('e.type = :type', { type: query.type });
    if (query.since) builder.andWhere('e.occurred_at >= :since', { since: query.since });
    if (query.until) builder.andWhere('e.occurred_at < :until', { until: query.until });
    const [data, total] = await builder.getManyAndCount();
    return { data: data.map((event) => EventDto.from(event)), total, limit: query.limit, offset: query.offset };
  }
}
