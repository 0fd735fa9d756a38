import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AccessVersion } from '../common/access-version.service';
import { Clock } from '../common/clock';
import { DatabaseState } from '../database/database-state.service';
import { Metrics } from '../observability/metrics.service';
import { HistoryService } from '../history/history.service';
import { BadRequestError, NotFoundError } from '../common/domain-error';
import { ID_PATTERN, newId } from '../common/ids';
import { findCustomerOrFail } from '../customers/customer-lookup';
import { CustomerToken } from './customer-token.entity';
import { generateTokenSecret, hashToken, looksLikeCustomerToken, visiblePrefix } from './token-secret';

export interface IssuedToken {
  record: CustomerToken;
  secret: string;
}

export interface AuthenticatedToken {
  tokenId: string;
  customerId: string;
}

const LAST_USED_FLUSH_MS = 30_000;
const MAX_CACHED_TOKENS = 50_000;

interface CachedToken {
  stamp: number;
  token: (AuthenticatedToken & { expiresAt: Date | null }) | null;
}

@Injectable()
export class TokensService implements OnModuleDestroy {
  private readonly logger = new Logger(TokensService.name);
  /** last_used_at is written in batches so authenticating never waits on a write. */
  private readonly pendingLastUsed = new Map<string, Date>();
  private readonly flushTimer: NodeJS.Timeout;
  /**
   * Composer sends credentials with every request; caching the lookup keeps warm requests off the
   * database. Entries are dropped by any committed change (AccessVersion), e.g. a revoked token.
   */
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    @InjectRepository(CustomerToken) private readonly tokens: Repository<CustomerToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessVersion: AccessVersion,
    private readonly history: HistoryService,
    private readonly clock: Clock,
    private readonly database: DatabaseState,
    private readonly metrics: Metrics,
  ) {
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  /** Issues a token inside the caller's transaction (customer creation issues the first one). */
  async issueWith(manager: EntityManager, customerId: string, label: string | null, expiresAt: Date | null): Promise<IssuedToken> {
    const secret = generateTokenSecret();
    const record = manager.create(CustomerToken, {
      id: newId('tkn'),
      customerId,
      tokenHash: hashToken(secret),
      prefix: visiblePrefix(secret),
      label,
      expiresAt,
      lastUsedAt: null,
    });
    await manager.insert(CustomerToken, record);
    const saved = await manager.findOneByOrFail(CustomerToken, { id: record.id });
    await this.history.record(manager, { customerId, type: 'token.issued', after: tokenSnapshot(saved) });
    return { record: saved, secret };
  }

  async issue(customerId: string, label: string | undefined, expiresAt: string | undefined): Promise<IssuedToken> {
    const expiry = expiresAt === undefined ? null : new Date(expiresAt);
    if (expiry && expiry.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestError('expiry_in_past', 'expires_at must be in the future');
    }
    const issued = await this.dataSource.transaction(async (manager) => {
      await findCustomerOrFail(manager, customerId);
      return this.issueWith(manager, customerId, label ?? null, expiry);
    });
    this.accessVersion.bump();
    return issued;
  }

  async list(customerId: string): Promise<CustomerToken[]> {
    await findCustomerOrFail(this.dataSource.manager, customerId);
    return this.tokens.find({ where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async revoke(customerId: string, tokenId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await findCustomerOrFail(manager, customerId);
      const token = ID_PATTERN.test(tokenId) ? await manager.findOneBy(CustomerToken, { id: tokenId, customerId }) : null;
      if (!token) throw new NotFoundError('token_not_found', `Customer "${customerId}" has no token "${tokenId}"`);
      await manager.delete(CustomerToken, { id: tokenId });
      await this.history.record(manager, { customerId, type: 'token.revoked', before: tokenSnapshot(token) });
    });
    this.accessVersion.bump();
  }

  /** Resolves a presented secret to its customer; null for unknown, revoked or expired tokens. */
  async authenticate(secret: string): Promise<AuthenticatedToken | null> {
    const known = this.authenticateFromCache(secret);
    this.metrics.cacheLookup('token', known !== undefined);
    if (known !== undefined) return known;
    const hash = hashToken(secret);
    const stamp = this.accessVersion.value;
    const row = await this.tokens.findOne({ where: { tokenHash: hash } });
    const cached: CachedToken = { stamp, token: row ? { tokenId: row.id, customerId: row.customerId, expiresAt: row.expiresAt } : null };
    if (this.cache.size >= MAX_CACHED_TOKENS) this.cache.clear();
    if (stamp === this.accessVersion.value) this.cache.set(hash, cached);
    return this.usable(cached.token);
  }

  /** The same answer from memory alone; undefined when only the database can tell. */
  authenticateFromCache(secret: string): AuthenticatedToken | null | undefined {
    if (!looksLikeCustomerToken(secret)) return null;
    const cached = this.cache.get(hashToken(secret));
    if (!cached || cached.stamp !== this.accessVersion.value) return undefined;
    return this.usable(cached.token);
  }

  private usable(token: CachedToken['token']): AuthenticatedToken | null {
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    return { tokenId: token.tokenId, customerId: token.customerId };
  }

  recordUse(tokenId: string): void {
    this.pendingLastUsed.set(tokenId, new Date());
  }

  async flushLastUsed(): Promise<void> {
    if (this.pendingLastUsed.size === 0) return;
    const batch = new Map(this.pendingLastUsed);
    this.pendingLastUsed.clear();
    try {
      // One statement for the whole batch: with thousands of active tokens this runs every flush.
      await this.dataSource.query(
        `UPDATE "customer_tokens" AS t SET "last_used_at" = v.used_at
           FROM unnest($1::varchar[], $2::timestamptz[]) AS v(id, used_at)
          WHERE t."id" = v.id`,
        [[...batch.keys()], [...batch.values()]],
      );
    } catch (error) {
      // During an outage the uses wait for the next flush (one per interval, not per request); the outage is logged once elsewhere.
      if (this.database.reportFailure(error)) {
        for (const [tokenId, usedAt] of batch) if (!this.pendingLastUsed.has(tokenId)) this.pendingLastUsed.set(tokenId, usedAt);
        return;
      }
      this.logger.warn(`Could not record token use: ${(error as Error).message}`);
    }
  }
}

function tokenSnapshot(token: CustomerToken): Record<string, unknown> {
  return {
    token_id: token.id,
    label: token.label,
    prefix: token.prefix,
    expires_at: token.expiresAt ? token.expiresAt.toISOString() : null,
  };
}
