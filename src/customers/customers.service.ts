import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { newId } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { Clock } from '../common/clock';
import { BadRequestError, ConflictError } from '../common/domain-error';
import { HistoryService } from '../history/history.service';
import { TokensService } from '../tokens/tokens.service';
import { customerSnapshot, snapshotDiff } from './customer-snapshot';
import { CustomerNotFoundError, findCustomerOrFail, markAccessChanged } from './customer-lookup';
import { CustomerStatus, effectiveStatus, planStatusChange } from './customer-status';
import { Customer } from './customer.entity';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { ListCustomersQueryDto } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';

export class DuplicateExternalIdError extends ConflictError {
  constructor(externalId: string) {
    super('external_id_taken', `Another customer already has external_id "${externalId}"`, { external_id: externalId });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly door: ChangeDoor,
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateCustomerDto): Promise<{ customer: Customer; token: string }> {
    const externalId = input.external_id ?? null;
    try {
      return await this.door.run(async (unit) => {
        const manager = unit.manager;
        const customer = manager.create(Customer, {
          id: newId('cust'),
          name: input.name,
          email: input.email,
          externalId,
          status: 'active',
          statusReason: null,
          statusChangedAt: null,
          expiresAt: parseExpiry(input.expires_at),
          onExpiry: input.on_expiry ?? 'freeze',
          portalTokenSelfService: input.portal_token_self_service ?? true,
        });
        await manager.insert(Customer, customer);
        const created = await manager.findOneByOrFail(Customer, { id: customer.id });
        await this.history.record(unit, { customerId: customer.id, type: 'customer.created', after: customerSnapshot(created) });
        const { secret } = await this.tokens.issueWith(unit, customer.id, 'default', null);
        return { customer: created, token: secret };
      });
    } catch (error) {
      if (isUniqueViolation(error) && externalId) throw new DuplicateExternalIdError(externalId);
      throw error;
    }
  }

  async list(query: ListCustomersQueryDto): Promise<Page<Customer>> {
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
    return { data, total, limit: query.limit, offset: query.offset };
  }

  get(id: string): Promise<Customer> {
    return findCustomerOrFail(this.dataSource.manager, id);
  }

  async getByExternalId(externalId: string): Promise<Customer> {
    const customer = await this.dataSource.manager.findOneBy(Customer, { externalId });
    if (!customer) throw new CustomerNotFoundError(`with external_id "${externalId}"`);
    return customer;
  }

  async update(id: string, input: UpdateCustomerDto): Promise<Customer> {
    try {
      // expires_at and on_expiry decide access; the door drops cached views of this customer.
      return await this.door.run(async (unit) => {
        const manager = unit.manager;
        const customer = await findCustomerOrFail(manager, id, true);
        const before = customerSnapshot(customer);
        if (input.name !== undefined) customer.name = input.name;
        if (input.email !== undefined) customer.email = input.email;
        if (input.external_id !== undefined) customer.externalId = input.external_id;
        if (input.expires_at !== undefined) customer.expiresAt = parseExpiry(input.expires_at);
        if (input.on_expiry !== undefined) customer.onExpiry = input.on_expiry;
        if (input.portal_token_self_service !== undefined) customer.portalTokenSelfService = input.portal_token_self_service;
        const diff = snapshotDiff(before, customerSnapshot(customer));
        if (!diff) return customer;
        await manager.save(customer);
        if (diff.after.expires_at !== undefined || diff.after.on_expiry !== undefined) await markAccessChanged(manager, id);
        await this.history.record(unit, { customerId: id, type: 'customer.updated', ...diff });
        return manager.findOneByOrFail(Customer, { id });
      });
    } catch (error) {
      if (isUniqueViolation(error) && input.external_id) throw new DuplicateExternalIdError(input.external_id);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    await this.door.run(async (unit) => {
      const customer = await findCustomerOrFail(unit.manager, id, true);
      // Tokens, grants and frozen versions go with it through ON DELETE CASCADE; history stays.
      await unit.manager.delete(Customer, { id });
      await this.history.record(unit, { customerId: id, type: 'customer.deleted', before: customerSnapshot(customer) });
    });
  }

  /** Joins the caller's unit of work when there is one (freezing changes the pins in the same transaction). */
  changeStatus(id: string, target: CustomerStatus, reason: string | null): Promise<Customer> {
    return this.door.run(async (unit) => {
      const manager = unit.manager;
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
      await this.history.record(unit, {
        customerId: id,
        type: 'customer.status_changed',
        before,
        after: { status: target, status_reason: reason },
      });
      await markAccessChanged(manager, id);
      return manager.findOneByOrFail(Customer, { id });
    });
  }
}

function parseExpiry(value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequestError('invalid_expires_at', `expires_at "${value}" is not a valid date`);
  return date;
}
