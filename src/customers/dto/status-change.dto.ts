import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class StatusReasonDto {
  @ApiPropertyOptional({ example: 'Payment failed', maxLength: 1000, description: 'Kept for the admin; never shown to the customer' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
