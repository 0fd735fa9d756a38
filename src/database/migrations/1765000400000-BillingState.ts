import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing follows the subscriptions' states: every report a provider sent about a subscription is
 * kept by the provider's customer id (so a customer linked later gets it), the customer row keeps
 * billing's last decision, the admin hold and the grace override, and history rows name the
 * provider event behind a change.
 */
export class BillingState1765000400000 implements MigrationInterface {
  name = 'BillingState1765000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "billing_reports" (
        "provider" varchar(16) NOT NULL,
        "event_id" varchar(255) NOT NULL,
        "external_customer_id" varchar(200) NOT NULL,
        "subscription_id" varchar(255) NOT NULL,
        "status" varchar(32) NOT NULL,
        "source" varchar(16) NOT NULL,
        "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "reason" varchar(1000) NOT NULL,
        CONSTRAINT "billing_reports_pkey" PRIMARY KEY ("provider", "event_id"),
        CONSTRAINT "billing_reports_source_check" CHECK ("source" IN ('subscription', 'payment'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "billing_reports_external_customer_id_idx" ON "billing_reports" ("external_customer_id")`,
    );

    await queryRunner.query(`ALTER TABLE "customers" ADD "billing_hold" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "customers" ADD "billing_grace_days" integer`);
    await queryRunner.query(`ALTER TABLE "customers" ADD "billing_status" varchar(16)`);
    await queryRunner.query(`ALTER TABLE "customers" ADD "billing_reason" varchar(1000)`);
    await queryRunner.query(`ALTER TABLE "customers" ADD "billing_review_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "customers" ADD CONSTRAINT "customers_billing_status_check" CHECK ("billing_status" IN ('active', 'suspended', 'frozen', 'expired'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "customers" ADD CONSTRAINT "customers_billing_grace_days_check" CHECK ("billing_grace_days" BETWEEN 0 AND 365)`,
    );
    await queryRunner.query(
      `CREATE INDEX "customers_billing_review_at_idx" ON "customers" ("billing_review_at") WHERE "billing_review_at" IS NOT NULL`,
    );

    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "billing_status" varchar(16)`);
    await queryRunner.query(
      `ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_billing_status_check" CHECK ("billing_status" IN ('active', 'suspended', 'frozen', 'expired'))`,
    );
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_outcome_check"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_outcome_check"
        CHECK ("outcome" IN ('applied', 'unchanged', 'held_by_admin', 'kept_unknown_customer', 'ignored_unknown_customer',
                             'ignored_event_type', 'ignored_no_subscription', 'ignored_out_of_order'))`);
    // Ordering now comes from the subscription reports, not from the newest applied event.
    await queryRunner.query(`DROP INDEX "webhook_events_applied_order_idx"`);
    await queryRunner.query(
      `CREATE INDEX "webhook_events_external_customer_id_idx" ON "webhook_events" ("external_customer_id", "received_at")`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events" ("received_at")`);

    await queryRunner.query(`ALTER TABLE "customer_events" ADD "provider_event_id" varchar(255)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "customer_events" DROP COLUMN "provider_event_id"`);
    await queryRunner.query(`DROP INDEX "webhook_events_received_at_idx"`);
    await queryRunner.query(`DROP INDEX "webhook_events_external_customer_id_idx"`);
    await queryRunner.query(`
      CREATE INDEX "webhook_events_applied_order_idx" ON "webhook_events" ("provider", "customer_id", "occurred_at")
        WHERE "outcome" = 'applied'`);
    // The earlier outcomes cannot say these: each changed nothing, or kept an event nobody used yet.
    await queryRunner.query(
      `UPDATE "webhook_events" SET "outcome" = 'unchanged' WHERE "outcome" IN ('held_by_admin', 'ignored_no_subscription')`,
    );
    await queryRunner.query(
      `UPDATE "webhook_events" SET "outcome" = 'ignored_unknown_customer' WHERE "outcome" = 'kept_unknown_customer'`,
    );
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_outcome_check"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_outcome_check"
        CHECK ("outcome" IN ('applied', 'ignored_unknown_customer', 'ignored_event_type', 'ignored_out_of_order', 'unchanged'))`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_billing_status_check"`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "billing_status"`);

    await queryRunner.query(`DROP INDEX "customers_billing_review_at_idx"`);
    await queryRunner.query(`ALTER TABLE "customers" DROP CONSTRAINT "customers_billing_grace_days_check"`);
    await queryRunner.query(`ALTER TABLE "customers" DROP CONSTRAINT "customers_billing_status_check"`);
    for (const column of [
      'billing_review_at',
      'billing_reason',
      'billing_status',
      'billing_grace_days',
      'billing_hold',
    ]) {
      await queryRunner.query(`ALTER TABLE "customers" DROP COLUMN "${column}"`);
    }
    await queryRunner.query(`DROP TABLE "billing_reports"`);
  }
}
