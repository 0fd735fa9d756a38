import { Injectable } from '@nestjs/common';
import { DeepPartial, EntityManager } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { ID_PATTERN } from '../common/ids';
import { DeliveryStatus, WebhookDelivery } from './webhook-delivery.entity';

/**
 * The `webhook_deliveries` table. Inside a unit of work, on its transaction; the event relay passes
 * the manager of its own connection (the one holding its advisory lock).
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly door: ChangeDoor) {}

  /** Newest event first. */
  pageOfEndpoint(
    endpointId: string,
    status: DeliveryStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<[WebhookDelivery[], number]> {
    return this.door.manager.findAndCount(WebhookDelivery, {
      where: { endpointId, ...(status ? { status } : {}) },
      order: { eventSequence: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  findOfEndpoint(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    if (!ID_PATTERN.test(deliveryId)) return Promise.resolve(null);
    return this.door.manager.findOneBy(WebhookDelivery, { id: deliveryId, endpointId });
  }

  /** A delivery of the same event to the same endpoint is already there: it is not created twice. */
  async insertIfNew(deliveries: DeepPartial<WebhookDelivery>[], manager: EntityManager): Promise<void> {
    if (deliveries.length === 0) return;
    await manager.createQueryBuilder().insert().into(WebhookDelivery).values(deliveries).orIgnore().execute();
  }

  /** Each endpoint's oldest pending delivery. */
  pendingHeads(manager: EntityManager): Promise<WebhookDelivery[]> {
    return manager
      .createQueryBuilder(WebhookDelivery, 'd')
      .distinctOn(['d.endpoint_id'])
      .where(`d.status = 'pending'`)
      .orderBy('d.endpoint_id')
      .addOrderBy('d.event_sequence')
      .getMany();
  }

  oldestPending(endpointId: string, manager: EntityManager): Promise<WebhookDelivery | null> {
    return manager.findOne(WebhookDelivery, {
      where: { endpointId, status: 'pending' },
      order: { eventSequence: 'ASC' },
    });
  }

  async save(delivery: WebhookDelivery, manager: EntityManager = this.door.manager): Promise<void> {
    await manager.save(WebhookDelivery, delivery);
  }
}
