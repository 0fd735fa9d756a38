import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { UnitOfWork } from '../changes/unit-of-work';
import { Clock } from '../common/clock';
import { hasLapsed } from '../customers/customer-status';
import { HistoryService } from '../history/history.service';
import { NotFoundError } from '../common/domain-error';
import { InvalidConstraintError, InvalidVersionError, normalizeVersion, parseConstraints } from '../composer-semver';
import { CustomerRepository } from '../customers/customer.repository';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { AccessGrantRepository } from './access-grant.repository';
import { FrozenVersion } from './frozen-version.entity';
import { FrozenVersionRepository, Pin } from './frozen-version.repository';
import { PackageVersionRepository } from '../packages/package-version.repository';
import { MAX_VERSION_LENGTH } from '../packages/published-version';
import { versionsAllowedByGrants } from './visibility';
import { FrozenCustomerDto, FrozenVersionDto, GrantDto } from './dto/access.dto';
import { excerpt } from '../common/input-guard';
import { InvalidConstraintProblem, InvalidVersionProblem } from './access.errors';

export interface PinnedVersion {
  packageName: string;
  version: string;
}

/** Validates with composer/semver's grammar so a stored grant is always one Composer understands. */
export function assertValidConstraint(constraint: string): void {
  try {
    parseConstraints(constraint);
  } catch (error) {
    if (error instanceof InvalidConstraintError || error instanceof InvalidVersionError) {
      throw new InvalidConstraintProblem(constraint, error.message);
    }
    throw error;
  }
}

