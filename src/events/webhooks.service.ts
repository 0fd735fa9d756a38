import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-error';
import { newId, randomBase62 } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { ListDeliveriesQueryDto } from './dto/webhook.dto';
import { EventRelay } from './event-relay.service';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';

@Injectable()
export class WebhooksService {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveryRows: WebhookDeliveryRepository,
    private readonly relay: EventRelay,
  ) {}

  /** Receives the events committed from now on (earlier ones are not back-filled). */
  async create(url: string, events: string[], secret: string | undefined): Promise<WebhookEndpoint> {
    return this.endpoints.insert({
      id: newId('whk'),
      url,
      events: [...events].sort(),
      secret: secret ?? `whsec_${randomBase62(32)}`,
    });
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.endpoints.list();
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findById(id);
    if (!endpoint) throw new NotFoundError('webhook_not_found', `No webhook with id "${id}"`);
    return endpoint;
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.endpoints.delete(id);
  }

  async deliveries(id: string, query: ListDeliveriesQueryDto): Promise<Page<WebhookDelivery>> {
    await this.get(id);
    const [data, total] = await this.deliveryRows.pageOfEndpoint(id, query.status, query.limit, query.offset);
    return { data, total, limit: query.limit, offset: query.offset };
  }

  /** Sends one delivery again, now, and answers with the recorded attempt. */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.get(id);
    const delivery = await this.deliveryRows.findOfEndpoint(id, deliveryId);
    if (!delivery) throw new NotFoundError('delivery_not_found', `Webhook "${id}" has no delivery "${deliveryId}"`);
    await this.relay.attempt(endpoint, delivery);
    return delivery;
  }
}
