import { nextChangeStamp } from '../common/change-clock';
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { isUniqueViolation } from '../database/database-errors';
import { AccessVersion } from '../common/access-version.service';
import { newId } from '../common/ids';
import { InvalidVersionError, normalizeVersion, sortVersionsDescending } from '../composer-semver';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { archiveLimitsFor, inspectArchive } from './archive-inspector';
import { ARCHIVE_STORAGE, ArchiveStorage } from './archive-storage';
import { ListPackagesQueryDto } from './dto/list-packages.query';
import { PackageDetailDto, PackagePageDto, PackageSummaryDto, PublishedVersionDto } from './dto/package-response.dto';
import { ArchiveTooLargeError, PackageNotFoundError, VersionExistsError, VersionNotFoundError } from './package-errors';
import { isValidPackageName } from './package-name';
import { PackageVersion } from './package-version.entity';
import { Package } from './package.entity';
import { MAX_VERSION_LENGTH, resolvePublishedVersion } from './published-version';

export interface PublishInput {
  archive: Buffer;
  /** Overrides (and must agree with) composer.json's version. */
  version?: string;
  releasedAt?: Date;
}


/** Composer's order (Semver::rsort): highest first, default branches above numbered dev branches. */
export function sortNewestFirst(versions: PackageVersion[]): PackageVersion[] {
  const byVersion = new Map(versions.map((version) => [version.version, version]));
  return sortVersionsDescending(versions.map((version) => version.version)).map((version) => byVersion.get(version)!);
}

@Injectable()
export class PackagesService {
  private readonly logger = new Logger(PackagesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accessVersion: AccessVersion,
  ) {}

  /**
   * Publishes one version from its zip. The archive is stored before the row is written and
   * removed again when the transaction fails, so a refused upload leaves neither behind.
   */
  async publish(input: PublishInput): Promise<PublishedVersionDto> {
    const maxBytes = this.config.maxArchiveBytes;
    if (input.archive.length > maxBytes) throw new ArchiveTooLargeError(maxBytes);
    const { composerJson, name } = await inspectArchive(input.archive, archiveLimitsFor(maxBytes));
    const resolved = resolvePublishedVersion(name, input.version, composerJson);

    const published = await this.findVersion(name, resolved.versionNormalized);
    if (published) throw new VersionExistsError(name, published.version, published.versionNormalized);

    const id = newId('ver');
    const storageKey = `${name}/${id}.zip`;
    await this.storage.put(storageKey, input.archive);
    let version: PackageVersion;
    try {
      version = await this.dataSource.transaction(async (manager) => {
        await this.lockOrCreatePackage(manager, name);
        const clash = await manager.findOneBy(PackageVersion, { packageName: name, versionNormalized: resolved.versionNormalized });
        if (clash) throw new VersionExistsError(name, clash.version, clash.versionNormalized);
        const row = manager.create(PackageVersion, {
          id,
          packageName: name,
          version: resolved.version,
          versionNormalized: resolved.versionNormalized,
          isDev: resolved.isDev,
          composerJson,
          shasum: createHash('sha1').update(input.archive).digest('hex'),
          sizeBytes: input.archive.length,
          storageKey,
          releasedAt: input.releasedAt ?? new Date(),
        });
        const saved = await manager.save(row);
        await this.markContentsChanged(manager, name);
        return saved;
      });
    } catch (error) {
      await this.discardArchive(storageKey);
      if (isUniqueViolation(error)) throw new VersionExistsError(name, resolved.version, resolved.versionNormalized);
      throw error;
    }
    this.accessVersion.bump();
    return PublishedVersionDto.from(version);
  }