@Injectable()
export class AccessService {
  constructor(
    private readonly grants: AccessGrantRepository,
    private readonly pins: FrozenVersionRepository,
    private readonly catalog: PackageVersionRepository,
    private readonly customerRows: CustomerRepository,
    private readonly customers: CustomersService,
    private readonly door: ChangeDoor,
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  async grant(
    customerId: string,
    packageName: string,
    constraint: string,
  ): Promise<{ grant: GrantDto; created: boolean }> {
    const trimmed = constraint.trim();
    assertValidConstraint(trimmed);
    const result = await this.door.run(async (unit) => {
      await this.customerRows.lockForUpdate(customerId);
      await this.customerRows.markAccessChanged(customerId);
      unit.touchCustomer(customerId);
      const existing = await this.grants.find(customerId, packageName);
      if (existing) {
        const before = { package: packageName, constraint: existing.constraint };
        existing.constraint = trimmed;
        const saved = await this.grants.save(existing);
        if (before.constraint !== trimmed) {
          await this.history.record(unit, {
            customerId,
            type: 'grant.updated',
            before,
            after: { package: packageName, constraint: trimmed },
          });
        }
        return { grant: saved, created: false };
      }
      const inserted = await this.grants.insert(customerId, packageName, trimmed);
      await this.history.record(unit, {
        customerId,
        type: 'grant.created',
        after: { package: packageName, constraint: trimmed },
      });
      return { grant: inserted, created: true };
    });
    return { grant: GrantDto.from(result.grant), created: result.created };
  }

  async list(customerId: string): Promise<GrantDto[]> {
    await this.customerRows.findOrFail(customerId);
    const grants = await this.grants.listOfCustomer(customerId);
    return grants.map((grant) => GrantDto.from(grant));
  }

  async revoke(customerId: string, packageName: string): Promise<void> {
    await this.door.run(async (unit) => {
      await this.customerRows.lockForUpdate(customerId);
      const grant = await this.grants.find(customerId, packageName);
      if (!grant)
        throw new NotFoundError(
          'grant_not_found',
          `Customer "${customerId}" has no grant for "${excerpt(packageName)}"`,
        );
      await this.grants.delete(customerId, packageName);
      await this.customerRows.markAccessChanged(customerId);
      await this.history.record(unit, {
        customerId,
        type: 'grant.revoked',
        before: { package: packageName, constraint: grant.constraint },
      });
    });
  }

  /**
   * Freezes the customer to exactly `pins`. Freezing an already frozen customer replaces the list,
   * so a vendor can correct it without reactivating first. The admin's freeze holds against billing events.
   */
  async freeze(customerId: string, pins: PinnedVersion[], reason: string | null): Promise<FrozenCustomerDto> {
    const normalized = new Map<string, Pin>();
    for (const pin of pins) {
      let versionNormalized: string;
      try {
        versionNormalized = normalizeVersion(pin.version);
      } catch (error) {
        if (error instanceof InvalidVersionError)
          throw new InvalidVersionProblem(pin.packageName, pin.version, error.message);
        throw error;
      }
      if (versionNormalized.length > MAX_VERSION_LENGTH) {
        throw new InvalidVersionProblem(
          pin.packageName,
          pin.version,
          `its normalized form is longer than ${MAX_VERSION_LENGTH} characters`,
        );
      }
      const row = { customerId, packageName: pin.packageName, version: pin.version, versionNormalized };
      normalized.set(`${pin.packageName}\u0000${versionNormalized}`, row);
    }
    const result = await this.door.run(async (unit) => {
      const customer = await this.customers.applyStatus(customerId, 'frozen', reason, { billingHold: true });
      const frozen = await this.replacePins(unit, customerId, [...normalized.values()]);
      return { customer, frozen };
    });
    return this.frozenDto(result);
  }

  /**
   * Freezes the customer to every version they can install right now ("keep existing installs
   * working"): what their grants allow today, or, when already frozen, their current pins.
   * Versions published later stay out. A suspended or expired customer is frozen to what their
   * grants allow, since that is what they paid for before access was cut; one whose subscription
   * end has passed keeps only what was released before it.
   */
  async freezeToCurrentAccess(customerId: string, reason: string | null): Promise<FrozenCustomerDto> {
    const result = await this.door.run(async (unit) => {
      const current = await this.customerRows.lockForUpdate(customerId);
      let frozen: FrozenVersion[] | undefined;
      if (current.status !== 'frozen') {
        const cutoff = hasLapsed(current, this.clock.now()) ? (current.expiresAt ?? undefined) : undefined;
        frozen = await this.replacePins(unit, customerId, await this.pinsFromGrants(customerId, cutoff));
      }
      const customer = await this.customers.applyStatus(customerId, 'frozen', reason, { billingHold: true });
      return { customer, frozen: frozen ?? (await this.pins.listOfCustomer(customerId)) };
    });
    return this.frozenDto(result);
  }

  private frozenDto({ customer, frozen }: { customer: Customer; frozen: FrozenVersion[] }): FrozenCustomerDto {
    return { ...this.customers.toDto(customer), frozen_versions: frozen.map((row) => FrozenVersionDto.from(row)) };
  }

  /**
   * What happens when a subscription ends (expires_at passed, or the billing system says so):
   * the customer's on_expiry. Freezing keeps what the grants allowed among versions released
   * before the end. A customer already frozen or expired is left as is.
   */
  /** Joins the caller's unit of work when there is one (billing webhooks record the event with it). */
  applyExpiry(customerId: string, endedAt: Date, reason: string): Promise<Customer> {
    return this.door.run(async (unit) => {
      const customer = await this.customerRows.lockForUpdate(customerId);
      if (customer.status === 'frozen' || customer.status === 'expired') return customer;
      if (customer.onExpiry === 'expire') return this.customers.applyStatus(customerId, 'expired', reason);
      await this.replacePins(unit, customerId, await this.pinsFromGrants(customerId, endedAt));
      return this.customers.applyStatus(customerId, 'frozen', reason);
    });
  }

  private async pinsFromGrants(customerId: string, releasedBefore?: Date): Promise<Pin[]> {
    const grants = await this.grants.listOfCustomer(customerId);
    const versions = await this.catalog.listForAccess(grants.map((grant) => grant.packageName));
    const allowed = versionsAllowedByGrants(
      grants,
      (name) => versions.filter((version) => version.packageName === name),
      releasedBefore,
    );
    return [...allowed.values()].flat().map((version) => ({
      customerId,
      packageName: version.packageName,
      version: version.version,
      versionNormalized: version.versionNormalized,
    }));
  }

  private async replacePins(unit: UnitOfWork, customerId: string, rows: Pin[]): Promise<FrozenVersion[]> {
    const before = await this.pins.listOfCustomer(customerId);
    await this.pins.replace(customerId, rows);
    await this.customerRows.markAccessChanged(customerId);
    const after = await this.pins.listOfCustomer(customerId);
    const list = (pins: FrozenVersion[]) => pins.map((pin) => `${pin.packageName}:${pin.version}`);
    if (JSON.stringify(list(before)) !== JSON.stringify(list(after))) {
      await this.history.record(unit, {
        customerId,
        type: 'customer.frozen_versions_changed',
        before: { versions: list(before) },
        after: { versions: list(after) },
      });
    }
    return after;
  }
}
