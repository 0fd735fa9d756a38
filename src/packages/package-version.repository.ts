import { Injectable } from '@nestjs/common';
import { DeepPartial, EntityManager, In } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { PackageVersion } from './package-version.entity';

/**
 * The `package_versions` table: the catalog, read by package. Inside a unit of work every method
 * runs on the unit's transaction.
 */
@Injectable()
export class PackageVersionRepository {
  constructor(private readonly door: ChangeDoor) {}

  private get manager(): EntityManager {
    return this.door.manager;
  }

  /** Ordered by normalized version: a fixed input order for Composer's sort (sortNewestFirst). */
  listByPackage(packageName: string): Promise<PackageVersion[]> {
    return this.manager.find(PackageVersion, { where: { packageName }, order: { versionNormalized: 'ASC' } });
  }

  /** What deciding access needs of every version of these packages. */
  listForAccess(packageNames: string[]): Promise<PackageVersion[]> {
    if (packageNames.length === 0) return Promise.resolve([]);
    return this.manager.find(PackageVersion, {
      select: { packageName: true, version: true, versionNormalized: true, releasedAt: true },
      where: { packageName: In(packageNames) },
    });
  }

  findByNormalized(packageName: string, versionNormalized: string): Promise<PackageVersion | null> {
    return this.manager.findOneBy(PackageVersion, { packageName, versionNormalized });
  }

  listByNormalized(packageName: string, versionsNormalized: string[]): Promise<PackageVersion[]> {
    return this.manager.find(PackageVersion, { where: { packageName, versionNormalized: In(versionsNormalized) } });
  }

  /** The version with one of these normalized forms, or published exactly as `version`. */
  findAsPublishedOrNormalized(
    packageName: string,
    version: string,
    normalized: string[],
  ): Promise<PackageVersion | null> {
    return this.manager.findOne(PackageVersion, {
      where: [
        { packageName, versionNormalized: In(normalized) },
        { packageName, version },
      ],
    });
  }

  async insert(version: DeepPartial<PackageVersion>): Promise<PackageVersion> {
    return this.manager.save(this.manager.create(PackageVersion, version));
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.manager.delete(PackageVersion, { id: In(ids) });
  }

  /** Number of versions per package name. */
  async countByPackage(packageNames: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (packageNames.length === 0) return counts;
    const rows: { name: string; count: number }[] = await this.manager
      .createQueryBuilder(PackageVersion, 'v')
      .select('v.package_name', 'name')
      .addSelect('count(*)::int', 'count')
      .where('v.package_name IN (:...names)', { names: packageNames })
      .groupBy('v.package_name')
      .getRawMany();
    for (const row of rows) counts.set(row.name, row.count);
    return counts;
  }

  /** The README stored with a version at publish time (a column not loaded with the version itself). */
  async readmeOf(versionId: string): Promise<string | null> {
    const row = await this.manager.findOne(PackageVersion, {
      select: { id: true, readme: true },
      where: { id: versionId },
    });
    return row?.readme ?? null;
  }

  /** Which of these storage keys a version row references. */
  async referencedStorageKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.manager.find(PackageVersion, {
      select: { id: true, storageKey: true },
      where: { storageKey: In(keys) },
    });
    return new Set(rows.map((row) => row.storageKey));
  }
}
