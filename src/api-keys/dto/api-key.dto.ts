import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { ApiKey } from '../api-key.entity';
import { Scope, SCOPES } from '../../auth/scopes';

export const API_KEY_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-service', description: 'Lower-case identifier; history names the key `key:<name>`' })
  @IsString()
  @Matches(API_KEY_NAME_PATTERN, { message: 'name must be lower-case letters, digits, ".", "_" or "-" (at most 64)' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['customers:read', 'customers:write', 'access:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes: Scope[];

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    format: 'date-time',
    description: 'Must be in the future; default: never',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: 'key_8Gq2Lm0Zp4Rt6Vx9Bc1D' })
  id: string;

  @ApiProperty({ example: 'billing-service' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes: Scope[];

  @ApiProperty({ example: 'pk_3kQ9xZ', description: 'First characters of the secret, to recognise it' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  expires_at: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Updated at most every few seconds' })
  last_used_at: string | null;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      scopes: key.scopes as Scope[],
      prefix: key.prefix,
      created_at: key.createdAt.toISOString(),
      expires_at: key.expiresAt ? key.expiresAt.toISOString() : null,
      last_used_at: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'pk_3kQ9xZ…',
    description: 'The secret (Authorization: Bearer pk_…); shown only in this response',
  })
  key: string;
}
