import { Interval } from '@nestjs/schedule';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ChangeBus } from '../changes/change-bus.service';
import { ChangeDoor } from '../changes/change-door.service';
import { UnitOfWork } from '../changes/unit-of-work';
import { Clock } from '../common/clock';
import { Metrics } from '../observability/metrics.service';
import { HistoryService } from '../history/history.service';
import { BadRequestError, NotFoundError } from '../common/domain-error';
import { newId } from '../common/ids';
import { CustomerRepository } from '../customers/customer.repository';
import { CustomersService } from '../customers/customers.service';
import { CustomerToken } from './customer-token.entity';
import { CustomerTokenRepository } from './customer-token.repository';
import { IssuedTokenDto, TokenDto } from './dto/token.dto';
import { excerpt } from '../common/input-guard';
import { readCredentials } from '../auth/credentials';
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
export class TokensService implements OnModuleInit, OnModuleDestroy {
  /**
   * Composer sends credentials with every request; caching the lookup keeps warm requests off the
   * database. An entry is good while nothing changed its customer since it was read (ChangeBus),
   * so revoking a token, or any change to its customer, is seen by the very next request.
   */
  private readonly cache = new LRUCache<string, CachedToken>({ max: MAX_CACHED_TOKENS });
  /**
   * Authorization header → hash of the token it carries. Decoding and hashing cost a warm request
   * a tenth of its time; the pair never changes, so it is remembered, for cached tokens only (an
   * unknown header cannot push out the customers' entries).
   */
  private readonly hashesByHeader = new LRUCache<string, string>({ max: MAX_CACHED_TOKENS });

  constructor(
    private readonly tokens: CustomerTokenRepository,
    private readonly customers: CustomerRepository,
    private readonly customersService: CustomersService,
    private readonly door: ChangeDoor,
    private readonly bus: ChangeBus,
    private readonly history: HistoryService,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.customersService.issueFirstTokenWith(
      async (unit, customerId) => (await this.issueWith(unit, customerId, 'default', null)).secret,
    );
  }

  @Interval('tokens.flushLastUsed', LAST_USED_FLUSH_MS)
  flushOnSchedule(): Promise<void> {
    return this.flushLastUsed();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flushLastUsed();
  }

  /** Issues a token inside the caller's unit of work (customer creation issues the first one). */
  async issueWith(
    unit: UnitOfWork,
    customerId: string,
    label: string | null,
    expiresAt: Date | null,
  ): Promise<IssuedToken> {
    const secret = generateTokenSecret();
    const saved = await this.tokens.insert({
      id: newId('tkn'),
      customerId,
      tokenHash: hashToken(secret),
      prefix: visiblePrefix(secret),
      label,
      expiresAt,
      lastUsedAt: null,
    });
    await this.history.record(unit, { customerId, type: 'token.issued', after: tokenSnapshot(saved) });
    return { record: saved, secret };
  }

  async issue(
    customerId: string,
    label: string | null | undefined,
    expiresAt: Date | null | undefined,
  ): Promise<IssuedTokenDto> {
    const expiry = expiresAt ?? null;
    if (expiry && expiry.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestError('expiry_in_past', 'expires_at must be in the future');
    }
    const issued = await this.door.run(async (unit) => {
      await this.customers.findOrFail(customerId);
      return this.issueWith(unit, customerId, label ?? null, expiry);
    });
    return { ...TokenDto.from(issued.record), token: issued.secret };
  }

  async list(customerId: string): Promise<TokenDto[]> {
    await this.customers.findOrFail(customerId);
    const tokens = await this.tokens.listOfCustomer(customerId);
    return tokens.map((token) => TokenDto.from(token));
  }

  /** The customer's token with this id while it still works (not revoked, not expired), else null. */
  async findUsable(customerId: string, tokenId: string): Promise<CustomerToken | null> {
    const token = await this.tokens.findOfCustomer(customerId, tokenId);
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    return token;
  }

