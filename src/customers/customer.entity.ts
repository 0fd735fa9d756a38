import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { CUSTOMER_STATUSES, CustomerStatus, OnExpiry } from './customer-status';

@Entity({ name: 'customers' })
@Check('customers_status_check', `"status" IN ('active', 'suspended', 'frozen', 'expired')`)
@Check('customers_on_expiry_check', `"on_expiry" IN ('expire', 'freeze')`)
@Check(
  'customers_billing_status_check',
  `"billing_status" IN (${CUSTOMER_STATUSES.map((status) => `'${status}'`).join(', ')})`,
)
@Check('customers_billing_grace_days_check', `"billing_grace_days" BETWEEN 0 AND 365`)
@Index('customers_created_at_id_idx', ['createdAt', 'id'])
export class Customer {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'customers_pkey' })
  id: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Index('customers_email_idx')
  @Column({ name: 'email', type: 'varchar', length: 320 })
  email: string;

  @Index('customers_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'varchar', length: 200, nullable: true })
  externalId: string | null;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status: CustomerStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 1000, nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt: Date | null;

  /** When the subscription ends; from that instant the customer is treated per onExpiry. */
  @Index('customers_expires_at_idx', { where: `"status" IN ('active', 'suspended') AND "expires_at" IS NOT NULL` })
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'on_expiry', type: 'varchar', length: 16, default: 'freeze' })
  onExpiry: OnExpiry;

  /** Whether this customer may create and revoke their own tokens in the portal (PORTAL_TOKEN_SELF_SERVICE can turn it off for all). */
  @Column({ name: 'portal_token_self_service', type: 'boolean', default: true })
  portalTokenSelfService: boolean;
  /**
   * Set by a status an admin (or API key) chose: billing events then no longer change the status,
   * until the hold is released (billing/resume, or reactivate with follow_billing).
   */
  @Column({ name: 'billing_hold', type: 'boolean', default: false })
  billingHold: boolean;

  /** Days a past-due subscription keeps access; null: BILLING_GRACE_DAYS. */
  @Column({ name: 'billing_grace_days', type: 'integer', nullable: true })
  billingGraceDays: number | null;

  /** The status billing calls for, as last decided from the customer's subscriptions (null: billing knows none). */
  @Column({ name: 'billing_status', type: 'varchar', length: 16, nullable: true })
  billingStatus: CustomerStatus | null;

  @Column({ name: 'billing_reason', type: 'varchar', length: 1000, nullable: true })
  billingReason: string | null;

  /** When time alone changes billing's decision (a grace period ends); the expiry sweep looks again then. */
  @Index('customers_billing_review_at_idx', { where: `"billing_review_at" IS NOT NULL` })
  @Column({ name: 'billing_review_at', type: 'timestamptz', nullable: true })
  billingReviewAt: Date | null;

  /** Moves forward (by at least a second) on every change to what the customer may install. */
  @Column({
    name: 'access_changed_at',
    type: 'timestamptz',
    default: () => "(date_trunc('second', now()) + '00:00:01')",
  })
  accessChangedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
