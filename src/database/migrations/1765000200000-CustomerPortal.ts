import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer portal: each version's README (read from its archive at publish time), a per-customer
 * switch for token self-service, and the table rate-limiter-flexible's PostgreSQL store uses for
 * failed-auth counters shared between instances (AUTH_FAILURE_STORE=postgres; no entity, the
 * library owns its rows).
 */
export class CustomerPortal1765000200000 implements MigrationInterface {
  name = 'CustomerPortal1765000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Versions published before this migration have no README: the portal says so.
    await queryRunner.query(`ALTER TABLE "package_versions" ADD "readme" text`);
    await queryRunner.query(`ALTER TABLE "customers" ADD "portal_token_self_service" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`
      CREATE TABLE "auth_failures" (
        "key" varchar(255) PRIMARY KEY,
        "points" integer NOT NULL DEFAULT 0,
        "expire" bigint
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth_failures"`);
    await queryRunner.query(`ALTER TABLE "customers" DROP COLUMN "portal_token_self_service"`);
    await queryRunner.query(`ALTER TABLE "package_versions" DROP COLUMN "readme"`);
  }
}
