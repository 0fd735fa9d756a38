import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1764000004000 implements MigrationInterface {
  name = 'IdempotencyKeys1764000004000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "key" varchar(255) NOT NULL,
        "scope" text NOT NULL,
        "fingerprint" char(64) NOT NULL,
        "status" varchar(16) NOT NULL,
        "claim_token" uuid NOT NULL,
        "response_status" smallint,
        "response_headers" jsonb,
        "response_body" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("key"),
        CONSTRAINT "idempotency_keys_status_check" CHECK ("status" IN ('in_progress', 'completed')),
        CONSTRAINT "idempotency_keys_response_check" CHECK (
          "status" = 'in_progress' OR ("response_status" IS NOT NULL AND "response_headers" IS NOT NULL AND "response_body" IS NOT NULL)
        )
      )`);
    // The periodic purge of expired keys.
    await queryRunner.query(`CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
