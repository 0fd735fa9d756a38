import { Controller, Headers, HttpCode, Inject, Post, RawBodyRequest, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NodeRuntime, Webhooks } from '@paddle/paddle-node-sdk';
import { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { PaddleNotification, readPaddleEvent } from './billing-actions';
import { BillingEventsService, WebhookReceipt } from './billing-events.service';
import { WebhookReceiptDto } from './dto/webhook-receipt.dto';
import {
  InvalidWebhookPayloadError,
  InvalidWebhookSignatureError,
  WebhookReceiverDisabledError,
} from './billing.errors';

const PATH = '/webhooks/paddle';

function isNotification(value: unknown): value is PaddleNotification {
  const shape = value as { event_id?: unknown; event_type?: unknown; data?: unknown } | null;
  return (
    typeof shape === 'object' &&
    shape !== null &&
    typeof shape.event_id === 'string' &&
    shape.event_id !== '' &&
    shape.event_id.length <= 255 &&
    typeof shape.event_type === 'string' &&
    shape.event_type !== '' &&
    shape.event_type.length <= 100 &&
    typeof shape.data === 'object' &&
    shape.data !== null
  );
}

@ApiTags('billing webhooks')
@Public()
@Controller('webhooks')
export class PaddleWebhookController {
  private readonly webhooks: Webhooks;

  constructor(
    private readonly billing: BillingEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    // What `new Paddle(apiKey)` does before anything else: signature checks need the Node crypto provider, not an API key.
    NodeRuntime.initialize();
    this.webhooks = new Webhooks();
  }

  @Post('paddle')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Paddle Billing webhook endpoint (enabled by PADDLE_WEBHOOK_SECRET)',
    description:
      'Keeps the subscription state (subscription.*) or payment hint (transaction.completed, transaction.paid, transaction.payment_failed ' +
      'of a subscription) the event reports and sets the status of the customer whose external_id is the Paddle customer id (ctm_…) ' +
      'to what their subscriptions call for (see the README, Billing). Each event id is used once; a replay answers 200 with ' +
      'replay: true, except for an event kept for a customer not linked yet, which is processed again.',
  })
  @ApiHeader({
    name: 'Paddle-Signature',
    required: true,
    description: 'ts=<unix seconds>;h1=<HMAC-SHA256 of "ts:body">',
  })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'invalid_signature (wrong or stale), or not a Paddle notification',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'PADDLE_WEBHOOK_SECRET is not set' })
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('paddle-signature') signature?: string,
  ): Promise<WebhookReceipt> {
    const secret = this.config.paddleWebhookSecret;
    if (!secret) throw new WebhookReceiverDisabledError(PATH);
    const notification = await this.verify(request.rawBody, request.body, signature, secret);
    return this.billing.receive({
      provider: 'paddle',
      eventId: notification.event_id,
      type: notification.event_type,
      reading: readPaddleEvent(notification, this.clock.now()),
    });
  }

  /** Paddle's SDK checks the HMAC and refuses a ts more than five seconds old. */
  private async verify(
    rawBody: Buffer | undefined,
    parsed: unknown,
    signature: string | undefined,
    secret: string,
  ): Promise<PaddleNotification> {
    if (!rawBody?.length)
      throw new InvalidWebhookPayloadError(
        'A Paddle notification must be sent as a JSON body (Content-Type: application/json)',
      );
    const body = rawBody.toString('utf8');
    let valid: boolean;
    try {
      valid = await this.webhooks.isSignatureValid(body, secret, signature ?? '');
    } catch (error) {
      // The SDK throws only when the header lacks ts= or h1=.
      throw new InvalidWebhookSignatureError(
        'Paddle-Signature',
        (error as Error).message.replace(/^\[Paddle\]\s*/, ''),
      );
    }
    if (!valid)
      throw new InvalidWebhookSignatureError(
        'Paddle-Signature',
        'the signature does not match or its timestamp is too old',
      );
    // The JSON parser that kept rawBody parsed these same bytes.
    if (!isNotification(parsed))
      throw new InvalidWebhookPayloadError(
        'The body is not a Paddle notification: it needs event_id, event_type and data',
      );
    return parsed;
  }
}
