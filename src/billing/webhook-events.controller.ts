import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import { ListWebhookEventsQueryDto, WebhookEventDto, WebhookEventPageDto } from './dto/webhook-event.dto';
import { BillingEventsService } from './billing-events.service';

@ApiTags('billing webhooks')
@ApiAdminErrors()
@Controller('api/v1/webhook-events')
export class WebhookEventsController {
  constructor(private readonly billing: BillingEventsService) {}

  @RequireScope('events:read')
  @Get()
  @ApiOperation({
    summary: 'Billing events received, newest first: what each did (outcome) and what billing called for',
    description:
      'Filters: provider, type, outcome, customer (Packyard id or provider customer id), since/until (time of receipt).',
  })
  @ApiOkResponse({ type: WebhookEventPageDto })
  async list(@Query() query: ListWebhookEventsQueryDto): Promise<WebhookEventPageDto> {
    const page = await this.billing.list(query);
    return { ...page, data: page.data.map((row) => WebhookEventDto.from(row)) };
  }
}
