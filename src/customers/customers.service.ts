import { Injectable, OnModuleInit } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { UnitOfWork } from '../changes/unit-of-work';
import { newId } from '../common/ids';
import { Clock } from '../common/clock';
import { excerpt } from '../common/input-guard';
import { isUniqueViolation } from '../database/database-errors';
import { HistoryService } from '../history/history.service';
import { customerSnapshot, snapshotDiff } from './customer-snapshot';
import { CustomerRepository } from './customer.repository';
import { CustomerNotFoundError, DuplicateExternalIdError } from './customers.errors';
import { CustomerStatus, effectiveStatus, planStatusChange } from './customer-status';
import { Customer } from './customer.entity';
import { CreatedCustomerDto, CustomerDto, CustomerPageDto } from './dto/customer-response.dto';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { ListCustomersQueryDto } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';

/**
 * Applies the customer's current billing state inside the caller's unit of work. Billing registers
 * it (Billing depends on Customers, not the other way round), so that linking an external_id,
 * changing the grace period, releasing an admin hold or a grace period's end re-apply what the
 * customer's subscriptions call for.
 */
export type BillingFollower = (unit: UnitOfWork, customerId: string) => Promise<void>;

/**
 * Issues a new customer's first token inside the creating unit of work and returns its secret.
 * Tokens registers it: Tokens depends on Customers (a token belongs to a customer), not the other way round.
 */
export type FirstTokenIssuer = (unit: UnitOfWork, customerId: string) => Promise<string>;

/** Billing's last decision for a customer, kept on the customer row for display and for the sweep. */
export interface BillingDecisionRecord {
  status: CustomerStatus;
  reason: string;
  reviewAt: Date | null;
}

export interface StatusChangeOptions {
  /** Set (admin or API key chose this status) or release the hold that keeps billing events from changing the status. */
  billingHold?: boolean;
}

@Injectable()
export class CustomersService implements OnModuleInit {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly door: ChangeDoor,
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  private billingFollower?: BillingFollower;
  private firstTokenIssuer?: FirstTokenIssuer;

  onModuleInit(): void {
    // History sits below Customers, so its per-customer listing asks Customers whether the customer exists.
    this.history.checkCustomersWith(async (id) => {
      await this.customers.findOrFail(id);
    });
  }

  followBillingWith(follower: BillingFollower): void {
    this.billingFollower = follower;
  }

  issueFirstTokenWith(issuer: FirstTokenIssuer): void {
    this.firstTokenIssuer = issuer;
  }

  async create(input: CreateCustomerDto): Promise<CreatedCustomerDto> {
    const externalId = input.external_id ?? null;
    try {
      const issueFirstToken = this.firstTokenIssuer;
      if (!issueFirstToken) throw new Error('No first-token issuer registered (TokensModule is not loaded)');
      const { customer, token } = await this.door.run(async (unit) => {
        const inserted = await this.customers.insert({
          id: newId('cust'),
          name: input.name,
          email: input.email,
          externalId,
          status: 'active',
          statusReason: null,
          statusChangedAt: null,
          expiresAt: input.expires_at ?? null,
          onExpiry: input.on_expiry ?? 'freeze',
          billingGraceDays: input.billing_grace_days ?? null,
          portalTokenSelfService: input.portal_token_self_service ?? true,
        });
        const id = inserted.id;
        await this.history.record(unit, {
          customerId: id,
          type: 'customer.created',
          after: customerSnapshot(inserted),
        });
        const secret = await issueFirstToken(unit, id);
        // Late linking: events the billing provider sent for this external_id before the customer existed apply now.
        if (externalId && this.billingFollower) await this.billingFollower(unit, id);
        return { customer: await this.customers.reload(id), token: secret };
      });
      return CreatedCustomerDto.fromCreated(customer, token, this.clock.now());
    } catch (error) {
      if (isUniqueViolation(error) && externalId) throw new DuplicateExternalIdError(externalId);
      throw error;
    }
  }

