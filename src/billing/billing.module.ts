import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CustomersModule } from '../customers/customers.module';
import { BillingEventsService } from './billing-events.service';
import { PaddleWebhookController } from './paddle-webhook.controller';
import { StripeWebhookController } from './stripe-webhook.controller';

/** Stripe and Paddle Billing webhooks: signed provider events change customer statuses. */
@Module({
  imports: [CustomersModule, AccessModule],
  controllers: [StripeWebhookController, PaddleWebhookController],
  providers: [BillingEventsService],
})
export class BillingModule {}
