import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { Download } from './download.entity';

export interface DownloadRecord {
  customerId: string;
  tokenId: string;
  packageName: string;
  version: string;
  versionNormalized: string;
  downloadedAt: Date;
}

export interface DownloadCountFilter {
  /** Counts per version of this package instead of per package. */
  packageName?: string;
  customerId?: string;
  since?: Date;
  until?: Date;
}

export interface DownloadCountRow {
  package: string;
  version?: string;
  downloads: number;
  last_downloaded_at: Date;
}

/** The `downloads` table. Recording is bookkeeping written on the pool, never inside a unit of work. */
@Injectable()
export class DownloadRepository {
  constructor(
    private readonly door: ChangeDoor,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * One multi-row INSERT, in order. A download whose customer was deleted meanwhile is kept with
   * no customer, as the foreign key does for older rows.
   */
  async insertBatch(batch: DownloadRecord[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "downloads" ("customer_id", "token_id", "package_name", "version", "version_normalized", "downloaded_at")
       SELECT c."id", v.token_id, v.package_name, v.version, v.version_normalized, v.downloaded_at
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::timestamptz[])
              WITH ORDINALITY AS v(customer_id, token_id, package_name, version, version_normalized, downloaded_at, n)
         LEFT JOIN "customers" c ON c."id" = v.customer_id
        ORDER BY v.n`,
      [
        batch.map((row) => row.customerId),
        batch.map((row) => row.tokenId),
        batch.map((row) => row.packageName),
        batch.map((row) => row.version),
        batch.map((row) => row.versionNormalized),
        batch.map((row) => row.downloadedAt),
      ],
    );
  }

  /** Newest first. */
  pageOfCustomer(customerId: string, limit: number, offset: number): Promise<[Download[], number]> {
    return this.door.manager.findAndCount(Download, {
      where: { customerId },
      order: { downloadedAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  /** Most downloaded first. */
  count(filter: DownloadCountFilter): Promise<DownloadCountRow[]> {
    const builder = this.door.manager
      .createQueryBuilder(Download, 'd')
      .select('d.package_name', 'package')
      .addSelect('COUNT(*)::int', 'downloads')
      .addSelect('MAX(d.downloaded_at)', 'last_downloaded_at')
      .groupBy('d.package_name')
      .orderBy('downloads', 'DESC')
      .addOrderBy('package', 'ASC');
    if (filter.packageName !== undefined) {
      builder
        .addSelect('d.version', 'version')
        .addGroupBy('d.version')
        .andWhere('d.package_name = :name', { name: filter.packageName });
    }
    if (filter.customerId) builder.andWhere('d.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.since) builder.andWhere('d.downloaded_at >= :since', { since: filter.since });
    if (filter.until) builder.andWhere('d.downloaded_at < :until', { until: filter.until });
    return builder.getRawMany();
  }
}
