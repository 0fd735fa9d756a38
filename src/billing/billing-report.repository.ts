import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { BillingReport } from './billing-report.entity';
import { SubscriptionReport } from './billing-state';

/** The `billing_reports` table; inside a unit of work, on its transaction. */
@Injectable()
export class BillingReportRepository {
  constructor(private readonly door: ChangeDoor) {}

  /** A redelivered event's report is already kept: it is not written twice. */
  async insertIfNew(externalCustomerId: string, report: SubscriptionReport): Promise<void> {
    await this.door.manager.query(
      `INSERT INTO "billing_reports"
         ("provider", "event_id", "external_customer_id", "subscription_id", "status", "source", "reported_at", "ended_at", "reason")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("provider", "event_id") DO NOTHING`,
      [
        report.provider,
        report.eventId,
        externalCustomerId,
        report.subscriptionId,
        report.status,
        report.source,
        report.reportedAt,
        report.endedAt,
        report.reason.slice(0, 1000),
      ],
    );
  }

  async listForExternalCustomer(externalCustomerId: string): Promise<SubscriptionReport[]> {
    const rows = await this.door.manager.findBy(BillingReport, { externalCustomerId });
    return rows.map((row) => BillingReport.toReport(row));
  }
}
