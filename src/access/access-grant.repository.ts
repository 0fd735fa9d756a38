import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { AccessGrant } from './access-grant.entity';

/** The `access_grants` table; inside a unit of work, on its transaction. */
@Injectable()
export class AccessGrantRepository {
  constructor(private readonly door: ChangeDoor) {}

  find(customerId: string, packageName: string): Promise<AccessGrant | null> {
    return this.door.manager.findOneBy(AccessGrant, { customerId, packageName });
  }

  /** By package name. */
  listOfCustomer(customerId: string): Promise<AccessGrant[]> {
    return this.door.manager.find(AccessGrant, { where: { customerId }, order: { packageName: 'ASC' } });
  }

  /** Inserts the grant and returns the row as stored. */
  async insert(customerId: string, packageName: string, constraint: string): Promise<AccessGrant> {
    await this.door.manager.insert(AccessGrant, { customerId, packageName, constraint });
    return this.door.manager.findOneByOrFail(AccessGrant, { customerId, packageName });
  }

  save(grant: AccessGrant): Promise<AccessGrant> {
    return this.door.manager.save(grant);
  }

  async delete(customerId: string, packageName: string): Promise<void> {
    await this.door.manager.delete(AccessGrant, { customerId, packageName });
  }
}
