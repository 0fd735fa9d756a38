import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { CreateCustomerDto } from './create-customer.dto';

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {
  @ApiPropertyOptional({ description: 'null removes the external id', nullable: true, example: 'stripe_cus_abc123' })
  external_id?: string | null;

  @ApiPropertyOptional({ description: 'null removes the expiry', nullable: true, format: 'date-time' })
  expires_at?: string | null;

  @ApiPropertyOptional({ description: 'null: follow BILLING_GRACE_DAYS', nullable: true, minimum: 0, maximum: 365 })
  billing_grace_days?: number | null;
}