  async revoke(customerId: string, tokenId: string): Promise<void> {
    await this.door.run(async (unit) => {
      await this.customers.findOrFail(customerId);
      const token = await this.tokens.findOfCustomer(customerId, tokenId);
      if (!token)
        throw new NotFoundError('token_not_found', `Customer "${customerId}" has no token "${excerpt(tokenId)}"`);
      await this.tokens.delete(tokenId);
      await this.history.record(unit, { customerId, type: 'token.revoked', before: tokenSnapshot(token) });
    });
  }

  /** Resolves a presented secret to its customer; null for unknown, revoked or expired tokens. */
  async authenticate(secret: string): Promise<AuthenticatedToken | null> {
    const known = this.authenticateFromCache(secret);
    this.metrics.cacheLookup('token', known !== undefined);
    if (known !== undefined) return known;
    const hash = hashToken(secret);
    const stamp = this.bus.stamp();
    const row = await this.tokens.findByHash(hash);
    return this.usable(this.remember(hash, row, stamp));
  }

  /** Keeps what a read found (a token, or that there is none) unless its customer changed since `stamp`. */
  private remember(
    hash: string,
    row: Pick<CustomerToken, 'id' | 'customerId' | 'expiresAt'> | null,
    stamp: number,
  ): CachedToken['token'] {
    const cached: CachedToken = {
      stamp,
      token: row ? { tokenId: row.id, customerId: row.customerId, expiresAt: row.expiresAt } : null,
    };
    if (this.isCurrent(cached)) this.cache.set(hash, cached);
    return cached.token;
  }

  /** Loads these customers' tokens into memory ahead of their first requests (the Composer views' warm-up). */
  async warm(customerIds: string[]): Promise<void> {
    if (!this.bus.cacheable || customerIds.length === 0) return;
    const stamp = this.bus.stamp();
    for (const row of await this.tokens.listOfCustomers(customerIds)) this.remember(row.tokenHash, row, stamp);
  }

  /** The customers most likely to install next: those whose tokens were used most recently. */
  recentlyActiveCustomers(limit: number): Promise<string[]> {
    return this.tokens.customersByRecentUse(limit);
  }

  /** The same answer from memory alone; undefined when only the database can tell. */
  authenticateFromCache(secret: string): AuthenticatedToken | null | undefined {
    if (!looksLikeCustomerToken(secret)) return null;
    return this.fromCache(hashToken(secret));
  }

  /**
   * authenticateFromCache for a whole Authorization header (the Composer fast path); undefined also
   * for headers that carry no customer token, which the normal route then refuses.
   */
  authenticateHeaderFromCache(authorization: string | undefined): AuthenticatedToken | null | undefined {
    if (authorization === undefined) return undefined;
    const remembered = this.hashesByHeader.get(authorization);
    if (remembered !== undefined) return this.fromCache(remembered);
    const secret = readCredentials(authorization)?.secret;
    if (secret === undefined || !looksLikeCustomerToken(secret)) return undefined;
    const hash = hashToken(secret);
    const known = this.fromCache(hash);
    if (known) this.hashesByHeader.set(authorization, hash);
    return known;
  }

  private fromCache(hash: string): AuthenticatedToken | null | undefined {
    const cached = this.cache.get(hash);
    if (!cached || !this.isCurrent(cached)) return undefined;
    return this.usable(cached.token);
  }

  /** An unknown secret stays unknown (a new token has a new random hash); a known one follows its customer. */
  private isCurrent(cached: CachedToken): boolean {
    return this.bus.unchangedSince(cached.stamp, cached.token ? [cached.token.customerId] : [], []);
  }

  private usable(token: CachedToken['token']): AuthenticatedToken | null {
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    return { tokenId: token.tokenId, customerId: token.customerId };
  }

  recordUse(tokenId: string): void {
    this.tokens.recordUse(tokenId, new Date());
  }

  flushLastUsed(): Promise<void> {
    return this.tokens.flushLastUses();
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
