import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  ListDeliveriesQueryDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const SIGNATURE_DOC =
  'Each delivery is `POST <url>` with the event as JSON body ({id, sequence, type, occurred_at, actor, customer_id, package_name, data}) and ' +
  'the header `Packyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Any 2xx answer is a success; ' +
  'otherwise it is retried with exponential backoff for WEBHOOK_RETRY_HOURS (24 h). Events of one endpoint go out in commit order. ' +
  'Deliveries are at least once: deduplicate by `id`.';

@ApiTags('webhooks')
@ApiAdminErrors()
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequireScope('webhooks:manage')
  @ApiOperation({
    summary: 'Register an endpoint for signed event deliveries; the secret is shown only in this response',
    description: SIGNATURE_DOC,
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  async create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const endpoint = await this.webhooks.create(body.url, body.events, body.secret);
    return { ...WebhookDto.from(endpoint), secret: endpoint.secret };
  }

  @Get()
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'List webhook endpoints (never their secrets)' })
  @ApiOkResponse({ type: [WebhookDto] })
  async list(): Promise<WebhookDto[]> {
    return (await this.webhooks.list()).map((endpoint) => WebhookDto.from(endpoint));
  }

  @Get(':webhookId')
  @RequireScope('webhooks:manage')
  @ApiOkResponse({ type: WebhookDto })
  async get(@Param('webhookId') id: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.get(id));
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Remove an endpoint with its delivery log' })
  @ApiNoContentResponse()
  async remove(@Param('webhookId') id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':webhookId/deliveries')
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Delivery log, newest event first: status, attempts, response status and timing' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  async deliveries(
    @Param('webhookId') id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.webhooks.deliveries(id, query);
    return { ...page, data: page.data.map((delivery) => WebhookDeliveryDto.from(delivery)) };
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @RequireScope('webhooks:manage')
  @ApiOperation({ summary: 'Send one delivery again now (same event id and body); answers with the recorded attempt' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  async redeliver(
    @Param('webhookId') id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return WebhookDeliveryDto.from(await this.webhooks.redeliver(id, deliveryId));
  }
}
