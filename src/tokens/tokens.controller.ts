import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
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
  async issue(@Param('id') customerId: string, @Body() body: CreateTokenDto): Promise<IssuedTokenDto> {
    const { record, secret } = await this.tokens.issue(customerId, body.label, body.expires_at);
    return { ...TokenDto.from(record), token: secret };
  }

  @Get()
  @ApiOperation({ summary: "List a customer's tokens (never the secrets)" })
  @ApiOkResponse({ type: [TokenDto] })
  @RequireScope('customers:read')
  async list(@Param('id') customerId: string): Promise<TokenDto[]> {
    return (await this.tokens.list(customerId)).map((token) => TokenDto.from(token));
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token; Composer requests with it fail from the next request on' })
  @ApiNoContentResponse()
  @RequireScope('tokens:write')
  async revoke(@Param('id') customerId: string, @Param('tokenId') tokenId: string): Promise<void> {
    await this.tokens.revoke(customerId, tokenId);
  }
}
