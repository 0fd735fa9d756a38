import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, DeepPartial, In } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { ID_PATTERN } from '../common/ids';
import { DatabaseState } from '../database/database-state.service';
import { LastUseBuffer } from '../database/last-use-buffer';
import { CustomerToken } from './customer-token.entity';

/**
 * The `customer_tokens` table. Inside a unit of work every method runs on the unit's transaction;
 * last_used_at is bookkeeping written in batches on the pool, outside any unit.
 */
@Injectable()
export class CustomerTokenRepository {
  private readonly lastUse: LastUseBuffer;

  constructor(
    private readonly door: ChangeDoor,
    @InjectDataSource() private readonly dataSource: DataSource,
    database: DatabaseState,
  ) {
    this.lastUse = new LastUseBuffer('customer_tokens', database, 'token');
  }

  /** Inserts the token and returns the row as stored. */
  async insert(token: DeepPartial<CustomerToken>): Promise<CustomerToken> {
    const row = this.door.manager.create(CustomerToken, token);
    await this.door.manager.insert(CustomerToken, row);
    return this.door.manager.findOneByOrFail(CustomerToken, { id: row.id });
  }

  /** The customer's token with this id (any state), or null. */
  findOfCustomer(customerId: string, tokenId: string): Promise<CustomerToken | null> {
    if (!ID_PATTERN.test(tokenId)) return Promise.resolve(null);
    return this.door.manager.findOneBy(CustomerToken, { id: tokenId, customerId });
  }

  findByHash(tokenHash: string): Promise<CustomerToken | null> {
    return this.door.manager.findOneBy(CustomerToken, { tokenHash });
  }

  /** Every token of these customers, as the authentication cache keeps them. */
  listOfCustomers(
    customerIds: string[],
  ): Promise<Array<Pick<CustomerToken, 'id' | 'customerId' | 'tokenHash' | 'expiresAt'>>> {
    return this.door.manager.find(CustomerToken, {
      select: { id: true, customerId: true, tokenHash: true, expiresAt: true },
      where: { customerId: In(customerIds) },
    });
  }

  /** Customers whose tokens were used most recently first (never-used last); customers without tokens cannot install. */
  async customersByRecentUse(limit: number): Promise<string[]> {
    const rows: Array<{ customerId: string }> = await this.door.manager.query(
      `SELECT "customer_id" AS "customerId" FROM "customer_tokens"
        GROUP BY "customer_id" ORDER BY max("last_used_at") DESC NULLS LAST, max("created_at") DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.customerId);
  }

  /** Oldest first. */
  listOfCustomer(customerId: string): Promise<CustomerToken[]> {
    return this.door.manager.find(CustomerToken, { where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async delete(id: string): Promise<void> {
    await this.door.manager.delete(CustomerToken, { id });
  }

  recordUse(id: string, usedAt: Date): void {
    this.lastUse.record(id, usedAt);
  }

  flushLastUses(): Promise<void> {
    return this.lastUse.flush((sql, parameters) => this.dataSource.query(sql, parameters));
  }
}
