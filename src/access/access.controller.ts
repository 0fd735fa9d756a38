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
import { ErrorResponseDto } from '../common/error-response.dto';
import { NotFoundError } from '../common/domain-error';
import { CustomerIdPipe } from '../common/id-params';
import { excerpt } from '../common/input-guard';
import { PackageNamePathPipe } from '../packages/package-name';
import { AccessService } from './access.service';
import { FreezeCustomerDto, FrozenCustomerDto, GrantAccessDto, GrantDto } from './dto/access.dto';

const grantPackagePipe = new PackageNamePathPipe(
  (name) => new NotFoundError('grant_not_found', `No grant for "${excerpt(name)}"`),
);

@ApiTags('access')
@ApiAdminErrors()
@Controller('api/v1/customers/:id')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('packages')
  @ApiOperation({ summary: 'Grant a package under a Composer constraint; a second grant replaces the constraint' })
  @ApiCreatedResponse({ type: GrantDto, description: 'New grant' })
  @ApiOkResponse({ type: GrantDto, description: 'Constraint of an existing grant replaced' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid constraint' })
  @RequireScope('access:write')
  async grant(
    @Param('id', CustomerIdPipe) customerId: string,
    @Body() body: GrantAccessDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GrantDto> {
    const { grant, created } = await this.access.grant(customerId, body.package, body.constraint);
    response.status(created ? 201 : 200);
    return grant;
  }

  @Get('packages')
  @ApiOperation({ summary: "List a customer's grants" })
  @ApiOkResponse({ type: [GrantDto] })
  @RequireScope('customers:read')
  async list(@Param('id', CustomerIdPipe) customerId: string): Promise<GrantDto[]> {
    return this.access.list(customerId);
  }

  @Delete('packages/*package')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a grant; the name may be URL-encoded (vendor%2Fpackage) or plain (vendor/package)' })
  @ApiParam({ name: 'package', example: 'vendor%2Fpackage' })
  @ApiNoContentResponse()
  @RequireScope('access:write')
  async revoke(
    @Param('id', CustomerIdPipe) customerId: string,
    // Typed as what Express gives (a plain vendor/package arrives as segments): a parameter typed
    // string would be joined with commas by the global ValidationPipe before this pipe sees it.
    @Param('package') segments: string[] | string,
  ): Promise<void> {
    await this.access.revoke(customerId, grantPackagePipe.transform(segments));
  }

  @Post('freeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock the customer to exact versions (subscription ended, existing installs keep working)' })
  @ApiOkResponse({ type: FrozenCustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid version' })
  @RequireScope('access:write')
  async freeze(
    @Param('id', CustomerIdPipe) customerId: string,
    @Body() body: FreezeCustomerDto,
  ): Promise<FrozenCustomerDto> {
    return body.versions
      ? this.access.freeze(
          customerId,
          body.versions.map((pin) => ({ packageName: pin.package, version: pin.version })),
          body.reason ?? null,
        )
      : this.access.freezeToCurrentAccess(customerId, body.reason ?? null);
  }
}
