import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const CUSTOMER_EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.status_changed',
  'customer.frozen_versions_changed',
  'grant.created',
  'grant.updated',
  'grant.revoked',
  'token.issued',
  'token.revoked',
] as const;
export type CustomerEventType = (typeof CUSTOMER_EVENT_TYPES)[number];

/**
 * One change to a customer, kept after the customer is deleted (no foreign key), so a vendor can
 * always answer "why can't I install?".
 */
@Entity({ name: 'customer_events' })
@Index('customer_events_customer_id_idx', ['customerId', 'occurredAt'])
@Index('customer_events_occurred_at_idx', ['occurredAt'])
@Index('customer_events_type_idx', ['type', 'occurredAt'])
export class CustomerEvent {
  @PrimaryGeneratedColumn('identity', { name: 'id', type: 'bigint', primaryKeyConstraintName: 'customer_events_pkey' })
  id: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 32 })
  customerId: string;

  @Column({ name: 'type', type: 'varchar', length: 64 })
  type: CustomerEventType;

  @Column({ name: 'actor', type: 'varchar', length: 80 })
  actor: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** The billing provider's event id (Stripe evt_…, Paddle evt_…) when a billing event caused the change. */
  @Column({ name: 'provider_event_id', type: 'varchar', length: 255, nullable: true })
  providerEventId: string | null;

  @Column({ name: 'before', type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ name: 'after', type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;
}
