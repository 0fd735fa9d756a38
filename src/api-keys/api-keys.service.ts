import { Interval } from '@nestjs/schedule';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DatabaseState } from '../database/database-state.service';
import { LastUseBuffer } from '../database/last-use-buffer';
import { BadRequestError, ConflictError, NotFoundError } from '../common/domain-error';
import { ID_PATTERN, newId, randomBase62 } from '../common/ids';
import { hashToken } from '../tokens/token-secret';
import { ApiKey } from './api-key.entity';
import { AuthenticatedApiKey } from '../auth/auth.decorators';
import { Scope } from '../auth/scopes';

export const API_KEY_PREFIX = 'pk_';
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
const LAST_USED_FLUSH_MS = 5_000;

export function looksLikeApiKey(secret: string): boolean {
  return secret.startsWith(API_KEY_PREFIX) && secret.length <= 128;
}

@Injectable()
export class ApiKeysService implements OnModuleDestroy {
  /** last_used_at is written in batches so authenticating never waits on a write. */
  private readonly lastUse: LastUseBuffer;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly clock: Clock,
    database: DatabaseState,
  ) {
    this.lastUse = new LastUseBuffer('api_keys', database, 'API key');
  }

  @Interval('apiKeys.flushLastUsed', LAST_USED_FLUSH_MS)
  flushOnSchedule(): Promise<void> {
    return this.flushLastUsed();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flushLastUsed();
  }

  async create(name: string, scopes: Scope[], expiresAt: string | undefined): Promise<{ key: ApiKey; secret: string }> {
    const expiry = expiresAt === undefined ? null : new Date(expiresAt);
    if (expiry && expiry.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestError('expiry_in_past', 'expires_at must be in the future');
    }
    if (await this.keys.existsBy({ name }))
      throw new ConflictError('api_key_name_taken', `An API key named "${name}" already exists`, { name });
    const secret = `${API_KEY_PREFIX}${randomBase62(40)}`;
    const key = this.keys.create({
      id: newId('key'),
      name,
      scopes: [...scopes].sort(),
      keyHash: hashToken(secret),
      prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH),
      expiresAt: expiry,
      lastUsedAt: null,
    });
    await this.keys.insert(key);
    return { key: await this.keys.findOneByOrFail({ id: key.id }), secret };
  }

  async list(): Promise<ApiKey[]> {
    await this.flushLastUsed();
    return this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async revoke(id: string): Promise<void> {
    const result = ID_PATTERN.test(id) ? await this.keys.delete({ id }) : { affected: 0 };
    if (!result.affected) throw new NotFoundError('api_key_not_found', `No API key with id "${id}"`);
  }

  /** Resolves a presented secret; null for unknown, revoked or expired keys. */
  async authenticate(secret: string): Promise<AuthenticatedApiKey | null> {
    if (!looksLikeApiKey(secret)) return null;
    const key = await this.keys.findOneBy({ keyHash: hashToken(secret) });
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    this.lastUse.record(key.id, this.clock.now());
    return { id: key.id, name: key.name, scopes: new Set(key.scopes as Scope[]) };
  }

  flushLastUsed(): Promise<void> {
    return this.lastUse.flush((sql, parameters) => this.keys.query(sql, parameters));
  }
}