  async list(query: ListPackagesQueryDto): Promise<PackagePageDto> {
    const builder = this.dataSource.manager
      .createQueryBuilder(Package, 'p')
      .orderBy('p.name', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('p.name ILIKE :pattern', { pattern });
    }
    const [packages, total] = await builder.getManyAndCount();
    const counts = new Map<string, number>();
    if (packages.length > 0) {
      const rows: { name: string; count: number }[] = await this.dataSource.manager
        .createQueryBuilder(PackageVersion, 'v')
        .select('v.package_name', 'name')
        .addSelect('count(*)::int', 'count')
        .where('v.package_name IN (:...names)', { names: packages.map((pkg) => pkg.name) })
        .groupBy('v.package_name')
        .getRawMany();
      for (const row of rows) counts.set(row.name, row.count);
    }
    return {
      data: packages.map((pkg) => PackageSummaryDto.from(pkg, counts.get(pkg.name) ?? 0)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async get(packageName: string): Promise<PackageDetailDto> {
    const pkg = await this.findPackage(packageName);
    if (!pkg) throw new PackageNotFoundError(packageName);
    return PackageDetailDto.fromVersions(pkg, await this.listVersions(packageName));
  }

  /** The package row (for contentsChangedAt), or null. */
  async findPackage(packageName: string): Promise<Package | null> {
    if (!isValidPackageName(packageName)) return null;
    return this.dataSource.manager.findOneBy(Package, { name: packageName });
  }

  /** Every version of the package, newest first in Composer's order; [] for an unknown package. */
  async listVersions(packageName: string): Promise<PackageVersion[]> {
    if (!isValidPackageName(packageName)) return [];
    // A fixed input order keeps Composer's sort stable for pairs of dev branches, which it does not order.
    const versions = await this.dataSource.manager.find(PackageVersion, { where: { packageName }, order: { versionNormalized: 'ASC' } });
    return sortNewestFirst(versions);
  }

  async findVersion(packageName: string, versionNormalized: string): Promise<PackageVersion | null> {
    if (!isValidPackageName(packageName)) return null;
    return this.dataSource.manager.findOneBy(PackageVersion, { packageName, versionNormalized });
  }

  /** `version` may be given as published ("v1.0.0") or normalized ("1.0.0.0"). */
  async deleteVersion(packageName: string, version: string): Promise<void> {
    const removed = await this.dataSource.transaction(async (manager) => {
      await this.lockPackageOrFail(manager, packageName);
      if (version.length > MAX_VERSION_LENGTH) throw new VersionNotFoundError(packageName, version);
      const normalized = [version];
      try {
        normalized.push(normalizeVersion(version));
      } catch (error) {
        if (!(error instanceof InvalidVersionError)) throw error;
      }
      const row = await manager.findOne(PackageVersion, {
        where: [
          { packageName, versionNormalized: In(normalized) },
          { packageName, version },
        ],
      });
      if (!row) throw new VersionNotFoundError(packageName, version);
      await manager.delete(PackageVersion, { id: row.id });
      await this.markContentsChanged(manager, packageName);
      return row;
    });
    this.accessVersion.bump();
    await this.discardArchive(removed.storageKey);
  }

  /** Deletes the package, its versions and their archives. */
  async deletePackage(packageName: string): Promise<void> {
    const storageKeys = await this.dataSource.transaction(async (manager) => {
      await this.lockPackageOrFail(manager, packageName);
      const versions = await manager.find(PackageVersion, { select: { id: true, storageKey: true }, where: { packageName } });
      await manager.delete(Package, { name: packageName });
      return versions.map((version) => version.storageKey);
    });
    this.accessVersion.bump();
    for (const key of storageKeys) await this.discardArchive(key);
  }

  /**
   * Serializes writers of one package: creates its row (first version) or locks the existing one.
   * A concurrent first publish waits on the unique name; a concurrent delete of the package makes
   * the lock find nothing, and the insert is tried again. Returns whether the row was created.
   */
  private async lockOrCreatePackage(manager: EntityManager, name: string): Promise<boolean> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Package)
        // Set properly by markContentsChanged right after: the clock is always locked last.
        .values({ name, contentsChangedAt: () => 'now()' })
        .orIgnore()
        .returning(['name'])
        .execute();
      if ((inserted.raw as unknown[]).length > 0) return true;
      const locked = await manager.findOne(Package, { where: { name }, lock: { mode: 'pessimistic_write' } });
      if (locked) return false;
    }
    throw new Error(`Could not lock or create package "${name}"`);
  }

  private async lockPackageOrFail(manager: EntityManager, name: string): Promise<Package> {
    const pkg = isValidPackageName(name)
      ? await manager.findOne(Package, { where: { name }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!pkg) throw new PackageNotFoundError(name);
    return pkg;
  }

  private async markContentsChanged(manager: EntityManager, name: string): Promise<void> {
    await manager.update(Package, { name }, { contentsChangedAt: await nextChangeStamp(manager) });
  }

  /** After a rollback or a committed delete; a leftover file is harmless, so it is only logged. */
  private async discardArchive(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`Could not remove archive "${key}": ${(error as Error).message}`);
    }
  }
}
