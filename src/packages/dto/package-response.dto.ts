import { ApiProperty } from '@nestjs/swagger';
import { ComposerJson } from '../archive-inspector';
import { PackageVersion } from '../package-version.entity';
import { Package } from '../package.entity';
import { PageDtoOf } from '../../common/pagination.dto';

export class PublishedVersionDto {
  @ApiProperty({ example: 'ver_4Fz9Qk2LmN8pR1sT6vW0' })
  id: string;

  @ApiProperty({ example: 'acme/widget' })
  package: string;

  @ApiProperty({ example: 'v2.1.0', description: 'As published' })
  version: string;

  @ApiProperty({ example: '2.1.0.0', description: "Composer's normalized form" })
  version_normalized: string;

  @ApiProperty({ example: false, description: 'dev-* branch or *-dev version (served in the ~dev metadata)' })
  is_dev: boolean;

  @ApiProperty({
    example: '3f786850e387550fdab836ed7e6dc881de23001b',
    description: 'SHA-1 of the archive (dist.shasum)',
  })
  shasum: string;

  @ApiProperty({ example: 48213 })
  size_bytes: number;

  @ApiProperty({ format: 'date-time' })
  released_at: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Commit of a version synced from Git (its dist.reference); null for an upload',
  })
  git_reference: string | null;

  @ApiProperty({ example: false, description: "The Git repository's default branch (default-branch in the metadata)" })
  default_branch: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The archive's composer.json as uploaded",
    example: { name: 'acme/widget', require: { php: '>=8.1' }, autoload: { 'psr-4': { 'Acme\\': 'src/' } } },
  })
  composer_json: ComposerJson;

  static from(version: PackageVersion): PublishedVersionDto {
    return {
      id: version.id,
      package: version.packageName,
      version: version.version,
      version_normalized: version.versionNormalized,
      is_dev: version.isDev,
      shasum: version.shasum,
      size_bytes: version.sizeBytes,
      released_at: version.releasedAt.toISOString(),
      created_at: version.createdAt.toISOString(),
      git_reference: version.gitReference,
      default_branch: version.defaultBranch,
      composer_json: version.composerJson,
    };
  }
}

export class PackageSummaryDto {
  @ApiProperty({ example: 'acme/widget' })
  name: string;

  @ApiProperty({ example: 3 })
  version_count: number;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Last publish or delete of a version (Last-Modified of its metadata)',
  })
  contents_changed_at: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'The Git repository it is published from; null: published by upload',
  })
  repository_id: string | null;

  static from(pkg: Package, versionCount: number): PackageSummaryDto {
    return {
      name: pkg.name,
      version_count: versionCount,
      created_at: pkg.createdAt.toISOString(),
      contents_changed_at: pkg.contentsChangedAt.toISOString(),
      repository_id: pkg.gitSourceId,
    };
  }
}

export class PackagePageDto extends PageDtoOf(PackageSummaryDto) {}

export class PackageDetailDto extends PackageSummaryDto {
  @ApiProperty({ type: [PublishedVersionDto], description: "Newest first, in Composer's order" })
  versions: PublishedVersionDto[];

  static fromVersions(pkg: Package, versions: PackageVersion[]): PackageDetailDto {
    return {
      ...PackageSummaryDto.from(pkg, versions.length),
      versions: versions.map((version) => PublishedVersionDto.from(version)),
    };
  }
}
