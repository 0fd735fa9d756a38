import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ON_EXPIRY_ACTIONS, OnExpiry } from '../customer-status';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCustomerDto {
  @ApiProperty({ example: 'Acme Corporation', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'dev@acme.com', maxLength: 320 })
  @Transform(trim)
  @IsString()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({
    example: 'stripe_cus_abc123',
    maxLength: 200,
    type: String,
    nullable: true,
    description: 'Id of this customer in your billing system; unique',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  external_id?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2027-01-01T00:00:00Z',
    description: 'End of the subscription; from this instant the customer is treated per on_expiry',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string | null;

  @ApiPropertyOptional({ enum: ON_EXPIRY_ACTIONS, default: 'freeze', description: 'freeze: keep versions released before expires_at; expire: no access' })
  @IsOptional()
  @IsIn(ON_EXPIRY_ACTIONS)
  on_expiry?: OnExpiry;
}
