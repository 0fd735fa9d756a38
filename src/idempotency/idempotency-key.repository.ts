import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThanOrEqual } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { IdempotencyKey } from './idempotency-key.entity';

export interface NewClaim {
  key: string;
  scope: string;
  fingerprint: string;
  token: string;
  createdAt: Date;
  expiresAt: Date;
  leaseUntil: Date;
}

export type StoredAnswer = Pick<IdempotencyKey, 'responseStatus' | 'responseHeaders' | 'responseBody'>;

/**
 * The `idempotency_keys` table. Claims, releases and late answers commit on their own, on the
 * pool: a key is claimed before the request's unit of work begins and released after it rolled
 * back. Only completeInUnit runs in the unit, so that a successful answer commits with its change.
 */
@Injectable()
export class IdempotencyKeyRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly door: ChangeDoor,
  ) {}

  /** Inserts the claim, or takes over an expired key or an abandoned claim; whether it did. */
  async claim(claim: NewClaim): Promise<boolean> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO "idempotency_keys" ("key", "scope", "fingerprint", "status", "claim_token", "created_at", "expires_at", "lease_until")
       VALUES ($1, $2, $3, 'in_progress', $4, $5, $6, $7)
       ON CONFLICT ("key") DO UPDATE
          SET "scope" = EXCLUDED."scope", "fingerprint" = EXCLUDED."fingerprint", "status" = EXCLUDED."status",
              "claim_token" = EXCLUDED."claim_token", "created_at" = EXCLUDED."created_at", "expires_at" = EXCLUDED."expires_at",
              "lease_until" = EXCLUDED."lease_until",
              "response_status" = NULL, "response_headers" = NULL, "response_body" = NULL
        WHERE "idempotency_keys"."expires_at" <= $5
           OR ("idempotency_keys"."status" = 'in_progress' AND "idempotency_keys"."lease_until" <= $5)
       RETURNING "key"`,
      [claim.key, claim.scope, claim.fingerprint, claim.token, claim.createdAt, claim.expiresAt, claim.leaseUntil],
    );
    return claimed.length === 1;
  }

  find(key: string): Promise<IdempotencyKey | null> {
    return this.dataSource.manager.findOneBy(IdempotencyKey, { key });
  }

  async deleteCompleted(key: string, fingerprint: string): Promise<void> {
    await this.dataSource.manager.delete(IdempotencyKey, { key, fingerprint, status: 'completed' });
  }

  /** Stores the answer in the current unit of work; false when the claim is no longer this request's. */
  async completeInUnit(key: string, token: string, answer: StoredAnswer): Promise<boolean> {
    return (await this.completeWith(this.door.manager, key, token, answer)) === 1;
  }

  /** Stores the answer on its own; a claim taken over or completed meanwhile is left alone. */
  async complete(key: string, token: string, answer: StoredAnswer): Promise<void> {
    await this.completeWith(this.dataSource.manager, key, token, answer);
  }

  async release(key: string, token: string): Promise<void> {
    await this.dataSource.manager.delete(IdempotencyKey, { key, claimToken: token, status: 'in_progress' });
  }

  /** How many expired keys it deleted. */
  async deleteExpired(now: Date): Promise<number> {
    return (await this.dataSource.manager.delete(IdempotencyKey, { expiresAt: LessThanOrEqual(now) })).affected ?? 0;
  }

  /** `held`: claim token by key. */
  async renewLeases(held: ReadonlyMap<string, string>, leaseUntil: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE "idempotency_keys" AS k SET "lease_until" = $3
         FROM unnest($1::varchar[], $2::uuid[]) AS h(key, token)
        WHERE k."key" = h.key AND k."claim_token" = h.token AND k."status" = 'in_progress'`,
      [[...held.keys()], [...held.values()], leaseUntil],
    );
  }

  private async completeWith(
    manager: EntityManager,
    key: string,
    token: string,
    answer: StoredAnswer,
  ): Promise<number | undefined> {
    const result = await manager.update(
      IdempotencyKey,
      { key, claimToken: token, status: 'in_progress' },
      { status: 'completed', ...answer },
    );
    return result.affected;
  }
}
