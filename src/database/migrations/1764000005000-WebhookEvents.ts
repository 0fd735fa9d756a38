import { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookEvents1764000005000 implements MigrationInterface {
  name = 'WebhookEvents1764000005000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "provider" varchar(16) NOT NULL,
        "event_id" varchar(255) NOT NULL,
        "type" varchar(100) NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "customer_id" varchar(32),
        "external_customer_id" varchar(200),
        "outcome" varchar(32) NOT NULL,
        CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("provider", "event_id"),
        CONSTRAINT "webhook_events_provider_check" CHECK ("provider" IN ('stripe', 'paddle')),
        CONSTRAINT "webhook_events_outcome_check" CHECK ("outcome" IN ('applied', 'ignored_unknown_customer', 'ignored_event_type', 'unchanged'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "webhook_events_customer_id_idx" ON "webhook_events" ("customer_id", "received_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "webhook_events_customer_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
  }
}
