import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsDateTime } from '../../common/date-time';
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
    type: String,
    maxLength: 200,
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
  @IsDateTime()
  expires_at?: Date | null;

  @ApiPropertyOptional({
    enum: ON_EXPIRY_ACTIONS,
    default: 'freeze',
    description: 'freeze: keep versions released before expires_at; expire: no access',
  })
  // Optional, but never null: the column has no "unset" value.
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(ON_EXPIRY_ACTIONS)
  on_expiry?: OnExpiry;

  @ApiPropertyOptional({
    default: true,
    description:
      'Whether the customer may create and revoke their own tokens in the customer portal (PORTAL_TOKEN_SELF_SERVICE=false turns it off for everyone)',
  })
  // Optional, but never null: the column has no "unset" value.
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  portal_token_self_service?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 365,
    nullable: true,
    example: 7,
    description:
      'Days a past-due subscription keeps access before billing suspends the customer; null or absent: BILLING_GRACE_DAYS',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  billing_grace_days?: number | null;
}
