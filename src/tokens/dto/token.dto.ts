import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDateTime } from '../../common/date-time';
import { CustomerToken } from '../customer-token.entity';

export class CreateTokenDto {
  @ApiPropertyOptional({ example: 'CI server', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    type: String,
    format: 'date-time',
    description: 'Must be in the future',
  })
  @IsOptional()
  @IsDateTime()
  expires_at?: Date;
}

export class TokenDto {
  @ApiProperty({ example: 'tkn_8Gq2Lm0Zp4Rt6Vx9Bc1D' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'CI server' })
  label: string | null;

  @ApiProperty({ example: 'tok_3kQ9xZ', description: 'First characters of the token, to recognise it' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  last_used_at: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  expires_at: string | null;

  static from(token: CustomerToken): TokenDto {
    return {
      id: token.id,
      label: token.label,
      prefix: token.prefix,
      created_at: token.createdAt.toISOString(),
      last_used_at: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
      expires_at: token.expiresAt ? token.expiresAt.toISOString() : null,
    };
  }
}

export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ example: 'tok_3kQ9xZ...', description: 'The secret; shown only in this response' })
  token: string;
}
