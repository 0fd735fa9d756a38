import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { CustomerIdPipe, TokenIdPipe } from '../common/id-params';
import { RequireScope } from '../auth/auth.decorators';
import { CreateTokenDto, IssuedTokenDto, TokenDto } from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ApiAdminErrors()
@Controller('api/v1/customers/:id/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an additional token; the secret is shown only in this response' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @RequireScope('tokens:write')
  async issue(@Param('id', CustomerIdPipe) customerId: string, @Body() body: CreateTokenDto): Promise<IssuedTokenDto> {
    return this.tokens.issue(customerId, body.label, body.expires_at);
  }

  @Get()
  @ApiOperation({ summary: "List a customer's tokens (never the secrets)" })
  @ApiOkResponse({ type: [TokenDto] })
  @RequireScope('customers:read')
  async list(@Param('id', CustomerIdPipe) customerId: string): Promise<TokenDto[]> {
    return this.tokens.list(customerId);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token; Composer requests with it fail from the next request on' })
  @ApiNoContentResponse()
  @RequireScope('tokens:write')
  async revoke(
    @Param('id', CustomerIdPipe) customerId: string,
    @Param('tokenId', TokenIdPipe) tokenId: string,
  ): Promise<void> {
    await this.tokens.revoke(customerId, tokenId);
  }
}
