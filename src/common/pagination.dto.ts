import { Type as NestType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset: number = 0;
}

export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The documented response class for a page of `item`s. Swagger needs a concrete class per item
 * type; this builds it, so each module declares `class XPageDto extends PageDtoOf(XDto) {}`.
 */
export function PageDtoOf<T>(item: NestType<T>) {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    data: T[];

    @ApiProperty({ example: 1 })
    total: number;

    @ApiProperty({ example: 50 })
    limit: number;

    @ApiProperty({ example: 0 })
    offset: number;
  }
  return PageDto;
}
