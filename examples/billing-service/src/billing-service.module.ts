import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PackyardClientOptions, PackyardEventsModule, PackyardEventsOptions, PackyardModule } from '@packyard/client';
import { AccessNotifications } from './access-notifications';
import { PackyardErrorFilter, SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

export interface BillingServiceConfig {
  packyard: PackyardClientOptions;
  events?: PackyardEventsOptions;
}

@Module({})
export class BillingServiceModule {
  static forRoot(config: BillingServiceConfig): DynamicModule {
    return {
      module: BillingServiceModule,
      imports: [
        PackyardModule.forRoot(config.packyard),
        ...(config.events ? [PackyardEventsModule.forRoot(config.events)] : []),
      ],
      controllers: [SubscriptionsController],
      providers: [SubscriptionsService, AccessNotifications, { provide: APP_FILTER, useClass: PackyardErrorFilter }],
    };
  }
}
