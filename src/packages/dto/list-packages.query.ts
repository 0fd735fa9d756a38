import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { PACKAGE_NAME_MAX_LENGTH } from '../package-name';

export class ListPackagesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive search in the package name', example: 'acme/' })
  @IsOptional()
  @IsString()
  @MaxLength(PACKAGE_NAME_MAX_LENGTH)
  q?: string;
}
