import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'customer_not_found', description: 'Stable machine-readable code' })
  error: string;

  @ApiProperty({ example: 'No customer with id "cust_abc"' })
  message: string;

  @ApiPropertyOptional({
    description: 'Extra facts about the error; validation errors list the fields',
    example: { fields: [{ field: 'email', problems: ['email must be an email'] }] },
  })
  details?: Record<string, unknown>;
}
