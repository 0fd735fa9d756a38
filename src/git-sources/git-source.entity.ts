import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CredentialsKind = 'password' | 'ssh_key';

/**
 * A Git repository a package is published from. Its credentials and webhook secret are kept sealed
 * (AES-256-GCM, see secret-box.ts): a copy of the database alone reveals neither.
 */
@Entity({ name: 'git_sources' })
@Index('git_sources_package_name_key', ['packageName'], { unique: true })
export class GitSource {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'git_sources_pkey' })
  id: string;

  @Column({ name: 'url', type: 'varchar', length: 2000 })
  url: string;

  /** From composer.json on the default branch when the repository was added. */
  @Column({ name: 'package_name', type: 'varchar', length: 200 })
  packageName: string;

  @Column({ name: 'credentials_kind', type: 'varchar', length: 16, nullable: true })
  credentialsKind: CredentialsKind | null;

  @Column({ name: 'credentials_sealed', type: 'text', nullable: true })
  credentialsSealed: string | null;

  @Column({ name: 'webhook_secret_sealed', type: 'text' })
  webhookSecretSealed: string;

  /** As last seen on the remote (HEAD). */
  @Column({ name: 'default_branch', type: 'varchar', length: 255, nullable: true })
  defaultBranch: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
