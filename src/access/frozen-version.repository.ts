import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { FrozenVersion } from './frozen-version.entity';

export type Pin = Pick<FrozenVersion, 'customerId' | 'packageName' | 'version' | 'versionNormalized'>;

/** The `frozen_versions` table (a frozen customer's pins); inside a unit of work, on its transaction. */
@Injectable()
export class FrozenVersionRepository {
  constructor(private readonly door: ChangeDoor) {}

  /** By package, then version. */
  listOfCustomer(customerId: string): Promise<FrozenVersion[]> {
    return this.door.manager.find(FrozenVersion, {
      where: { customerId },
      order: { packageName: 'ASC', versionNormalized: 'ASC' },
    });
  }

  /** Makes `pins` the customer's whole list. */
  async replace(customerId: string, pins: Pin[]): Promise<void> {
    await this.door.manager.delete(FrozenVersion, { customerId });
    if (pins.length > 0) await this.door.manager.insert(FrozenVersion, pins);
  }
}
