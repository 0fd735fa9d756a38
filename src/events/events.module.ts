import { Module } from '@nestjs/common';
import { EventRelay } from './event-relay.service';
import { NatsPublisher } from './nats-publisher.service';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Events out: the relay from the change outbox to NATS JetStream and signed outbound webhooks. */
@Module({
  controllers: [WebhooksController],
  providers: [
    EventRelay,
    NatsPublisher,
    WebhookSender,
    WebhooksService,
    WebhookEndpointRepository,
    WebhookDeliveryRepository,
  ],
  exports: [EventRelay],
})
export class EventsModule {}
