import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { nextChangeStamp } from '../common/change-clock';
import { isValidPackageName } from './package-name';
import { Package } from './package.entity';

/** The `packages` table; inside a unit of work every method runs on the unit's transaction. */
@Injectable()
export class PackageRepository {
  constructor(private readonly door: ChangeDoor) {}

  private get manager(): EntityManager {
    return this.door.manager;
  }

  /** Null for an unknown package or a name no package can have. */
  findByName(name: string): Promise<Package | null> {
    if (!isValidPackageName(name)) return Promise.resolve(null);
    return this.manager.findOneBy(Package, { name });
  }

  findByNameOrFail(name: string): Promise<Package> {
    return this.manager.findOneByOrFail(Package, { name });
  }

  /** Locks the package's row until the unit commits; null when there is no such package. */
  lockForUpdate(name: string): Promise<Package | null> {
    if (!isValidPackageName(name)) return Promise.resolve(null);
    return this.manager.findOne(Package, { where: { name }, lock: { mode: 'pessimistic_write' } });
  }

  /** Inserts the package unless one with this name exists; whether it did. */
  async insertIfAbsent(name: string, gitSourceId: string | null): Promise<boolean> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(Package)
      // Set properly by markContentsChanged right after: the clock is always locked last.
      .values({ name, contentsChangedAt: () => 'now()', gitSourceId })
      .orIgnore()
      .returning(['name'])
      .execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  /** Its versions go with it through ON DELETE CASCADE. */
  async delete(name: string): Promise<void> {
    await this.manager.delete(Package, { name });
  }

  /** Moves the package's Last-Modified forward: call in every unit that changes its versions. */
  async markContentsChanged(name: string): Promise<void> {
    await this.manager.update(Package, { name }, { contentsChangedAt: await nextChangeStamp(this.manager) });
  }

  /** By name; `nameContains` is case-insensitive. */
  search(limit: number, offset: number, nameContains?: string): Promise<[Package[], number]> {
    const builder = this.manager.createQueryBuilder(Package, 'p').orderBy('p.name', 'ASC').take(limit).skip(offset);
    if (nameContains) {
      const pattern = `%${nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('p.name ILIKE :pattern', { pattern });
    }
    return builder.getManyAndCount();
  }
}
