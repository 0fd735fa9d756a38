import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AccessVersion } from '../common/access-version.service';
import { NotFoundError, UnprocessableError } from '../common/domain-error';
import { InvalidConstraintError, InvalidVersionError, normalizeVersion, parseConstraints } from '../composer-semver';
import { findCustomerOrFail, markAccessChanged } from '../customers/customer-lookup';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { AccessGrant } from './access-grant.entity';
import { FrozenVersion } from './frozen-version.entity';
import { PackageVersion } from '../packages/package-version.entity';
import { versionsAllowedByGrants } from './visibility';

export class InvalidConstraintProblem extends UnprocessableError {
  constructor(constraint: string, reason: string) {
    super('invalid_constraint', `"${constraint}" is not a valid Composer version constraint: ${reason}`, { constraint });
  }
}

export class InvalidVersionProblem extends UnprocessableError {
  constructor(packageName: string, version: string, reason: string) {
    super('invalid_version', `"${version}" of ${packageName} is not a valid Composer version: ${reason}`, {
      package: packageName,
      version,
    });
  }
}

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
      throw new InvalidConstraintProblem(constraint, (error as Error).message);
    }
    throw error;
  }
}

@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly accessVersion: AccessVersion,
  ) {}

  async grant(customerId: string, packageName: string, constraint: string): Promise<{ grant: AccessGrant; created: boolean }> {
    const trimmed = constraint.trim();
    assertValidConstraint(trimmed);
    const result = await this.dataSource.transaction(async (manager) => {
      await findCustomerOrFail(manager, customerId, true);
      await markAccessChanged(manager, customerId);
      const existing = await manager.findOneBy(AccessGrant, { customerId, packageName });
      if (existing) {
        existing.constraint = trimmed;
        return { grant: await manager.save(existing), created: false };
      }
      await manager.insert(AccessGrant, { customerId, packageName, constraint: trimmed });
      return { grant: await manager.findOneByOrFail(AccessGrant, { customerId, packageName }), created: true };
    });
    this.accessVersion.bump();
    return result;
  }

  async list(customerId: string): Promise<AccessGrant[]> {
    await findCustomerOrFail(this.dataSource.manager, customerId);
    return this.dataSource.manager.find(AccessGrant, { where: { customerId }, order: { packageName: 'ASC' } });
  }

  async revoke(customerId: string, packageName: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await findCustomerOrFail(manager, customerId, true);
      const result = await manager.delete(AccessGrant, { customerId, packageName });
      if (!result.affected) {
        throw new NotFoundError('grant_not_found', `Customer "${customerId}" has no grant for "${packageName}"`);
      }
      await markAccessChanged(manager, customerId);
    });
    this.accessVersion.bump();
  }

  /**
   * Freezes the customer to exactly `pins`. Freezing an already frozen customer replaces the list,
   * so a vendor can correct it without reactivating first.
   */
  async freeze(customerId: string, pins: PinnedVersion[], reason: string | null): Promise<{ customer: Customer; frozen: FrozenVersion[] }> {
    const normalized = new Map<string, FrozenVersion>();
    for (const pin of pins) {
      let versionNormalized: string;
      try {
        versionNormalized = normalizeVersion(pin.version);
      } catch (error) {
        if (error instanceof InvalidVersionError) throw new InvalidVersionProblem(pin.packageName, pin.version, (error as Error).message);
        throw error;
      }
      const row = Object.assign(new FrozenVersion(), { customerId, packageName: pin.packageName, version: pin.version, versionNormalized });
      normalized.set(`${pin.packageName}\u0000${versionNormalized}`, row);
    }
    const result = await this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.changeStatusWith(manager, customerId, 'frozen', reason);
      await manager.delete(FrozenVersion, { customerId });
      if (normalized.size > 0) await manager.insert(FrozenVersion, [...normalized.values()]);
      await markAccessChanged(manager, customerId);
      const frozen = await manager.find(FrozenVersion, {
        where: { customerId },
        order: { packageName: 'ASC', versionNormalized: 'ASC' },
      });
      return { customer, frozen };
    });
    this.accessVersion.bump();
    return result;
  }

  /**
   * Freezes the customer to every version they can install right now ("keep existing installs
   * working"): what their grants allow today, or, when already frozen, their current pins.
   * Versions published later stay out. A suspended or expired customer is frozen to what their
   * grants allow, since that is what they paid for before access was cut.
   */
  async freezeToCurrentAccess(customerId: string, reason: string | null): Promise<{ customer: Customer; frozen: FrozenVersion[] }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const current = await findCustomerOrFail(manager, customerId, true);
      if (current.status !== 'frozen') {
        const grants = await manager.findBy(AccessGrant, { customerId });
        const versions = grants.length
          ? await manager.find(PackageVersion, {
              select: { packageName: true, version: true, versionNormalized: true },
              where: { packageName: In(grants.map((grant) => grant.packageName)) },
            })
          : [];
        const allowed = versionsAllowedByGrants(grants, (name) => versions.filter((version) => version.packageName === name));
        await manager.delete(FrozenVersion, { customerId });
        const rows = [...allowed.values()].flat().map((version) =>
          manager.create(FrozenVersion, {
            customerId,
            packageName: version.packageName,
            version: version.version,
            versionNormalized: version.versionNormalized,
          }),
        );
        if (rows.length > 0) await manager.insert(FrozenVersion, rows);
      }
      const customer = await this.customers.changeStatusWith(manager, customerId, 'frozen', reason);
      await markAccessChanged(manager, customerId);
      const frozen = await manager.find(FrozenVersion, { where: { customerId }, order: { packageName: 'ASC', versionNormalized: 'ASC' } });
      return { customer, frozen };
    });
    this.accessVersion.bump();
    return result;
  }

  async frozenVersions(customerId: string): Promise<FrozenVersion[]> {
    return this.dataSource.manager.find(FrozenVersion, {
      where: { customerId },
      order: { packageName: 'ASC', versionNormalized: 'ASC' },
    });
  }
}
