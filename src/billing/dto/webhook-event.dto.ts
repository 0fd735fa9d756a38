import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageDtoOf, PaginationQueryDto } from '../../common/pagination.dto';
import { CUSTOMER_STATUSES, CustomerStatus } from '../../customers/customer-status';
import { BILLING_PROVIDERS, BillingProvider } from '../billing-state';
import { WEBHOOK_OUTCOMES, WebhookEvent, WebhookOutcome } from '../webhook-event.entity';

export class ListWebhookEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: BILLING_PROVIDERS })
  @IsOptional()
  @IsIn(BILLING_PROVIDERS)
  provider?: BillingProvider;

  @ApiPropertyOptional({ example: 'invoice.payment_failed', description: "The provider's event type, exactly" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_OUTCOMES })
  @IsOptional()
  @IsIn(WEBHOOK_OUTCOMES)
  outcome?: WebhookOutcome;

  @ApiPropertyOptional({
    example: 'cus_NffrFeUfNV2Hib',
    description: 'A Packyard customer id (cust_…) or the provider customer id (external_id)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customer?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class WebhookEventDto {
  @ApiProperty({ enum: BILLING_PROVIDERS })
  provider: BillingProvider;

  @ApiProperty({ example: 'evt_1QXyZ2AbCdEfGhIj', description: "The provider's event id" })
  event_id: string;

  @ApiProperty({ example: 'customer.subscription.updated' })
  type: string;

  @ApiProperty({ format: 'date-time' })
  received_at: string;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: "The provider's own event time (Stripe created, Paddle occurred_at)",
  })
  occurred_at: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The Packyard customer it concerned (set when a kept event is linked later)',
  })
  customer_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'cus_NffrFeUfNV2Hib' })
  external_customer_id: string | null;

  @ApiProperty({ enum: WEBHOOK_OUTCOMES })
  outcome: WebhookOutcome;

  @ApiProperty({
    enum: CUSTOMER_STATUSES,
    nullable: true,
    description: 'The status billing called for after this event (also when an admin hold kept it)',
  })
  billing_status: CustomerStatus | null;

  static from(row: WebhookEvent): WebhookEventDto {
    return {
      provider: row.provider,
      event_id: row.eventId,
      type: row.type,
      received_at: row.receivedAt.toISOString(),
      occurred_at: row.occurredAt ? row.occurredAt.toISOString() : null,
      customer_id: row.customerId,
      external_customer_id: row.externalCustomerId,
      outcome: row.outcome,
      billing_status: row.billingStatus,
    };
  }
}

export class WebhookEventPageDto extends PageDtoOf(WebhookEventDto) {}
