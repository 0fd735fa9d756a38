import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim is held by a lease its instance renews while the request runs, so the claim of a
 * request whose instance died is taken over within seconds instead of ten minutes.
 */
export class IdempotencyLease1765000010000 implements MigrationInterface {
  name = 'IdempotencyLease1765000010000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ADD "lease_until" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "lease_until"`);
  }
}
