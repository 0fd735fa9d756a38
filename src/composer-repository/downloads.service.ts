import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { findCustomerOrFail } from '../customers/customer-lookup';
import { DownloadRecorder } from './download-recorder.service';
import { Download } from './download.entity';
import { DownloadCountDto, DownloadCountsQueryDto, DownloadDto, DownloadPageDto } from './dto/download.dto';

@Injectable()
export class DownloadsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: DownloadRecorder,
  ) {}

  /** Downloads this instance served are written first, so an admin sees every one of them. */
  async forCustomer(customerId: string, limit: number, offset: number): Promise<DownloadPageDto> {
    await this.recorder.flush();
    await findCustomerOrFail(this.dataSource.manager, customerId);
    const [data, total] = await this.dataSource.manager.findAndCount(Download, {
      where: { customerId },
      order: { downloadedAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { data: data.map((download) => DownloadDto.from(download)), total, limit, offset };
  }

  /** Per package, or per version of one package; most downloaded first. */
  async counts(query: DownloadCountsQueryDto): Promise<DownloadCountDto[]> {
    await this.recorder.flush();
    const perVersion = query.package !== undefined;
    const builder = this.dataSource.manager
      .createQueryBuilder(Download, 'd')
      .select('d.package_name', 'package')
      .addSelect('COUNT(*)::int', 'downloads')
      .addSelect('MAX(d.downloaded_at)', 'last_downloaded_at')
      .groupBy('d.package_name')
      .orderBy('downloads', 'DESC')
      .addOrderBy('package', 'ASC');
    if (perVersion) {
      builder
        .addSelect('d.version', 'version')
        .addGroupBy('d.version')
        .andWhere('d.package_name = :name', { name: query.package });
    }
    if (query.customer_id) builder.andWhere('d.customer_id = :customerId', { customerId: query.customer_id });
    if (query.since) builder.andWhere('d.downloaded_at >= :since', { since: query.since });
    if (query.until) builder.andWhere('d.downloaded_at < :until', { until: query.until });
    const rows: Array<{ package: string; version?: string; downloads: number; last_downloaded_at: Date }> =
      await builder.getRawMany();
    return rows.map((row) => ({
      package: row.package,
      ...(perVersion ? { version: row.version } : {}),
      downloads: row.downloads,
      last_downloaded_at: new Date(row.last_downloaded_at).toISOString(),
    }));
  }
}
