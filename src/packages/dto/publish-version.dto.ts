import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDateTime } from '../../common/date-time';
import { MAX_VERSION_LENGTH } from '../published-version';

/** The text fields of the multipart upload; the zip itself is the file field `archive`. */
export class PublishVersionDto {
  @ApiPropertyOptional({
    example: '2.1.0',
    maxLength: MAX_VERSION_LENGTH,
    description: 'Composer version (2.1.0, v2.1.0, 2.1.0-RC1, dev-main, 2.x-dev); required when composer.json has none',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_VERSION_LENGTH)
  version?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2024-01-15T10:30:00Z',
    description: 'Release time; default: now',
  })
  @IsOptional()
  @IsDateTime()
  released_at?: Date;
}
