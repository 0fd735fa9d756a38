import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "customers" (
        "id" varchar(32) NOT NULL,
        "name" varchar(200) NOT NULL,
        "email" varchar(320) NOT NULL,
        "external_id" varchar(200),
        "status" varchar(16) NOT NULL DEFAULT 'active',
        "status_reason" varchar(1000),
        "status_changed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "customers_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "customers_status_check" CHECK ("status" IN ('active', 'suspended', 'frozen', 'expired'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "customers_external_id_key" ON "customers" ("external_id")`);
    await queryRunner.query(`CREATE INDEX "customers_email_idx" ON "customers" ("email")`);
    await queryRunner.query(`CREATE INDEX "customers_created_at_id_idx" ON "customers" ("created_at", "id")`);

    await queryRunner.query(`
      CREATE TABLE "customer_tokens" (
        "id" varchar(32) NOT NULL,
        "customer_id" varchar(32) NOT NULL,
        "token_hash" char(64) NOT NULL,
        "prefix" varchar(16) NOT NULL,
        "label" varchar(200),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "customer_tokens_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "customer_tokens_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "customer_tokens_token_hash_key" ON "customer_tokens" ("token_hash")`);
    await queryRunner.query(
      `CREATE INDEX "customer_tokens_customer_id_idx" ON "customer_tokens" ("customer_id", "created_at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "access_grants" (
        "customer_id" varchar(32) NOT NULL,
        "package_name" varchar(200) NOT NULL,
        "constraint" varchar(500) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "access_grants_pkey" PRIMARY KEY ("customer_id", "package_name"),
        CONSTRAINT "access_grants_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "access_grants_package_name_idx" ON "access_grants" ("package_name")`);

    await queryRunner.query(`
      CREATE TABLE "frozen_versions" (
        "customer_id" varchar(32) NOT NULL,
        "package_name" varchar(200) NOT NULL,
        "version_normalized" varchar(100) NOT NULL,
        "version" varchar(100) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "frozen_versions_pkey" PRIMARY KEY ("customer_id", "package_name", "version_normalized"),
        CONSTRAINT "frozen_versions_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "frozen_versions"`);
    await queryRunner.query(`DROP TABLE "access_grants"`);
    await queryRunner.query(`DROP TABLE "customer_tokens"`);
    await queryRunner.query(`DROP TABLE "customers"`);
  }
}
