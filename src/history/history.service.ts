import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../changes/unit-of-work';
import { currentActor, currentProviderEventId } from '../common/actor-context';
import { Clock } from '../common/clock';
import { CustomerEventType } from './customer-event.entity';
import { CustomerEventRepository } from './customer-event.repository';
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

/** Throws the customer's not-found error when there is no such customer. */
export type CustomerCheck = (customerId: string) => Promise<void>;

@Injectable()
export class HistoryService {
  constructor(
    private readonly events: CustomerEventRepository,
    private readonly clock: Clock,
  ) {}

  private customerCheck?: CustomerCheck;

  /** Customers registers it: they record their history here, so History cannot depend on them. */
  checkCustomersWith(check: CustomerCheck): void {
    this.customerCheck = check;
  }

  /**
   * Called inside the unit of work that makes the change, so history, state and the published
   * event never disagree: the history row, and the event for the outbox, commit with the change.
   */
  async record(unit: UnitOfWork, event: EventInput): Promise<void> {
    await this.events.insert({
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
    if (!this.customerCheck) throw new Error('No customer check registered (CustomersModule is not loaded)');
    await this.customerCheck(customerId);
    return this.search({ customer_id: customerId, limit, offset });
  }

  async search(query: ListEventsQueryDto): Promise<EventPageDto> {
    const [data, total] = await this.events.search(query);
    return { data: data.map((event) => EventDto.from(event)), total, limit: query.limit, offset: query.offset };
  }
}