  async list(query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    const [data, total] = await this.customers.search({
      limit: query.limit,
      offset: query.offset,
      status: query.status,
      now: this.clock.now(),
      email: query.email,
      externalId: query.external_id,
      nameContains: query.q,
    });
    return { data: data.map((customer) => this.toDto(customer)), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<CustomerDto> {
    return this.toDto(await this.customers.findOrFail(id));
  }

  async getByExternalId(externalId: string): Promise<CustomerDto> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new CustomerNotFoundError(`with external_id "${excerpt(externalId)}"`);
    return this.toDto(customer);
  }

  /** The customer row itself, for modules that decide from its fields (the portal). */
  find(id: string): Promise<Customer> {
    return this.customers.findOrFail(id);
  }

  /** The response for a customer, with the status in force right now (a passed expires_at counts). */
  toDto(customer: Customer): CustomerDto {
    return CustomerDto.from(customer, this.clock.now());
  }

  async update(id: string, input: UpdateCustomerDto): Promise<CustomerDto> {
    try {
      // expires_at and on_expiry decide access; the door drops cached views of this customer.
      const updated = await this.door.run(async (unit) => {
        const customer = await this.customers.lockForUpdate(id);
        const before = customerSnapshot(customer);
        if (input.name !== undefined) customer.name = input.name;
        if (input.email !== undefined) customer.email = input.email;
        if (input.external_id !== undefined) customer.externalId = input.external_id;
        if (input.expires_at !== undefined) customer.expiresAt = input.expires_at;
        if (input.on_expiry !== undefined) customer.onExpiry = input.on_expiry;
        if (input.billing_grace_days !== undefined) customer.billingGraceDays = input.billing_grace_days;
        if (input.portal_token_self_service !== undefined)
          customer.portalTokenSelfService = input.portal_token_self_service;
        const diff = snapshotDiff(before, customerSnapshot(customer));
        if (!diff) return customer;
        await this.customers.save(customer);
        if (diff.after.expires_at !== undefined || diff.after.on_expiry !== undefined)
          await this.customers.markAccessChanged(id);
        await this.history.record(unit, { customerId: id, type: 'customer.updated', ...diff });
        const billingInputChanged = ['external_id', 'on_expiry', 'billing_grace_days'].some(
          (key) => diff.after[key] !== undefined,
        );
        // A new external_id links the events kept for it; a new grace period or on_expiry changes what they call for.
        if (billingInputChanged && this.billingFollower) await this.billingFollower(unit, id);
        return this.customers.reload(id);
      });
      return this.toDto(updated);
    } catch (error) {
      if (isUniqueViolation(error) && input.external_id) throw new DuplicateExternalIdError(input.external_id);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    await this.door.run(async (unit) => {
      const customer = await this.customers.lockForUpdate(id);
      await this.customers.delete(id);
      await this.history.record(unit, { customerId: id, type: 'customer.deleted', before: customerSnapshot(customer) });
    });
  }

  /** A status chosen by an admin or API key: it holds against billing events until released. */
  async changeStatus(id: string, target: CustomerStatus, reason: string | null): Promise<CustomerDto> {
    return this.toDto(await this.applyStatus(id, target, reason, { billingHold: true }));
  }

  /**
   * Releases the admin hold and applies what the customer's subscriptions call for. `orActivate`
   * (reactivate with follow_billing) makes a customer billing knows nothing about active.
   */
  async resumeBilling(id: string, orActivate = false): Promise<CustomerDto> {
    const customer = await this.door.run(async (unit) => {
      await this.setBillingHold(unit, await this.customers.lockForUpdate(id), false);
      if (this.billingFollower) await this.billingFollower(unit, id);
      const after = await this.customers.reload(id);
      if (orActivate && after.billingStatus === null) return this.applyStatus(id, 'active', null);
      return after;
    });
    return this.toDto(customer);
  }

  /** Re-applies billing's decision when time changed it (a grace period ended); the expiry sweep calls it. */
  async reapplyBilling(id: string): Promise<void> {
    await this.door.run(async (unit) => {
      await this.customers.lockForUpdate(id);
      unit.touchCustomer(id);
      if (this.billingFollower) await this.billingFollower(unit, id);
      else await this.customers.clearBillingReview(id);
    });
  }

  /** Customers whose billing decision is due to change by the passage of time (oldest first). */
  billingReviewsDue(now: Date, limit: number): Promise<string[]> {
    return this.customers.listBillingReviewsDue(now, limit);
  }

  /** Keeps billing's latest decision on the customer (null: billing knows no subscription of theirs). */
  async recordBillingDecision(unit: UnitOfWork, id: string, decision: BillingDecisionRecord | null): Promise<void> {
    unit.touchCustomer(id);
    await this.customers.setBillingFields(id, {
      billingStatus: decision?.status ?? null,
      billingReason: decision?.reason ?? null,
      billingReviewAt: decision?.reviewAt ?? null,
    });
  }

  /**
   * Changes the status as a rule of the system (billing, subscription end), or as the vendor's
   * decision with `billingHold`. Joins the caller's unit of work when there is one (freezing changes
   * the pins in the same transaction).
   */
  applyStatus(
    id: string,
    target: CustomerStatus,
    reason: string | null,
    options: StatusChangeOptions = {},
  ): Promise<Customer> {
    return this.door.run((unit) => this.applyStatusIn(unit, id, target, reason, options));
  }

  private async applyStatusIn(
    unit: UnitOfWork,
    id: string,
    target: CustomerStatus,
    reason: string | null,
    options: StatusChangeOptions,
  ): Promise<Customer> {
    const customer = await this.customers.lockForUpdate(id);
    const now = this.clock.now();
    const holdChanges = options.billingHold !== undefined && options.billingHold !== customer.billingHold;
    // Rules apply to the status in force: a passed expires_at already made the customer expired or frozen.
    if (planStatusChange(effectiveStatus(customer, now), target) === 'unchanged' && customer.status === target) {
      if (holdChanges) await this.setBillingHold(unit, customer, options.billingHold as boolean);
      return holdChanges ? this.customers.reload(id) : customer;
    }
    const before: Record<string, unknown> = { status: customer.status, status_reason: customer.statusReason };
    const after: Record<string, unknown> = { status: target, status_reason: reason };
    if (holdChanges) {
      before.billing_hold = customer.billingHold;
      after.billing_hold = options.billingHold;
      customer.billingHold = options.billingHold as boolean;
    }
    customer.status = target;
    customer.statusReason = reason;
    customer.statusChangedAt = now;
    // A reactivated customer starts a new period: an end date already passed would cut them off again at once.
    if (target === 'active' && customer.expiresAt && customer.expiresAt <= customer.statusChangedAt)
      customer.expiresAt = null;
    await this.customers.save(customer);
    await this.history.record(unit, { customerId: id, type: 'customer.status_changed', before, after });
    await this.customers.markAccessChanged(id);
    return this.customers.reload(id);
  }

  private async setBillingHold(unit: UnitOfWork, customer: Customer, hold: boolean): Promise<void> {
    if (customer.billingHold === hold) return;
    await this.customers.setBillingHold(customer.id, hold);
    await this.history.record(unit, {
      customerId: customer.id,
      type: 'customer.updated',
      before: { billing_hold: customer.billingHold },
      after: { billing_hold: hold },
    });
    customer.billingHold = hold;
  }
}
