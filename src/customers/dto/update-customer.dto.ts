import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { CreateCustomerDto } from './create-customer.dto';

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {
  @ApiPropertyOptional({ type: String, description: 'null removes the external id', nullable: true, example: 'stripe_cus_abc123' })
  external_id?: string | null;

  @ApiPropertyOptional({ type: String, description: 'null removes the expiry', nullable: true, format: 'date-time' })
  expires_at?: string | null;
}
