import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto, PageDtoOf } from '../../common/pagination.dto';
import { CUSTOMER_EVENT_TYPES, CustomerEvent, CustomerEventType } from '../customer-event.entity';

export class ListEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CUSTOMER_EVENT_TYPES })
  @IsOptional()
  @IsIn(CUSTOMER_EVENT_TYPES)
  type?: CustomerEventType;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  customer_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class EventDto {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty({ example: 'cust_4Fz9Qk2LmN8pR1sT6vW0' })
  customer_id: string;

  @ApiProperty({ enum: CUSTOMER_EVENT_TYPES })
  type: CustomerEventType;

  @ApiProperty({ example: 'admin', description: 'admin, key:<api key name>, stripe, paddle, system, or internal:<service>' })
  actor: string;

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;

  @ApiProperty({ nullable: true, type: Object, example: { status: 'active' } })
  before: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: Object, example: { status: 'suspended', reason: 'Payment failed' } })
  after: Record<string, unknown> | null;

  static from(event: CustomerEvent): EventDto {
    return {
      id: event.id,
      customer_id: event.customerId,
      type: event.type,
      actor: event.actor,
      occurred_at: event.occurredAt.toISOString(),
      before: event.before,
      after: event.after,
    };
  }
}

export class EventPageDto extends PageDtoOf(EventDto) {}
