import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import { Clock } from '../common/clock';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NotFoundError } from '../common/domain-error';
import { CustomerDto } from '../customers/dto/customer-response.dto';
import { isValidPackageName, PACKAGE_NAME_RULE } from '../packages/package-name';
import { AccessService } from './access.service';
import { FreezeCustomerDto, FrozenCustomerDto, FrozenVersionDto, GrantAccessDto, GrantDto } from './dto/access.dto';

/** Express 5 hands a `*name` wildcard over as its path segments. */
function packageFromPath(segments: string[] | string): string {
  const name = (Array.isArray(segments) ? segments : [segments]).join('/');
  if (!isValidPackageName(name)) throw new NotFoundError('grant_not_found', `No grant for "${name}": ${PACKAGE_NAME_RULE}`);
  return name;
}

@ApiTags('access')
@ApiAdminErrors()
@Controller('api/v1/customers/:id')
export class AccessController {
  constructor(
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  @Post('packages')
  @ApiOperation({ summary: 'Grant a package under a Composer constraint; a second grant replaces the constraint' })
  @ApiCreatedResponse({ type: GrantDto, description: 'New grant' })
  @ApiOkResponse({ type: GrantDto, description: 'Constraint of an existing grant replaced' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid constraint' })
  @RequireScope('access:write')
  async grant(
    @Param('id') customerId: string,
    @Body() body: GrantAccessDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GrantDto> {
    const { grant, created } = await this.access.grant(customerId, body.package, body.constraint);
    response.status(created ? 201 : 200);
    return GrantDto.from(grant);
  }

  @Get('packages')
  @ApiOperation({ summary: "List a customer's grants" })
  @ApiOkResponse({ type: [GrantDto] })
  @RequireScope('customers:read')
  async list(@Param('id') customerId: string): Promise<GrantDto[]> {
    return (await this.access.list(customerId)).map((grant) => GrantDto.from(grant));
  }

  @Delete('packages/*package')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a grant; the name may be URL-encoded (vendor%2Fpackage) or plain (vendor/package)' })
  @ApiParam({ name: 'package', example: 'vendor%2Fpackage' })
  @ApiNoContentResponse()
  @RequireScope('access:write')
  async revoke(@Param('id') customerId: string, @Param('package') segments: string[] | string): Promise<void> {
    await this.access.revoke(customerId, packageFromPath(segments));
  }

  @Post('freeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock the customer to exact versions (subscription ended, existing installs keep working)' })
  @ApiOkResponse({ type: FrozenCustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid version' })
  @RequireScope('access:write')
  async freeze(@Param('id') customerId: string, @Body() body: FreezeCustomerDto): Promise<FrozenCustomerDto> {
    const { customer, frozen } = body.versions
      ? await this.access.freeze(
          customerId,
          body.versions.map((pin) => ({ packageName: pin.package, version: pin.version })),
          body.reason ?? null,
        )
      : await this.access.freezeToCurrentAccess(customerId, body.reason ?? null);
    return { ...CustomerDto.from(customer, this.clock.now()), frozen_versions: frozen.map((row) => FrozenVersionDto.from(row)) };
  }
}
