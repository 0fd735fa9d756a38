import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Every portal form carries the session's CSRF token; a missing one is refused with 403, not a validation error. */
export class CsrfForm {
  @ApiPropertyOptional({ description: 'The CSRF token of the session, from the hidden form field' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  _csrf?: string;
}

export class SignInForm extends CsrfForm {
  @ApiProperty({ description: 'One of the customer’s tokens' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'Paste your token to sign in' })
  @MaxLength(200)
  token: string;
}

export class CreateTokenForm extends CsrfForm {
  @ApiProperty({ example: 'GitHub Actions', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'Give the token a label, e.g. the CI system that will use it' })
  @MaxLength(200)
  label: string;

  @ApiPropertyOptional({ example: '2027-01-31', description: 'Last day the token works (UTC); empty: no expiry' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^(\d{4}-\d{2}-\d{2})?$/, { message: 'expires_on must be a date (YYYY-MM-DD)' })
  expires_on?: string;
}
