import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, DeepPartial } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { ID_PATTERN } from '../common/ids';
import { DatabaseState } from '../database/database-state.service';
import { LastUseBuffer } from '../database/last-use-buffer';
import { ApiKey } from './api-key.entity';

/**
 * The `api_keys` table. Inside a unit of work (an idempotent request) every method runs on the
 * unit's transaction; last_used_at is bookkeeping written in batches on the pool.
 */
@Injectable()
export class ApiKeyRepository {
  private readonly lastUse: LastUseBuffer;

  constructor(
    private readonly door: ChangeDoor,
    @InjectDataSource() private readonly dataSource: DataSource,
    database: DatabaseState,
  ) {
    this.lastUse = new LastUseBuffer('api_keys', database, 'API key');
  }

  existsWithName(name: string): Promise<boolean> {
    return this.door.manager.existsBy(ApiKey, { name });
  }

  /** Inserts the key and returns the row as stored. */
  async insert(key: DeepPartial<ApiKey>): Promise<ApiKey> {
    const row = this.door.manager.create(ApiKey, key);
    await this.door.manager.insert(ApiKey, row);
    return this.door.manager.findOneByOrFail(ApiKey, { id: row.id });
  }

  /** Oldest first. */
  list(): Promise<ApiKey[]> {
    return this.door.manager.find(ApiKey, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.door.manager.findOneBy(ApiKey, { keyHash });
  }

  /** Whether there was such a key. */
  async delete(id: string): Promise<boolean> {
    if (!ID_PATTERN.test(id)) return false;
    return Boolean((await this.door.manager.delete(ApiKey, { id })).affected);
  }

  recordUse(id: string, usedAt: Date): void {
    this.lastUse.record(id, usedAt);
  }

  flushLastUses(): Promise<void> {
    return this.lastUse.flush((sql, parameters) => this.dataSource.query(sql, parameters));
  }
}
