import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { CustomerIdPipe } from '../common/id-params';
import { RequireScope } from '../auth/auth.decorators';
import { PaginationQueryDto } from '../common/pagination.dto';
import { EventPageDto, ListEventsQueryDto } from './dto/event.dto';
import { HistoryService } from './history.service';

@ApiTags('history')
@ApiAdminErrors()
@Controller('api/v1')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get('customers/:id/events')
  @ApiOperation({ summary: "A customer's history, newest first: who changed what, when, before and after" })
  @ApiOkResponse({ type: EventPageDto })
  @RequireScope('events:read')
  async forCustomer(
    @Param('id', CustomerIdPipe) customerId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<EventPageDto> {
    return this.history.forCustomer(customerId, query.limit, query.offset);
  }

  @Get('events')
  @ApiOperation({
    summary: 'All history, newest first, filtered by type, customer and time range (also for deleted customers)',
  })
  @ApiOkResponse({ type: EventPageDto })
  @RequireScope('events:read')
  async search(@Query() query: ListEventsQueryDto): Promise<EventPageDto> {
    return this.history.search(query);
  }
}
