import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessVersion } from '../common/access-version.service';
import { newId } from '../common/ids';
import { Clock } from '../common/clock';
import { ConflictError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';
import { isUniqueViolation } from '../database/database-errors';
import { HistoryService } from '../history/history.service';
import { TokensService } from '../tokens/tokens.service';
import { customerSnapshot, snapshotDiff } from './customer-snapshot';
import { CustomerNotFoundError, findCustomerOrFail, markAccessChanged } from './customer-lookup';
import { CustomerStatus, effectiveStatus, planStatusChange } from './customer-status';
import { Customer } from './customer.entity';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CreatedCustomerDto, CustomerDto, CustomerPageDto } from './dto/customer-response.dto';
import { ListCustomersQueryDto } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';

export class DuplicateExternalIdError extends ConflictError {
  constructor(externalId: string) {
    super('external_id_taken', `Another customer already has external_id "${excerpt(externalId)}"`, { external_id: externalId });
  }
}

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly accessVersion: AccessVersion,
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateCustomerDto): Promise<CreatedCustomerDto> {
    const externalId = input.external_id ?? null;
    try {
      const { customer, token } = await this.dataSource.transaction(async (manager) => {
        const customer = manager.create(Customer, {
          id: newId('cust'),
          name: input.name,
          email: input.email,
          externalId,
          status: 'active',
          statusReason: null,
          statusChangedAt: null,
          expiresAt: input.expires_at ?? null,
          onExpiry: input.on_expiry ?? 'freeze',
        });
        await manager.insert(Customer, customer);
        const created = await manager.findOneByOrFail(Customer, { id: customer.id });
        await this.history.record(manager, { customerId: customer.id, type: 'customer.created', after: customerSnapshot(created) });
        const { secret } = await this.tokens.issueWith(manager, customer.id, 'default', null);
        return { customer: created, token: secret };
      });
      return CreatedCustomerDto.fromCreated(customer, token, this.clock.now());
    } catch (error) {
      if (isUniqueViolation(error) && externalId) throw new DuplicateExternalIdError(externalId);
      throw error;
    }
  }

  async list(query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    const builder = this.dataSource.manager
      .createQueryBuilder(Customer, 'c')
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.status) {
      // effectiveStatus() in SQL: a passed expires_at counts before the sweep records it.
      builder.andWhere(
        `(CASE WHEN c.status IN ('active', 'suspended') AND c.expires_at <= :now
               THEN (CASE c.on_expiry WHEN 'expire' THEN 'expired' ELSE 'frozen' END)
               ELSE c.status END) = :status`,
        { status: query.status, now: this.clock.now() },
      );
    }
    if (query.email) builder.andWhere('lower(c.email) = lower(:email)', { email: query.email });
    if (query.external_id) builder.andWhere('c.external_id = :externalId', { externalId: query.external_id });
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('c.name ILIKE :pattern', { pattern });
    }
    const [data, total] = await builder.getManyAndCount();
    return { data: data.map((customer) => this.toDto(customer)), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<CustomerDto> {
    return this.toDto(await findCustomerOrFail(this.dataSource.manager, id));
  }

  async getByExternalId(externalId: string): Promise<CustomerDto> {
    const customer = await this.dataSource.manager.findOneBy(Customer, { externalId });
    if (!customer) throw new CustomerNotFoundError(`with external_id "${excerpt(externalId)}"`);
    return this.toDto(customer);
  }

  /** The response for a customer, with the status in force right now (a passed expires_at counts). */
  toDto(customer: Customer): CustomerDto {
    return CustomerDto.from(customer, this.clock.now());
  }

  async update(id: string, input: UpdateCustomerDto): Promise<CustomerDto> {
    try {
      const updated = await this.dataSource.transaction(async (manager) => {
        const customer = await findCustomerOrFail(manager, id, true);
        const before = customerSnapshot(customer);
        if (input.name !== undefined) customer.name = input.name;
        if (input.email !== undefined) customer.email = input.email;
        if (input.external_id !== undefined) customer.externalId = input.external_id;
        if (input.expires_at !== undefined) customer.expiresAt = input.expires_at;
        if (input.on_expiry !== undefined) customer.onExpiry = input.on_expiry;
        const diff = snapshotDiff(before, customerSnapshot(customer));
        if (!diff) return customer;
        await manager.save(customer);
        if (diff.after.expires_at !== undefined || diff.after.on_expiry !== undefined) await markAccessChanged(manager, id);
        await this.history.record(manager, { customerId: id, type: 'customer.updated', ...diff });
        return manager.findOneByOrFail(Customer, { id });
      });
      // expires_at and on_expiry decide access; cached repository views must not outlive them.
      this.accessVersion.bump();
      return this.toDto(updated);
    } catch (error) {
      if (isUniqueViolation(error) && input.external_id) throw new DuplicateExternalIdError(input.external_id);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const customer = await findCustomerOrFail(manager, id, true);
      // Tokens, grants and frozen versions go with it through ON DELETE CASCADE; history stays.
      await manager.delete(Customer, { id });
      await this.history.record(manager, { customerId: id, type: 'customer.deleted', before: customerSnapshot(customer) });
    });
    this.accessVersion.bump();
  }

  async changeStatus(id: string, target: CustomerStatus, reason: string | null): Promise<CustomerDto> {
    const customer = await this.dataSource.transaction((manager) => this.changeStatusWith(manager, id, target, reason));
    this.accessVersion.bump();
    return this.toDto(customer);
  }

  /** For callers that change more than the status in the same transaction (freezing). */
  async changeStatusWith(manager: EntityManager, id: string, target: CustomerStatus, reason: string | null): Promise<Customer> {
    const customer = await findCustomerOrFail(manager, id, true);
    const now = this.clock.now();
    // Rules apply to the status in force: a passed expires_at already made the customer expired or frozen.
    if (planStatusChange(effectiveStatus(customer, now), target) === 'unchanged' && customer.status === target) return customer;
    const before = { status: customer.status, status_reason: customer.statusReason };
    customer.status = target;
    customer.statusReason = reason;
    customer.statusChangedAt = now;
    // A reactivated customer starts a new period: an end date already passed would cut them off again at once.
    if (target === 'active' && customer.expiresAt && customer.expiresAt <= customer.statusChangedAt) customer.expiresAt = null;
    await manager.save(customer);
    await this.history.record(manager, {
      customerId: id,
      type: 'customer.status_changed',
      before,
      after: { status: target, status_reason: reason },
    });
    await markAccessChanged(manager, id);
    return manager.findOneByOrFail(Customer, { id });
  }
}
