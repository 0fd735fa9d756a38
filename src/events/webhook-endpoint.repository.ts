import { Injectable } from '@nestjs/common';
import { DeepPartial, EntityManager } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { ID_PATTERN } from '../common/ids';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/**
 * The `webhook_endpoints` table. Inside a unit of work, on its transaction; the event relay passes
 * the manager of its own connection (the one holding its advisory lock).
 */
@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly door: ChangeDoor) {}

  /** Returns the row as stored. */
  async insert(endpoint: DeepPartial<WebhookEndpoint>): Promise<WebhookEndpoint> {
    const manager = this.door.manager;
    const row = manager.create(WebhookEndpoint, endpoint);
    await manager.insert(WebhookEndpoint, row);
    return manager.findOneByOrFail(WebhookEndpoint, { id: row.id });
  }

  /** Oldest first. */
  list(manager: EntityManager = this.door.manager): Promise<WebhookEndpoint[]> {
    return manager.find(WebhookEndpoint, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Null for an unknown id or one no endpoint can have. */
  findById(id: string, manager: EntityManager = this.door.manager): Promise<WebhookEndpoint | null> {
    return ID_PATTERN.test(id) ? manager.findOneBy(WebhookEndpoint, { id }) : Promise.resolve(null);
  }

  /** Its deliveries go with it through ON DELETE CASCADE. */
  async delete(id: string): Promise<void> {
    await this.door.manager.delete(WebhookEndpoint, { id });
  }
}
