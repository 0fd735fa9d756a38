import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PaginationQueryDto, PageDtoOf } from '../../common/pagination.dto';
import { PUBLISHED_EVENT_TYPES } from '../event-envelope';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

const EVENT_CHOICES = ['*', ...PUBLISHED_EVENT_TYPES];

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://billing.example.com/packyard/webhooks',
    description: 'http(s) URL that receives a signed POST per event',
  })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    enum: EVENT_CHOICES,
    isArray: true,
    example: ['customer.status_changed'],
    description: '"*" for every type',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: `each event must be "*" or one of: ${PUBLISHED_EVENT_TYPES.join(', ')}` })
  events: string[];

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 200,
    description: 'Signing secret; default: generated (whsec_…) and shown once',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;
}

export class WebhookDto {
  @ApiProperty({ example: 'whk_8Gq2Lm0Zp4Rt6Vx9Bc1D' })
  id: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ enum: EVENT_CHOICES, isArray: true })
  events: string[];

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(endpoint: WebhookEndpoint): WebhookDto {
    return {
      id: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      created_at: endpoint.createdAt.toISOString(),
    };
  }
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_…', description: 'The signing secret; shown only in this response' })
  secret: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ example: 'dlv_8Gq2Lm0Zp4Rt6Vx9Bc1D' })
  id: string;

  @ApiProperty({ example: 'evt_8Gq2Lm0Zp4Rt6Vx9Bc1D', description: 'The event id (the same in every redelivery)' })
  event_id: string;

  @ApiProperty({ example: 'customer.status_changed' })
  event_type: string;

  @ApiProperty({
    enum: ['pending', 'succeeded', 'failed'],
    description: 'failed: still refused when the retry window ended',
  })
  status: string;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 200,
    description: 'HTTP status of the last attempt; null when none came',
  })
  response_status: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 42, description: 'Duration of the last attempt' })
  duration_ms: number | null;

  @ApiProperty({ nullable: true, type: String })
  last_error: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  last_attempt_at: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  next_attempt_at: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  delivered_at: string | null;

  static from(delivery: WebhookDelivery): WebhookDeliveryDto {
    const iso = (date: Date | null) => (date ? date.toISOString() : null);
    return {
      id: delivery.id,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      status: delivery.status,
      attempts: delivery.attempts,
      response_status: delivery.responseStatus,
      duration_ms: delivery.durationMs,
      last_error: delivery.lastError,
      created_at: delivery.createdAt.toISOString(),
      last_attempt_at: iso(delivery.lastAttemptAt),
      next_attempt_at: iso(delivery.status === 'pending' ? delivery.nextAttemptAt : null),
      delivered_at: iso(delivery.deliveredAt),
    };
  }
}

export class WebhookDeliveryPageDto extends PageDtoOf(WebhookDeliveryDto) {}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed'])
  status?: 'pending' | 'succeeded' | 'failed';
}
