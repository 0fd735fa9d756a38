import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { CustomerIdPipe } from '../common/id-params';
import { RequireScope } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CreatedCustomerDto, CustomerDto, CustomerPageDto } from './dto/customer-response.dto';
import { ListCustomersQueryDto } from './dto/list-customers.query';
import { ReactivateDto, StatusReasonDto } from './dto/status-change.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';

@ApiTags('customers')
@ApiAdminErrors()
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer and its first token (shown only in this response)' })
  @ApiCreatedResponse({ type: CreatedCustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'external_id already used' })
  @RequireScope('customers:write')
  async create(@Body() body: CreateCustomerDto): Promise<CreatedCustomerDto> {
    return this.customers.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List customers, oldest first, with filters' })
  @ApiOkResponse({ type: CustomerPageDto })
  @RequireScope('customers:read')
  async list(@Query() query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    return this.customers.list(query);
  }

  @Get('by-external/:externalId')
  @ApiOperation({ summary: 'Find a customer by the id your billing system knows it by' })
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:read')
  async byExternalId(@Param('externalId') externalId: string): Promise<CustomerDto> {
    return this.customers.getByExternalId(externalId);
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:read')
  async get(@Param('id', CustomerIdPipe) id: string): Promise<CustomerDto> {
    return this.customers.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change name, email, external_id, expires_at, on_expiry or billing_grace_days',
    description: 'A new external_id applies the billing events already received for it (late linking).',
  })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'external_id already used' })
  @RequireScope('customers:write')
  async update(@Param('id', CustomerIdPipe) id: string, @Body() body: UpdateCustomerDto): Promise<CustomerDto> {
    return this.customers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a customer with its tokens and grants' })
  @ApiNoContentResponse()
  @RequireScope('customers:write')
  async remove(@Param('id', CustomerIdPipe) id: string): Promise<void> {
    await this.customers.remove(id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Block all access (held against billing events until …/billing/resume); idempotent' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @RequireScope('customers:write')
  async suspend(@Param('id', CustomerIdPipe) id: string, @Body() body: StatusReasonDto): Promise<CustomerDto> {
    return this.customers.changeStatus(id, 'suspended', body.reason ?? null);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Restore full access to granted packages (held against billing events); idempotent',
    description:
      'With follow_billing: true, releases the admin hold instead and applies what the subscriptions call for.',
  })
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:write')
  async reactivate(@Param('id', CustomerIdPipe) id: string, @Body() body: ReactivateDto): Promise<CustomerDto> {
    return body.follow_billing
      ? this.customers.resumeBilling(id, true)
      : this.customers.changeStatus(id, 'active', null);
  }

  @Post(':id/billing/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Release the admin hold: the status follows billing again',
    description:
      "Applies at once what the customer's subscriptions call for (billing.status); with no subscription known, the status stays.",
  })
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:write')
  async resumeBilling(@Param('id', CustomerIdPipe) id: string): Promise<CustomerDto> {
    return this.customers.resumeBilling(id);
  }

  @Post(':id/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'End access (held against billing events until …/billing/resume); idempotent' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @RequireScope('customers:write')
  async expire(@Param('id', CustomerIdPipe) id: string, @Body() body: StatusReasonDto): Promise<CustomerDto> {
    return this.customers.changeStatus(id, 'expired', body.reason ?? null);
  }
}
