import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

export class StatusReasonDto {
  @ApiPropertyOptional({
    example: 'Payment failed',
    maxLength: 1000,
    description: 'Kept for the admin; never shown to the customer',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class ReactivateDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'true: instead of holding the customer active, release the admin hold and apply what their subscriptions call for ' +
      '(active when billing knows none)',
  })
  // Optional, but never null: absent means false.
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  follow_billing?: boolean;
}
