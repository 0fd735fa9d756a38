import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing events arrive out of order: each event keeps the provider's own event time, and an event
 * older than one already applied to its customer is recorded as ignored_out_of_order.
 */
export class WebhookEventOrder1764000006000 implements MigrationInterface {
  name = 'WebhookEventOrder1764000006000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Nullable: rows received before this migration have no event time.
    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "occurred_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_outcome_check"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_outcome_check"
        CHECK ("outcome" IN ('applied', 'ignored_unknown_customer', 'ignored_event_type', 'ignored_out_of_order', 'unchanged'))`);
    // The newest applied event of a provider for a customer, looked up under the customer's row lock.
    await queryRunner.query(`
      CREATE INDEX "webhook_events_applied_order_idx" ON "webhook_events" ("provider", "customer_id", "occurred_at")
        WHERE "outcome" = 'applied'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "webhook_events_applied_order_idx"`);
    // The earlier outcomes cannot say "out of order": such an event changed nothing for a known customer.
    await queryRunner.query(
      `UPDATE "webhook_events" SET "outcome" = 'unchanged' WHERE "outcome" = 'ignored_out_of_order'`,
    );
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_outcome_check"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_outcome_check"
        CHECK ("outcome" IN ('applied', 'ignored_unknown_customer', 'ignored_event_type', 'unchanged'))`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "occurred_at"`);
  }
}
