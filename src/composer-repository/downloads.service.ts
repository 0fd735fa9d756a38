import { Injectable } from '@nestjs/common';
import { CustomerRepository } from '../customers/customer.repository';
import { DownloadRecorder } from './download-recorder.service';
import { DownloadRepository } from './download.repository';
import { DownloadCountDto, DownloadCountsQueryDto, DownloadDto, DownloadPageDto } from './dto/download.dto';

@Injectable()
export class DownloadsService {
  constructor(
    private readonly downloads: DownloadRepository,
    private readonly customers: CustomerRepository,
    private readonly recorder: DownloadRecorder,
  ) {}

  /** Downloads this instance served are written first, so an admin sees every one of them. */
  async forCustomer(customerId: string, limit: number, offset: number): Promise<DownloadPageDto> {
    await this.recorder.flush();
    await this.customers.findOrFail(customerId);
    const [data, total] = await this.downloads.pageOfCustomer(customerId, limit, offset);
    return { data: data.map((download) => DownloadDto.from(download)), total, limit, offset };
  }

  /** Per package, or per version of one package; most downloaded first. */
  async counts(query: DownloadCountsQueryDto): Promise<DownloadCountDto[]> {
    await this.recorder.flush();
    const perVersion = query.package !== undefined;
    const rows = await this.downloads.count({
      packageName: query.package,
      customerId: query.customer_id,
      since: query.since,
      until: query.until,
    });
    return rows.map((row) => ({
      package: row.package,
      ...(perVersion ? { version: row.version } : {}),
      downloads: row.downloads,
      last_downloaded_at: new Date(row.last_downloaded_at).toISOString(),
    }));
  }
}
