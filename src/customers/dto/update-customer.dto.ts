import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { CreateCustomerDto } from './create-customer.dto';

/**
 * Every field optional, but only external_id and expires_at may be null (to clear them): null for
 * name, email or on_expiry is refused by their validators instead of reaching a NOT NULL column.
 */
export class UpdateCustomerDto extends PartialType(CreateCustomerDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({
    description: 'null removes the external id',
    nullable: true,
    type: String,
    example: 'stripe_cus_abc123',
  })
  external_id?: string | null;

  @ApiPropertyOptional({ description: 'null removes the expiry', nullable: true, type: String, format: 'date-time' })
  expires_at?: Date | null;

  @ApiPropertyOptional({ description: 'null: follow BILLING_GRACE_DAYS', nullable: true, minimum: 0, maximum: 365 })
  billing_grace_days?: number | null;
}
