import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { nextChangeStamp } from '../common/change-clock';
import { ID_PATTERN } from '../common/ids';
import { CustomerStatus } from './customer-status';
import { Customer } from './customer.entity';
import { CustomerNotFoundError } from './customers.errors';

/**
 * hasLapsed() (customer-status.ts) in SQL, for a customers row aliased `c`: the customer's
 * expires_at has passed while they were active or suspended. The two must say the same thing.
 */
const LAPSED_SQL = `c.status IN ('active', 'suspended') AND c.expires_at <= :now`;

/** effectiveStatus() (customer-status.ts) in SQL: a lapsed customer counts as their on_expiry status. */
const EFFECTIVE_STATUS_SQL = `(CASE WHEN ${LAPSED_SQL}
       THEN (CASE c.on_expiry WHEN 'expire' THEN 'expired' ELSE 'frozen' END)
       ELSE c.status END)`;

export interface CustomerSearch {
  limit: number;
  offset: number;
  /** Compared with the status in force at `now`, not the stored one. */
  status?: CustomerStatus;
  now: Date;
  email?: string;
  externalId?: string;
  /** A part of the name, case-insensitive. */
  nameContains?: string;
}

export type CustomerBillingFields = Pick<Customer, 'billingStatus' | 'billingReason' | 'billingReviewAt'>;

/**
 * The `customers` table. Inside a unit of work (ChangeDoor.run) every method runs on the unit's
 * transaction, so a read sees the change's own writes and a lock lasts until it commits.
 */
@Injectable()
export class CustomerRepository {
  constructor(private readonly door: ChangeDoor) {}

  private get manager(): EntityManager {
    return this.door.manager;
  }

  async findOrFail(id: string): Promise<Customer> {
    return this.found(id, ID_PATTERN.test(id) ? await this.manager.findOneBy(Customer, { id }) : null);
  }

  /**
   * The row, locked until the unit commits: concurrent status changes and grants on one customer
   * serialize instead of interleaving.
   */
  async lockForUpdate(id: string): Promise<Customer> {
    const customer = ID_PATTERN.test(id)
      ? await this.manager.findOne(Customer, { where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    return this.found(id, customer);
  }

  findByExternalId(externalId: string): Promise<Customer | null> {
    return this.manager.findOneBy(Customer, { externalId });
  }

  lockByExternalId(externalId: string): Promise<Customer | null> {
    return this.manager.findOne(Customer, { where: { externalId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Inserts the customer and returns the row as stored (defaults and timestamps filled in). */
  async insert(customer: Partial<Customer>): Promise<Customer> {
    const row = this.manager.create(Customer, customer);
    await this.manager.insert(Customer, row);
    return this.manager.findOneByOrFail(Customer, { id: row.id });
  }

  /** Writes the changed fields of a loaded customer. */
  async save(customer: Customer): Promise<void> {
    await this.manager.save(customer);
  }

  reload(id: string): Promise<Customer> {
    return this.manager.findOneByOrFail(Customer, { id });
  }

  /** Tokens, grants and frozen versions go with it through ON DELETE CASCADE; history stays. */
  async delete(id: string): Promise<void> {
    await this.manager.delete(Customer, { id });
  }

  async setBillingHold(id: string, hold: boolean): Promise<void> {
    await this.manager.update(Customer, { id }, { billingHold: hold });
  }

  async setBillingFields(id: string, fields: CustomerBillingFields): Promise<void> {
    await this.manager.update(Customer, { id }, fields);
  }

  async clearBillingReview(id: string): Promise<void> {
    await this.manager.update(Customer, { id }, { billingReviewAt: null });
  }

  /** Moves the customer's Last-Modified forward: call in every unit that changes their access. */
  async markAccessChanged(id: string): Promise<void> {
    await this.manager.update(Customer, { id }, { accessChangedAt: await nextChangeStamp(this.manager) });
  }

  search(query: CustomerSearch): Promise<[Customer[], number]> {
    const builder = this.manager
      .createQueryBuilder(Customer, 'c')
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.status) {
      builder.andWhere(`${EFFECTIVE_STATUS_SQL} = :status`, { status: query.status, now: query.now });
    }
    if (query.email) builder.andWhere('lower(c.email) = lower(:email)', { email: query.email });
    if (query.externalId) builder.andWhere('c.external_id = :externalId', { externalId: query.externalId });
    if (query.nameContains) {
      const pattern = `%${query.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('c.name ILIKE :pattern', { pattern });
    }
    return builder.getManyAndCount();
  }

  /** Customers whose subscription end has passed but is not recorded yet (oldest end first): id and expiresAt. */
  listExpiredBefore(now: Date, limit: number): Promise<Array<Pick<Customer, 'id' | 'expiresAt'>>> {
    return this.oldestFirst('c.expires_at', this.select(['c.id', 'c.expiresAt']).where(LAPSED_SQL, { now }), limit);
  }

  /** Customers whose billing decision is due to change by the passage of time (oldest first). */
  async listBillingReviewsDue(now: Date, limit: number): Promise<string[]> {
    const builder = this.select(['c.id']).where('c.billing_review_at <= :now', { now });
    return (await this.oldestFirst('c.billing_review_at', builder, limit)).map((row) => row.id);
  }

  private select(columns: string[]): SelectQueryBuilder<Customer> {
    return this.manager.createQueryBuilder(Customer, 'c').select(columns);
  }

  private oldestFirst(
    column: string,
    builder: SelectQueryBuilder<Customer>,
    limit: number,
  ): Promise<Array<Pick<Customer, 'id' | 'expiresAt'>>> {
    return builder.orderBy(column, 'ASC').take(limit).getMany();
  }

  private found(id: string, customer: Customer | null): Customer {
    if (!customer) throw new CustomerNotFoundError(`with id "${id}"`);
    return customer;
  }
}
