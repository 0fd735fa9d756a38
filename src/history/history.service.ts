import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { currentActor } from '../common/actor-context';
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

@Injectable()
export class HistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Called inside the transaction that makes the change, so history and state never disagree. */
  async record(manager: EntityManager, event: EventInput): Promise<void> {
    await manager.save(CustomerEvent, {
      customerId: event.customerId,
      type: event.type,
      actor: currentActor(),
      occurredAt: this.clock.now(),
      before: event.before ?? null,
      after: event.after ?? null,
    });
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
