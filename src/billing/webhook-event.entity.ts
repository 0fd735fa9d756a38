import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CUSTOMER_STATUSES, CustomerStatus } from '../customers/customer-status';
import { BillingProvider } from './billing-state';

export const WEBHOOK_OUTCOMES = [
  'applied',
  'unchanged',
  'held_by_admin',
  'kept_unknown_customer',
  'ignored_unknown_customer',
  'ignored_event_type',
  'ignored_no_subscription',
  'ignored_out_of_order',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/**
 * One billing event received from a provider, kept so that each event id is applied at most once:
 * the primary key is what makes a replayed or concurrently re-delivered event a no-op.
 */
@Entity({ name: 'webhook_events' })
@Check('webhook_events_provider_check', `"provider" IN ('stripe', 'paddle')`)
@Check('webhook_events_outcome_check', `"outcome" IN (${WEBHOOK_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ')})`)
@Check(
  'webhook_events_billing_status_check',
  `"billing_status" IN (${CUSTOMER_STATUSES.map((status) => `'${status}'`).join(', ')})`,
)
@Index('webhook_events_customer_id_idx', ['customerId', 'receivedAt'])
@Index('webhook_events_external_customer_id_idx', ['externalCustomerId', 'receivedAt'])
@Index('webhook_events_received_at_idx', ['receivedAt'])
export class WebhookEvent {
  @PrimaryColumn({ name: 'provider', type: 'varchar', length: 16, primaryKeyConstraintName: 'webhook_events_pkey' })
  provider: BillingProvider;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'webhook_events_pkey' })
  eventId: string;

  @Column({ name: 'type', type: 'varchar', length: 100 })
  type: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** When the provider says the event happened (Stripe `created`, Paddle `occurred_at`); null for rows received before it was kept. */
  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  /** The Packyard customer the event was applied to; kept (no foreign key) after the customer is deleted. */
  @Column({ name: 'customer_id', type: 'varchar', length: 32, nullable: true })
  customerId: string | null;

  /** The provider's customer id named by the event, so an unmatched one can be traced. */
  @Column({ name: 'external_customer_id', type: 'varchar', length: 200, nullable: true })
  externalCustomerId: string | null;

  @Column({ name: 'outcome', type: 'varchar', length: 32 })
  outcome: WebhookOutcome;

  /** The customer status billing called for after this event (also when an admin hold kept it from applying). */
  @Column({ name: 'billing_status', type: 'varchar', length: 16, nullable: true })
  billingStatus: CustomerStatus | null;
}
