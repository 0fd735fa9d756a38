import { MigrationInterface, QueryRunner } from 'typeorm';

/** Scoped API keys, and outbound webhook endpoints with their delivery log. */
export class ApiKeysAndWebhooks1765000700000 implements MigrationInterface {
  name = 'ApiKeysAndWebhooks1765000700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" character varying(32) NOT NULL,
        "name" character varying(64) NOT NULL,
        "scopes" text array NOT NULL,
        "key_hash" character(64) NOT NULL,
        "prefix" character varying(16) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys" ("name")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" ("key_hash")`);
    await queryRunner.query(`
      CREATE TABLE "webhook_endpoints" (
        "id" character varying(32) NOT NULL,
        "url" character varying(2000) NOT NULL,
        "events" text array NOT NULL,
        "secret" character varying(200) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" character varying(32) NOT NULL,
        "endpoint_id" character varying(32) NOT NULL,
        "event_id" character varying(32) NOT NULL,
        "event_sequence" bigint NOT NULL,
        "event_type" character varying(64) NOT NULL,
        "status" character varying(16) NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "last_attempt_at" TIMESTAMP WITH TIME ZONE,
        "response_status" integer,
        "duration_ms" integer,
        "last_error" character varying(500),
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_deliveries_endpoint_fk" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_deliveries_endpoint_event_key" ON "webhook_deliveries" ("endpoint_id", "event_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" ("endpoint_id", "event_sequence") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_log_idx" ON "webhook_deliveries" ("endpoint_id", "created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
