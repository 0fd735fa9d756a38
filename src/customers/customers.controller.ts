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
import { RequireScope } from '../auth/auth.decorators';
import { Clock } from '../common/clock';
import { ErrorResponseDto } from '../common/error-response.dto';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CreatedCustomerDto, CustomerDto, CustomerPageDto } from './dto/customer-response.dto';
import { ListCustomersQueryDto } from './dto/list-customers.query';
import { StatusReasonDto } from './dto/status-change.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';

@ApiTags('customers')
@ApiAdminErrors()
@Controller('api/v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer and its first token (shown only in this response)' })
  @ApiCreatedResponse({ type: CreatedCustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'external_id already used' })
  @RequireScope('customers:write')
  async create(@Body() body: CreateCustomerDto): Promise<CreatedCustomerDto> {
    const { customer, token } = await this.customers.create(body);
    return CreatedCustomerDto.fromCreated(customer, token);
  }

  @Get()
  @ApiOperation({ summary: 'List customers, oldest first, with filters' })
  @ApiOkResponse({ type: CustomerPageDto })
  @RequireScope('customers:read')
  async list(@Query() query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    const page = await this.customers.list(query);
    return { ...page, data: page.data.map((customer) => CustomerDto.from(customer, this.clock.now())) };
  }

  @Get('by-external/:externalId')
  @ApiOperation({ summary: 'Find a customer by the id your billing system knows it by' })
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:read')
  async byExternalId(@Param('externalId') externalId: string): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.getByExternalId(externalId), this.clock.now());
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:read')
  async get(@Param('id') id: string): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.get(id), this.clock.now());
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, email or external_id' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'external_id already used' })
  @RequireScope('customers:write')
  async update(@Param('id') id: string, @Body() body: UpdateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.update(id, body), this.clock.now());
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a customer with its tokens and grants' })
  @ApiNoContentResponse()
  @RequireScope('customers:write')
  async remove(@Param('id') id: string): Promise<void> {
    await this.customers.remove(id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Block all access (e.g. payment failed); idempotent' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @RequireScope('customers:write')
  async suspend(@Param('id') id: string, @Body() body: StatusReasonDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.changeStatus(id, 'suspended', body.reason ?? null), this.clock.now());
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore full access to granted packages; idempotent' })
  @ApiOkResponse({ type: CustomerDto })
  @RequireScope('customers:write')
  async reactivate(@Param('id') id: string): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.changeStatus(id, 'active', null), this.clock.now());
  }

  @Post(':id/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'End access (subscription over); idempotent' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not allowed from the current status' })
  @RequireScope('customers:write')
  async expire(@Param('id') id: string, @Body() body: StatusReasonDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.changeStatus(id, 'expired', body.reason ?? null), this.clock.now());
  }
}
