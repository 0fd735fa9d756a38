import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CustomersModule } from '../customers/customers.module';
import { BillingEventsService } from './billing-events.service';
import { BillingReportRepository } from './billing-report.repository';
import { PaddleWebhookController } from './paddle-webhook.controller';
import { StripeWebhookController } from './stripe-webhook.controller';
import { WebhookEventRepository } from './webhook-event.repository';
import { WebhookEventsController } from './webhook-events.controller';

/** Stripe and Paddle Billing webhooks: customer statuses follow the subscription states the providers report. */
@Module({
  imports: [CustomersModule, AccessModule],
  controllers: [StripeWebhookController, PaddleWebhookController, WebhookEventsController],
  providers: [BillingEventsService, WebhookEventRepository, BillingReportRepository],
})
export class BillingModule {}
