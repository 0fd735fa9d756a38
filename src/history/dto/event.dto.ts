import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDateTime } from '../../common/date-time';
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

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Events at or after this instant' })
  @IsOptional()
  @IsDateTime()
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Events before this instant' })
  @IsOptional()
  @IsDateTime()
  until?: Date;
}

export class EventDto {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty({ example: 'cust_4Fz9Qk2LmN8pR1sT6vW0' })
  customer_id: string;

  @ApiProperty({ enum: CUSTOMER_EVENT_TYPES })
  type: CustomerEventType;

  @ApiProperty({
    example: 'admin',
    description: 'admin, key:<api key name>, stripe, paddle, system, or internal:<service>',
  })
  actor: string;

  @ApiProperty({ format: 'date-time' })
  occurred_at: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'evt_1QXyZ2AbCdEfGhIj',
    description: 'The billing provider event that caused the change',
  })
  provider_event_id: string | null;

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
      provider_event_id: event.providerEventId,
      before: event.before,
      after: event.after,
    };
  }
}

export class EventPageDto extends PageDtoOf(EventDto) {}
