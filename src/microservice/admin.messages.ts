import { Controller, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RequireScope } from '../auth/auth.decorators';
import { PaginationQueryDto } from '../common/pagination.dto';
import { CustomersService } from '../customers/customers.service';
import { CreateCustomerDto } from '../customers/dto/create-customer.dto';
import { CreatedCustomerDto, CustomerDto, CustomerPageDto } from '../customers/dto/customer-response.dto';
import { ListCustomersQueryDto } from '../customers/dto/list-customers.query';
import { StatusReasonDto } from '../customers/dto/status-change.dto';
import { UpdateCustomerDto } from '../customers/dto/update-customer.dto';
import { AccessService } from '../access/access.service';
import { FreezeCustomerDto, FrozenCustomerDto, GrantAccessDto, GrantDto } from '../access/dto/access.dto';
import { TokensService } from '../tokens/tokens.service';
import { CreateTokenDto, IssuedTokenDto, TokenDto } from '../tokens/dto/token.dto';
import { HistoryService } from '../history/history.service';
import { EventPageDto, ListEventsQueryDto } from '../history/dto/event.dto';
import { DownloadsService } from '../composer-repository/downloads.service';
import { DownloadCountDto, DownloadCountsQueryDto, DownloadPageDto } from '../composer-repository/dto/download.dto';
import { PackagesService } from '../packages/packages.service';
import { ListPackagesQueryDto } from '../packages/dto/list-packages.query';
import { PackageDetailDto, PackagePageDto } from '../packages/dto/package-response.dto';
import { RpcActorInterceptor } from './rpc-actor.interceptor';
import {
  CustomerPackageParams,
  CustomerParams,
  CustomerTokenParams,
  ExternalIdParams,
  PackageParams,
  PackageVersionParams,
} from './rpc-params.dto';

/**
 * The admin API as message patterns (TCP or NATS): the same services, DTOs, validation, scopes,
 * error codes, history and events as the HTTP routes. Messages are `{api_key, params?, body?}`.
 * Publishing a version stays HTTP-only (it is a file upload).
 */
@Controller()
@UseInterceptors(RpcActorInterceptor)
export class CustomersMessages {
  constructor(private readonly customers: CustomersService) {}

  @MessagePattern('customers.create')
  @RequireScope('customers:write')
  async create(@Payload('body') body: CreateCustomerDto): Promise<CreatedCustomerDto> {
    return this.customers.create(body);
  }

  @MessagePattern('customers.list')
  @RequireScope('customers:read')
  async list(@Payload('body') query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    return this.customers.list(query);
  }

  @MessagePattern('customers.get')
  @RequireScope('customers:read')
  async get(@Payload('params') params: CustomerParams): Promise<CustomerDto> {
    return this.customers.get(params.id);
  }

  @MessagePattern('customers.get_by_external_id')
  @RequireScope('customers:read')
  async getByExternalId(@Payload('params') params: ExternalIdParams): Promise<CustomerDto> {
    return this.customers.getByExternalId(params.externalId);
  }

  @MessagePattern('customers.update')
  @RequireScope('customers:write')
  async update(
    @Payload('params') params: CustomerParams,
    @Payload('body') body: UpdateCustomerDto,
  ): Promise<CustomerDto> {
    return this.customers.update(params.id, body);
  }

  @MessagePattern('customers.delete')
  @RequireScope('customers:write')
  async remove(@Payload('params') params: CustomerParams): Promise<null> {
    await this.customers.remove(params.id);
    return null;
  }

  @MessagePattern('customers.suspend')
  @RequireScope('customers:write')
  async suspend(
    @Payload('params') params: CustomerParams,
    @Payload('body') body: StatusReasonDto,
  ): Promise<CustomerDto> {
    return this.customers.changeStatus(params.id, 'suspended', body.reason ?? null);
  }

  @MessagePattern('customers.reactivate')
  @RequireScope('customers:write')
  async reactivate(@Payload('params') params: CustomerParams): Promise<CustomerDto> {
    return this.customers.changeStatus(params.id, 'active', null);
  }

  @MessagePattern('customers.expire')
  @RequireScope('customers:write')
  async expire(
    @Payload('params') params: CustomerParams,
    @Payload('body') body: StatusReasonDto,
  ): Promise<CustomerDto> {
    return this.customers.changeStatus(params.id, 'expired', body.reason ?? null);
  }
}

