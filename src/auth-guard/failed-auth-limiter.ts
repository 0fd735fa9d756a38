import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { looksLikeCustomerToken, visiblePrefix } from '../tokens/token-secret';

/** Created by migration 1765000200000; the layout rate-limiter-flexible's PostgreSQL store expects. */
export const AUTH_FAILURES_TABLE = 'auth_failures';

export type FailedAuthVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

export class TooManyFailedAuthenticationsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      429,
      'too_many_failed_authentications',
      `Too many failed authentication attempts from this address or for this token; try again in ${retryAfterSeconds} s`,
      { retry_after_seconds: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

interface Presented {
  address: string;
  secret: string;
}

/**
 * Counts failed authentications per client address and per presented token prefix, over a fixed
 * window. Only failures are counted and only failures are refused: callers check the credentials
 * first and admit valid ones whatever the counters say, so a customer is never slowed down by
 * someone else's failures from the same network or against the same prefix. Guessing a token
 * (238 random bits) is hopeless anyway; the limit keeps floods cheap and visible to the operator.
 */
@Injectable()
export class FailedAuthLimiter {
  private readonly logger = new Logger('FailedAuth');
  private readonly byAddress: RateLimiterAbstract;
  private readonly byPrefix: RateLimiterAbstract;
  /** Until when each key's burst has been logged, so a burst gives one log line, not one per request. */
  private readonly loggedUntil = new Map<string, number>();
  private rejections = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectDataSource() dataSource: DataSource) {
    const { perAddress, perTokenPrefix, windowSeconds, store } = config.authFailures;
    this.byAddress = createLimiter(store, dataSource, 'address', perAddress, windowSeconds);
    this.byPrefix = createLimiter(store, dataSource, 'prefix', perTokenPrefix, windowSeconds);
  }

  /** How many requests were answered 429 since start (for metrics). */
  get rejectedCount(): number {
    return this.rejections;
  }

  /** Records one failed authentication; limited when the address or the prefix is over its budget. */
  async recordFailure(presented: Presented): Promise<FailedAuthVerdict> {
    const prefixKey = prefixKeyOf(presented.secret);
    const [address, prefix] = await Promise.all([
      consume(this.byAddress, `address:${presented.address}`),
      consume(this.byPrefix, `prefix:${prefixKeyHash(prefixKey)}`),
    ]);
    const addressOver = address.consumedPoints > this.byAddress.points;
    const prefixOver = prefix.consumedPoints > this.byPrefix.points;
    if (!addressOver && !prefixOver) return { limited: false };
    this.rejections += 1;
    const retryAfterMs = Math.max(addressOver ? address.msBeforeNext : 0, prefixOver ? prefix.msBeforeNext : 0);
    if (addressOver) this.logBurst(`address ${presented.address}`, retryAfterMs);
    if (prefixOver) this.logBurst(`token prefix ${shownPrefix(prefixKey)}`, retryAfterMs);
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  /** Records a failure and throws 429 when over the limit; otherwise returns so the caller answers 401. */
  async failed(presented: Presented): Promise<void> {
    const verdict = await this.recordFailure(presented);
    if (verdict.limited) throw new TooManyFailedAuthenticationsError(verdict.retryAfterSeconds);
  }

  private logBurst(subject: string, retryAfterMs: number): void {
    const now = Date.now();
    if ((this.loggedUntil.get(subject) ?? 0) > now) return;
    if (this.loggedUntil.size > 10_000) this.loggedUntil.clear();
    this.loggedUntil.set(subject, now + retryAfterMs);
    this.logger.warn(
      `Too many failed authentications for ${subject}: answering 429 for ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** A refusal by the library is just "over the budget" here: the caller decides what to answer. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

function createLimiter(
  store: 'memory' | 'postgres',
  dataSource: DataSource,
  keyPrefix: string,
  points: number,
  duration: number,
): RateLimiterAbstract {
  const options = { keyPrefix: `auth_${keyPrefix}`, points, duration };
  if (store === 'memory') return new RateLimiterMemory(options);
  return new RateLimiterPostgres({
    ...options,
    storeClient: dataSource,
    storeType: 'typeorm',
    tableName: AUTH_FAILURES_TABLE,
    tableCreated: true,
    clearExpiredByTimeout: true,
    // While PostgreSQL cannot be reached, count in this instance's memory instead of failing requests.
    insuranceLimiter: new RateLimiterMemory(options),
  });
}

/** The part of a secret that identifies which token it claims to be: a customer token's visible prefix. */
function prefixKeyOf(secret: string): string {
  return looksLikeCustomerToken(secret) ? visiblePrefix(secret) : `other:${secret.slice(0, 10)}`;
}

/** Stored and compared hashed: the first characters of an admin-token guess need not sit in a table. */
function prefixKeyHash(prefixKey: string): string {
  return createHash('sha256').update(prefixKey, 'utf8').digest('hex').slice(0, 32);
}

/** Customer token prefixes are shown in token lists anyway; other secrets are never logged. */
function shownPrefix(prefixKey: string): string {
  return prefixKey.startsWith('other:') ? '(not a customer token)' : prefixKey;
}
