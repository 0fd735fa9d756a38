import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiAdminErrors()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @RequireScope('api-keys:manage')
  @ApiOperation({
    summary: 'Create a scoped API key for another service; the secret (pk_…) is shown only in this response',
    description:
      'Use it as `Authorization: Bearer pk_…`. A call outside its scopes answers 403 insufficient_scope naming the missing scope.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'api_key_name_taken' })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.apiKeys.create(body.name, body.scopes, body.expires_at);
    return { ...ApiKeyDto.from(key), key: secret };
  }

  @Get()
  @RequireScope('api-keys:manage')
  @ApiOperation({ summary: 'List API keys (never the secrets), with when each was last used' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.apiKeys.list()).map((key) => ApiKeyDto.from(key));
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequireScope('api-keys:manage')
  @ApiOperation({ summary: 'Revoke an API key; calls with it fail from the next request on' })
  @ApiNoContentResponse()
  async revoke(@Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(keyId);
  }
}
