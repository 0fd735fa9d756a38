import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error';
import { ID_PATTERN, newId, randomBase62 } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { ListDeliveriesQueryDto } from './dto/webhook.dto';
import { EventRelay } from './event-relay.service';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: EventRelay,
  ) {}

  /** Receives the events committed from now on (earlier ones are not back-filled). */
  async create(url: string, events: string[], secret: string | undefined): Promise<WebhookEndpoint> {
    const endpoint = this.dataSource.manager.create(WebhookEndpoint, {
      id: newId('whk'),
      url,
      events: [...events].sort(),
      secret: secret ?? `whsec_${randomBase62(32)}`,
    });
    await this.dataSource.manager.insert(WebhookEndpoint, endpoint);
    return this.get(endpoint.id);
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.dataSource.manager.find(WebhookEndpoint, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = ID_PATTERN.test(id) ? await this.dataSource.manager.findOneBy(WebhookEndpoint, { id }) : null;
    if (!endpoint) throw new NotFoundError('webhook_not_found', `No webhook with id "${id}"`);
    return endpoint;
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.dataSource.manager.delete(WebhookEndpoint, { id });
  }

  async deliveries(id: string, query: ListDeliveriesQueryDto): Promise<Page<WebhookDelivery>> {
    await this.get(id);
    const [data, total] = await this.dataSource.manager.findAndCount(WebhookDelivery, {
      where: { endpointId: id, ...(query.status ? { status: query.status } : {}) },
      order: { eventSequence: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { data, total, limit: query.limit, offset: query.offset };
  }

  /** Sends one delivery again, now, and answers with the recorded attempt. */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.get(id);
    const manager = this.dataSource.manager;
    const delivery = ID_PATTERN.test(deliveryId)
      ? await manager.findOneBy(WebhookDelivery, { id: deliveryId, endpointId: id })
      : null;
    if (!delivery) throw new NotFoundError('delivery_not_found', `Webhook "${id}" has no delivery "${deliveryId}"`);
    await this.relay.attempt(manager, endpoint, delivery);
    return delivery;
  }
}
