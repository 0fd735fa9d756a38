import { DynamicModule, Module } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule } from '@nestjs/core';
import { PackyardEventDispatcher } from './event-dispatcher';
import { PACKYARD_EVENTS_OPTIONS, PackyardEventsOptions } from './events-options';
import { NatsEventConsumer } from './nats-event-consumer';
import { PackyardSignatureGuard, PackyardWebhookController } from './webhook.controller';

/**
 * Feeds @OnPackyardEvent handlers from NATS JetStream (durable consumer) and/or from Packyard's
 * signed webhooks (a ready-made controller at `webhook.path`).
 */
@Module({})
export class PackyardEventsModule {
  static forRoot(options: PackyardEventsOptions): DynamicModule {
    if (options.webhook)
      Reflect.defineMetadata(PATH_METADATA, options.webhook.path ?? 'packyard/webhooks', PackyardWebhookController);
    return {
      module: PackyardEventsModule,
      imports: [DiscoveryModule],
      controllers: options.webhook ? [PackyardWebhookController] : [],
      providers: [
        { provide: PACKYARD_EVENTS_OPTIONS, useValue: options },
        PackyardEventDispatcher,
        NatsEventConsumer,
        PackyardSignatureGuard,
      ],
      exports: [PackyardEventDispatcher],
    };
  }
}
