import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  ValueTransformer,
} from 'typeorm';
import { ComposerJson } from './archive-inspector';
import { Package } from './package.entity';

/** node-postgres returns bigint as a string; archive sizes stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'package_versions' })
@Index('package_versions_package_name_version_normalized_key', ['packageName', 'versionNormalized'], { unique: true })
export class PackageVersion {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'package_versions_pkey' })
  id: string;

  @Column({ name: 'package_name', type: 'varchar', length: 200 })
  packageName: string;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_name', foreignKeyConstraintName: 'package_versions_package_fk' })
  package?: Package;

  /** As published ("v2.1.0", "dev-main"). */
  @Column({ name: 'version', type: 'varchar', length: 100 })
  version: string;

  /** composer/semver's normalization ("2.1.0.0"); unique per package. */
  @Column({ name: 'version_normalized', type: 'varchar', length: 100 })
  versionNormalized: string;

  @Column({ name: 'is_dev', type: 'boolean' })
  isDev: boolean;

  /** The archive's composer.json object as uploaded (jsonb: key order is not kept). */
  @Column({ name: 'composer_json', type: 'jsonb' })
  composerJson: ComposerJson;

  /** SHA-1 of the archive bytes: the dist shasum Composer verifies. */
  @Column({ name: 'shasum', type: 'char', length: 40 })
  shasum: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes: number;

  /** Key of the archive in ArchiveStorage. */
  @Column({ name: 'storage_key', type: 'varchar', length: 300 })
  storageKey: string;

  /** The archive's README as text, for the customer portal; not loaded unless asked for (select: false). */
  @Column({ name: 'readme', type: 'text', nullable: true, select: false })
  readme?: string | null;
  /** Commit hash of a version synced from Git (its dist.reference); null for an upload. */
  @Column({ name: 'git_reference', type: 'varchar', length: 64, nullable: true })
  gitReference: string | null;

  /** The repository's default branch: `default-branch: true` in the metadata. */
  @Column({ name: 'default_branch', type: 'boolean', default: false })
  defaultBranch: boolean;

  @Column({ name: 'released_at', type: 'timestamptz' })
  releasedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
