import { MigrationInterface, QueryRunner } from 'typeorm';

export class PackageCatalog1764000001000 implements MigrationInterface {
  name = 'PackageCatalog1764000001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "packages" (
        "name" varchar(200) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "contents_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "packages_pkey" PRIMARY KEY ("name")
      )`);

    await queryRunner.query(`
      CREATE TABLE "package_versions" (
        "id" varchar(32) NOT NULL,
        "package_name" varchar(200) NOT NULL,
        "version" varchar(100) NOT NULL,
        "version_normalized" varchar(100) NOT NULL,
        "is_dev" boolean NOT NULL,
        "composer_json" jsonb NOT NULL,
        "shasum" char(40) NOT NULL,
        "size_bytes" bigint NOT NULL,
        "storage_key" varchar(300) NOT NULL,
        "released_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "package_versions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "package_versions_package_fk" FOREIGN KEY ("package_name") REFERENCES "packages"("name") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "package_versions_package_name_version_normalized_key" ON "package_versions" ("package_name", "version_normalized")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "package_versions"`);
    await queryRunner.query(`DROP TABLE "packages"`);
  }
}
