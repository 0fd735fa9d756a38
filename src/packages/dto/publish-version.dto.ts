import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ValidationFailedError } from '../../common/domain-error';
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

  @ApiPropertyOptional({ format: 'date-time', example: '2024-01-15T10:30:00Z', description: 'Release time; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$|(Z|[+-]\d{2}(:?\d{2})?)$/i, { message: 'released_at must name its time zone (Z or ±hh:mm)' })
  released_at?: string;
}

export function releasedAtOf(body: PublishVersionDto): Date | undefined {
  if (body.released_at === undefined) return undefined;
  const date = new Date(body.released_at);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationFailedError([{ field: 'released_at', problems: ['released_at must be a calendar date and time'] }]);
  }
  return date;
}
