import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { CustomerIdPipe } from '../common/id-params';
import { RequireScope } from '../auth/auth.decorators';
import { PaginationQueryDto } from '../common/pagination.dto';
import { DownloadsService } from './downloads.service';
import { DownloadCountDto, DownloadCountsQueryDto, DownloadPageDto } from './dto/download.dto';

@ApiTags('downloads')
@ApiAdminErrors()
@Controller('api/v1')
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  @Get('customers/:id/downloads')
  @ApiOperation({ summary: 'Dist archives this customer downloaded, newest first' })
  @ApiOkResponse({ type: DownloadPageDto })
  @RequireScope('customers:read')
  async forCustomer(
    @Param('id', CustomerIdPipe) customerId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<DownloadPageDto> {
    return this.downloads.forCustomer(customerId, query.limit, query.offset);
  }

  @Get('downloads')
  @ApiOperation({
    summary: 'Download counts per package (or per version with ?package=), filtered by customer and time',
  })
  @ApiOkResponse({ type: [DownloadCountDto] })
  @RequireScope('packages:read')
  counts(@Query() query: DownloadCountsQueryDto): Promise<DownloadCountDto[]> {
    return this.downloads.counts(query);
  }
}
