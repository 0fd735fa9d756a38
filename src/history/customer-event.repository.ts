import { Injectable } from '@nestjs/common';
import { DeepPartial } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { CustomerEvent } from './customer-event.entity';
import { ListEventsQueryDto } from './dto/event.dto';

/** The `customer_events` table (a customer's history); inside a unit of work, on its transaction. */
@Injectable()
export class CustomerEventRepository {
  constructor(private readonly door: ChangeDoor) {}

  async insert(event: DeepPartial<CustomerEvent>): Promise<void> {
    await this.door.manager.save(CustomerEvent, event);
  }

  /** Newest first. */
  search(query: ListEventsQueryDto): Promise<[CustomerEvent[], number]> {
    const builder = this.door.manager
      .createQueryBuilder(CustomerEvent, 'e')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.customer_id) builder.andWhere('e.customer_id = :customerId', { customerId: query.customer_id });
    if (query.type) builder.andWhere('e.type = :type', { type: query.type });
    if (query.since) builder.andWhere('e.occurred_at >= :since', { since: query.since });
    if (query.until) builder.andWhere('e.occurred_at < :until', { until: query.until });
    return builder.getManyAndCount();
  }
}
