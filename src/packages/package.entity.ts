import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A package exists once a version of it has been published. */
@Entity({ name: 'packages' })
export class Package {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 200, primaryKeyConstraintName: 'packages_pkey' })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /**
   * Whole seconds, strictly increasing on every publish or delete of one of its versions: the
   * Composer metadata's Last-Modified, which clients revalidate with If-Modified-Since.
   */
  @Column({ name: 'contents_changed_at', type: 'timestamptz' })
  contentsChangedAt: Date;

  /**
   * The Git source (git_sources.id) that publishes this package, or null for a package published by
   * upload. A package has one source: uploads and other repositories are refused for it.
   */
  @Column({ name: 'git_source_id', type: 'varchar', length: 32, nullable: true })
  gitSourceId: string | null;
}
