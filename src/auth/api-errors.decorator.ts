import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';

/** The error answers every admin route can give, documented once. */
export function ApiAdminErrors() {
  return applyDecorators(
    ApiBearerAuth('admin'),
    ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input' }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong admin token' }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: 'A customer token was used, or the API key lacks the route scope (insufficient_scope)',
    }),
    ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such resource' }),
  );
}
