import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDateTime } from '../../common/date-time';
import { IsPackageName, PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_PATTERN_SOURCE } from '../../packages/package-name';
import { Download } from '../download.entity';
import { PageDtoOf } from '../../common/pagination.dto';

export class DownloadDto {
  @ApiProperty({ example: 'acme/widget' })
  package: string;

  @ApiProperty({ example: '2.1.0' })
  version: string;

  @ApiProperty({ nullable: true, type: String, example: 'tkn_8Gq2Lm0Zp4Rt6Vx9Bc1D' })
  token_id: string | null;

  @ApiProperty({ format: 'date-time' })
  downloaded_at: string;

  static from(download: Download): DownloadDto {
    return {
      package: download.packageName,
      version: download.version,
      token_id: download.tokenId,
      downloaded_at: download.downloadedAt.toISOString(),
    };
  }
}

export class DownloadPageDto extends PageDtoOf(DownloadDto) {}

export class DownloadCountsQueryDto {
  @ApiPropertyOptional({
    example: 'acme/widget',
    description: 'Count per version of this package instead of per package',
    pattern: PACKAGE_NAME_PATTERN_SOURCE,
    maxLength: PACKAGE_NAME_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @IsPackageName()
  package?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  customer_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsDateTime()
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsDateTime()
  until?: Date;
}

export class DownloadCountDto {
  @ApiProperty({ example: 'acme/widget' })
  package: string;

  @ApiPropertyOptional({ example: '2.1.0', description: 'Present when counting per version' })
  version?: string;

  @ApiProperty({ example: 42 })
  downloads: number;

  @ApiProperty({ format: 'date-time' })
  last_downloaded_at: string;
}
