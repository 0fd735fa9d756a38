import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BillingProvider, ReportSource, SubscriptionReport, SubscriptionStatus } from './billing-state';

/**
 * What a provider event said about one subscription, kept by the provider's customer id (not by
 * Packyard customer), so that the state of a customer linked later is known, and so that a
 * customer's billing state is always derived from every report, whatever their order of arrival.
 */
@Entity({ name: 'billing_reports' })
@Check('billing_reports_source_check', `"source" IN ('subscription', 'payment')`)
@Index('billing_reports_external_customer_id_idx', ['externalCustomerId'])
export class BillingReport {
  @PrimaryColumn({ name: 'provider', type: 'varchar', length: 16, primaryKeyConstraintName: 'billing_reports_pkey' })
  provider: BillingProvider;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'billing_reports_pkey' })
  eventId: string;

  @Column({ name: 'external_customer_id', type: 'varchar', length: 200 })
  externalCustomerId: string;

  @Column({ name: 'subscription_id', type: 'varchar', length: 255 })
  subscriptionId: string;

  @Column({ name: 'status', type: 'varchar', length: 32 })
  status: SubscriptionStatus;

  @Column({ name: 'source', type: 'varchar', length: 16 })
  source: ReportSource;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'reason', type: 'varchar', length: 1000 })
  reason: string;

  static toReport(row: BillingReport): SubscriptionReport {
    return {
      provider: row.provider,
      eventId: row.eventId,
      subscriptionId: row.subscriptionId,
      status: row.status,
      source: row.source,
      reportedAt: row.reportedAt,
      endedAt: row.endedAt,
      reason: row.reason,
    };
  }
}
