import { Controller, Headers, HttpCode, Inject, Post, RawBodyRequest, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Request } from 'express';
import Stripe from 'stripe';
import { Public } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { readStripeEvent } from './billing-actions';
import { BillingEventsService, WebhookReceipt } from './billing-events.service';
import { WebhookReceiptDto } from './dto/webhook-receipt.dto';
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  WebhookReceiverDisabledError,
} from './billing.errors';

const PATH = '/webhooks/stripe';

/** Checks the Stripe-Signature header (HMAC and a five-minute timestamp tolerance) with Stripe's own library. */
function verifyStripeEvent(rawBody: Buffer | undefined, signature: string | undefined, secret: string): Stripe.Event {
  if (!rawBody?.length)
    throw new InvalidWebhookPayloadError('A Stripe event must be sent as a JSON body (Content-Type: application/json)');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature ?? '', secret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new InvalidWebhookSignatureError('Stripe-Signature', error.message.split('\n')[0].trim());
    }
    throw new InvalidWebhookPayloadError(`The body is not a Stripe event: ${(error as Error).message}`);
  }
  const shape = event as { id?: unknown; type?: unknown; data?: { object?: unknown } };
  if (
    typeof shape.id !== 'string' ||
    shape.id === '' ||
    shape.id.length > 255 ||
    typeof shape.type !== 'string' ||
    shape.type === '' ||
    shape.type.length > 100 ||
    typeof shape.data?.object !== 'object' ||
    shape.data.object === null
  ) {
    throw new InvalidWebhookPayloadError('The body is not a Stripe event: it needs an id, a type and data.object');
  }
  return event;
}

@ApiTags('billing webhooks')
@Public()
@Controller('webhooks')
export class StripeWebhookController {
  constructor(
    private readonly billing: BillingEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe webhook endpoint (enabled by STRIPE_WEBHOOK_SECRET)',
    description:
      'Keeps the subscription state (customer.subscription.*) or payment hint (invoice.paid, invoice.payment_failed) the event reports ' +
      'and sets the status of the customer whose external_id is the Stripe customer id to what their subscriptions call for ' +
      '(see the README, Billing). Each event id is used once; a replay answers 200 with replay: true, except for an event kept ' +
      'for a customer not linked yet, which is processed again.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'invalid_signature (wrong or stale), or not a Stripe event',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'STRIPE_WEBHOOK_SECRET is not set' })
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature?: string,
  ): Promise<WebhookReceipt> {
    const secret = this.config.stripeWebhookSecret;
    if (!secret) throw new WebhookReceiverDisabledError(PATH);
    const event = verifyStripeEvent(request.rawBody, signature, secret);
    return this.billing.receive({
      provider: 'stripe',
      eventId: event.id,
      type: event.type,
      reading: readStripeEvent(event, this.clock.now()),
    });
  }
}
