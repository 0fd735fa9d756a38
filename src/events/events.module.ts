import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventRelay } from './event-relay.service';
import { NatsPublisher } from './nats-publisher.service';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Events out: the relay from the change outbox to NATS JetStream and signed outbound webhooks. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery])],
  controllers: [WebhooksController],
  providers: [EventRelay, NatsPublisher, WebhookSender, WebhooksService],
  exports: [EventRelay],
})
export class EventsModule {}
