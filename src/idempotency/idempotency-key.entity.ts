import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyKeyStatus = 'in_progress' | 'completed';

/** The response headers a replay must repeat; everything else is recomputed when it is sent again. */
export interface StoredResponseHeaders {
  'content-type'?: string;
  location?: string;
}

@Entity({ name: 'idempotency_keys' })
@Check('idempotency_keys_status_check', `"status" IN ('in_progress', 'completed')`)
@Check(
  'idempotency_keys_response_check',
  `"status" = 'in_progress' OR ("response_status" IS NOT NULL AND "response_headers" IS NOT NULL AND "response_body" IS NOT NULL)`,
)
export class IdempotencyKey {
  @PrimaryColumn({ name: 'key', type: 'varchar', length: 255, primaryKeyConstraintName: 'idempotency_keys_pkey' })
  key: string;

  /** Method and path of the first request, e.g. `POST /api/v1/customers` (for the 409 message). */
  @Column({ name: 'scope', type: 'text' })
  scope: string;

  /** SHA-256 (hex) of method, URL and body of the first request. */
  @Column({ name: 'fingerprint', type: 'char', length: 64 })
  fingerprint: string;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status: IdempotencyKeyStatus;

  /** Identifies the request holding the claim, so a claim taken over after its lease is not finished by the old holder. */
  @Column({ name: 'claim_token', type: 'uuid' })
  claimToken: string;

  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders: StoredResponseHeaders | null;

  /** The body exactly as sent (text, not jsonb, which would reorder the keys), sealed (response-sealing.ts). */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** While in progress: the claim is its request's until then; the owning instance keeps renewing it. */
  @Column({ name: 'lease_until', type: 'timestamptz', default: () => 'now()' })
  leaseUntil: Date;

  @Index('idempotency_keys_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
