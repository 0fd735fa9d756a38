import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { openBody, sealBody, sealingKey } from './response-sealing';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyKeyRepository, StoredAnswer } from './idempotency-key.repository';
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './idempotency.errors';
import { RecordedResponse } from './response-recorder';

/** How long a key is remembered after its first request arrived. */
export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/**
 * A claim not renewed for this long belongs to a request that can no longer finish (its instance
 * died mid-request), so the key may be claimed again. The instance running the request renews the
 * lease every CLAIM_RENEW_MS, however long the request takes (a large upload).
 */
export const CLAIM_LEASE_MS = 15_000;
const CLAIM_RENEW_MS = 5_000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** A key released or expired between the claim and the look-up is simply claimed again. */
const CLAIM_ATTEMPTS = 3;

export interface Claim {
  key: string;
  token: string;
}

export type ClaimOutcome = { kind: 'claimed'; claim: Claim } | { kind: 'replay'; response: RecordedResponse };

export type StoredKeyVerdict = 'replay' | 'reused' | 'in_progress' | 'claimable';

/** What a request with `fingerprint` gets from a key that is already stored. */
export function judgeStoredKey(
  stored: Pick<IdempotencyKey, 'fingerprint' | 'status' | 'leaseUntil' | 'expiresAt'>,
  fingerprint: string,
  now: Date,
): StoredKeyVerdict {
  if (stored.expiresAt.getTime() <= now.getTime()) return 'claimable';
  if (stored.status === 'in_progress' && stored.leaseUntil.getTime() <= now.getTime()) return 'claimable';
  if (stored.fingerprint !== fingerprint) return 'reused';
  return stored.status === 'completed' ? 'replay' : 'in_progress';
}

/**
 * Idempotency keys of the admin API. A request claims its key before its route runs. A successful
 * answer is stored in the same transaction as the change it reports (completeWithin), so after a
 * crash a retry either replays the committed answer or runs again on a rolled-back change; a 4xx
 * is stored afterwards (it changed nothing), while a 5xx releases the key for a retry.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  private readonly sealing: Buffer;
  private readonly held = new Map<string, string>();

  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sealing = sealingKey(config.adminToken);
  }

  /**
   * Claims `key` for a request, atomically: a new key is inserted, an expired key or an abandoned
   * claim is overwritten, and anything else is judged against the stored request.
   */
  async claim(key: string, scope: string, fingerprint: string): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      const now = this.clock.now();
      const token = randomUUID();
      const claimed = await this.keys.claim({
        key,
        scope,
        fingerprint,
        token,
        createdAt: now,
        expiresAt: new Date(now.getTime() + KEY_LIFETIME_MS),
        leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS),
      });
      if (claimed) {
        this.held.set(key, token);
        return { kind: 'claimed', claim: { key, token } };
      }

      const stored = await this.keys.find(key);
      const verdict = stored ? judgeStoredKey(stored, fingerprint, this.clock.now()) : 'claimable';
      if (stored && verdict === 'replay') {
        const body = openBody(stored.responseBody ?? '', this.sealing);
        if (body !== undefined)
          return {
            kind: 'replay',
            response: { status: stored.responseStatus!, headers: stored.responseHeaders ?? {}, body },
          };
        // Sealed under an earlier ADMIN_TOKEN: the answer cannot be repeated, so the key starts afresh.
        await this.keys.deleteCompleted(key, stored.fingerprint);
        if (attempt === CLAIM_ATTEMPTS) throw new IdempotencyKeyInProgressError(key);
        continue;
      }
      if (stored && verdict === 'reused') throw new IdempotencyKeyReusedError(key, stored.scope);
      if (verdict === 'in_progress' || attempt === CLAIM_ATTEMPTS) throw new IdempotencyKeyInProgressError(key);
    }
  }

  /**
   * Stores the answer of a successful request inside the transaction of its change. A claim taken
   * over meanwhile (its lease ran out) throws, which rolls the change back: the request that holds
   * the key now is the one that runs.
   */
  async completeWithin(claim: Claim, response: RecordedResponse): Promise<void> {
    if (!(await this.keys.completeInUnit(claim.key, claim.token, this.storedAnswer(response))))
      throw new IdempotencyKeyInProgressError(claim.key);
  }

  /** Stores the response of a claimed request; a claim taken over or completed in the meantime is left alone. */
  async complete(claim: Claim, response: RecordedResponse): Promise<void> {
    this.held.delete(claim.key);
    await this.keys.complete(claim.key, claim.token, this.storedAnswer(response));
  }

  private storedAnswer(response: RecordedResponse): StoredAnswer {
    return {
      responseStatus: response.status,
      responseHeaders: response.headers,
      responseBody: sealBody(response.body, this.sealing),
    };
  }

  /** Forgets a claim whose request failed on the server side, so that a retry runs it again. */
  async release(claim: Claim): Promise<void> {
    this.held.delete(claim.key);
    await this.keys.release(claim.key, claim.token);
  }

  /** Deletes expired keys; they are already ignored, this only keeps the table small. */
  async purgeExpired(): Promise<number> {
    return this.keys.deleteExpired(this.clock.now());
  }

  @Interval('idempotency.renewLeases', CLAIM_RENEW_MS)
  async renewLeases(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.keys.renewLeases(this.held, new Date(this.clock.now().getTime() + CLAIM_LEASE_MS));
    } catch (error) {
      this.logger.warn(`Renewing idempotency claims failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  @Interval('idempotency.purgeExpired', PURGE_INTERVAL_MS)
  async purgeExpiredQuietly(): Promise<void> {
    try {
      await this.purgeExpired();
    } catch (error) {
      this.logger.warn(
        `Purging expired idempotency keys failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