@Controller()
@UseInterceptors(RpcActorInterceptor)
export class AccessMessages {
  constructor(
    private readonly access: AccessService,
    private readonly tokens: TokensService,
  ) {}

  @MessagePattern('access.grant')
  @RequireScope('access:write')
  async grant(@Payload('params') params: CustomerParams, @Payload('body') body: GrantAccessDto): Promise<GrantDto> {
    return (await this.access.grant(params.id, body.package, body.constraint)).grant;
  }

  @MessagePattern('access.list')
  @RequireScope('customers:read')
  async list(@Payload('params') params: CustomerParams): Promise<GrantDto[]> {
    return this.access.list(params.id);
  }

  @MessagePattern('access.revoke')
  @RequireScope('access:write')
  async revoke(@Payload('params') params: CustomerPackageParams): Promise<null> {
    await this.access.revoke(params.id, params.package);
    return null;
  }

  @MessagePattern('access.freeze')
  @RequireScope('access:write')
  async freeze(
    @Payload('params') params: CustomerParams,
    @Payload('body') body: FreezeCustomerDto,
  ): Promise<FrozenCustomerDto> {
    return body.versions
      ? this.access.freeze(
          params.id,
          body.versions.map((pin) => ({ packageName: pin.package, version: pin.version })),
          body.reason ?? null,
        )
      : this.access.freezeToCurrentAccess(params.id, body.reason ?? null);
  }

  @MessagePattern('tokens.issue')
  @RequireScope('tokens:write')
  async issueToken(
    @Payload('params') params: CustomerParams,
    @Payload('body') body: CreateTokenDto,
  ): Promise<IssuedTokenDto> {
    return this.tokens.issue(params.id, body.label, body.expires_at);
  }

  @MessagePattern('tokens.list')
  @RequireScope('customers:read')
  async listTokens(@Payload('params') params: CustomerParams): Promise<TokenDto[]> {
    return this.tokens.list(params.id);
  }

  @MessagePattern('tokens.revoke')
  @RequireScope('tokens:write')
  async revokeToken(@Payload('params') params: CustomerTokenParams): Promise<null> {
    await this.tokens.revoke(params.id, params.tokenId);
    return null;
  }
}

@Controller()
@UseInterceptors(RpcActorInterceptor)
export class CatalogMessages {
  constructor(
    private readonly packages: PackagesService,
    private readonly history: HistoryService,
    private readonly downloads: DownloadsService,
  ) {}

  @MessagePattern('packages.list')
  @RequireScope('packages:read')
  async listPackages(@Payload('body') query: ListPackagesQueryDto): Promise<PackagePageDto> {
    return this.packages.list(query);
  }

  @MessagePattern('packages.get')
  @RequireScope('packages:read')
  async getPackage(@Payload('params') params: PackageParams): Promise<PackageDetailDto> {
    return this.packages.get(`${params.vendor}/${params.name}`);
  }

  @MessagePattern('packages.delete_version')
  @RequireScope('packages:write')
  async deleteVersion(@Payload('params') params: PackageVersionParams): Promise<null> {
    await this.packages.deleteVersion(`${params.vendor}/${params.name}`, params.version);
    return null;
  }

  @MessagePattern('packages.delete')
  @RequireScope('packages:write')
  async deletePackage(@Payload('params') params: PackageParams): Promise<null> {
    await this.packages.deletePackage(`${params.vendor}/${params.name}`);
    return null;
  }

  @MessagePattern('events.list')
  @RequireScope('events:read')
  async events(@Payload('body') query: ListEventsQueryDto): Promise<EventPageDto> {
    return this.history.search(query);
  }

  @MessagePattern('events.for_customer')
  @RequireScope('events:read')
  async customerEvents(
    @Payload('params') params: CustomerParams,
    @Payload('body') query: PaginationQueryDto,
  ): Promise<EventPageDto> {
    return this.history.forCustomer(params.id, query.limit, query.offset);
  }

  @MessagePattern('downloads.for_customer')
  @RequireScope('customers:read')
  async customerDownloads(
    @Payload('params') params: CustomerParams,
    @Payload('body') query: PaginationQueryDto,
  ): Promise<DownloadPageDto> {
    return this.downloads.forCustomer(params.id, query.limit, query.offset);
  }

  @MessagePattern('downloads.counts')
  @RequireScope('packages:read')
  counts(@Payload('body') query: DownloadCountsQueryDto): Promise<DownloadCountDto[]> {
    return this.downloads.counts(query);
  }
}
