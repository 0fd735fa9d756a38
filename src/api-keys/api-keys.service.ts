import { Interval } from '@nestjs/schedule';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { BadRequestError, ConflictError, NotFoundError } from '../common/domain-error';
import { newId, randomBase62 } from '../common/ids';
import { hashToken } from '../tokens/token-secret';
import { ApiKey } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
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
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

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
    if (await this.keys.existsWithName(name))
      throw new ConflictError('api_key_name_taken', `An API key named "${name}" already exists`, { name });
    const secret = `${API_KEY_PREFIX}${randomBase62(40)}`;
    const key = await this.keys.insert({
      id: newId('key'),
      name,
      scopes: [...scopes].sort(),
      keyHash: hashToken(secret),
      prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH),
      expiresAt: expiry,
      lastUsedAt: null,
    });
    return { key, secret };
  }

  async list(): Promise<ApiKey[]> {
    await this.flushLastUsed();
    return this.keys.list();
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.keys.delete(id))) throw new NotFoundError('api_key_not_found', `No API key with id "${id}"`);
  }

  /** Resolves a presented secret; null for unknown, revoked or expired keys. */
  async authenticate(secret: string): Promise<AuthenticatedApiKey | null> {
    if (!looksLikeApiKey(secret)) return null;
    const key = await this.keys.findByHash(hashToken(secret));
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    this.keys.recordUse(key.id, this.clock.now());
    return { id: key.id, name: key.name, scopes: new Set(key.scopes as Scope[]) };
  }

  flushLastUsed(): Promise<void> {
    return this.keys.flushLastUses();
  }
}
