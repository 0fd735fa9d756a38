import { MigrationInterface, QueryRunner } from 'typeorm';

/** Packages published from Git repositories: the repositories, their syncs, and which source owns a package. */
export class GitSources1765000100000 implements MigrationInterface {
  name = 'GitSources1765000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "git_sources" (
        "id" varchar(32) NOT NULL,
        "url" varchar(2000) NOT NULL,
        "package_name" varchar(200) NOT NULL,
        "credentials_kind" varchar(16),
        "credentials_sealed" text,
        "webhook_secret_sealed" text NOT NULL,
        "default_branch" varchar(255),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "git_sources_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "git_sources_package_name_key" ON "git_sources" ("package_name")`);

    await queryRunner.query(`
      CREATE TABLE "git_syncs" (
        "id" varchar(32) NOT NULL,
        "source_id" varchar(32) NOT NULL,
        "status" varchar(16) NOT NULL,
        "trigger" varchar(16) NOT NULL,
        "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        "error" text,
        "refs" jsonb NOT NULL DEFAULT '[]',
        CONSTRAINT "git_syncs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
        CONSTRAINT "git_syncs_trigger_check" CHECK ("trigger" IN ('created', 'manual', 'webhook', 'schedule')),
        CONSTRAINT "git_syncs_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "git_syncs_source_fk" FOREIGN KEY ("source_id") REFERENCES "git_sources"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "git_syncs_one_queued_key" ON "git_syncs" ("source_id") WHERE "status" = 'queued'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "git_syncs_one_running_key" ON "git_syncs" ("source_id") WHERE "status" = 'running'`,
    );
    await queryRunner.query(`CREATE INDEX "git_syncs_source_id_idx" ON "git_syncs" ("source_id", "requested_at")`);

    await queryRunner.query(`ALTER TABLE "packages" ADD "git_source_id" varchar(32)`);
    await queryRunner.query(`ALTER TABLE "package_versions" ADD "git_reference" varchar(64)`);
    await queryRunner.query(`ALTER TABLE "package_versions" ADD "default_branch" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "package_versions" DROP COLUMN "default_branch"`);
    await queryRunner.query(`ALTER TABLE "package_versions" DROP COLUMN "git_reference"`);
    await queryRunner.query(`ALTER TABLE "packages" DROP COLUMN "git_source_id"`);
    await queryRunner.query(`DROP TABLE "git_syncs"`);
    await queryRunner.query(`DROP TABLE "git_sources"`);
  }
}
