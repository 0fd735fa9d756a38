import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { temporaryUploadPath } from '../common/upload-spool';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { isUniqueViolation } from '../database/database-errors';
import { newId } from '../common/ids';
import { InvalidVersionError, normalizeVersion, sortVersionsDescending } from '../composer-semver';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { archiveLimitsFor, inspectArchive } from './archive-inspector';
import { ARCHIVE_STORAGE, ArchiveStorage } from './archive-storage';
import { ListPackagesQueryDto } from './dto/list-packages.query';
import {
  ArchiveStorageUnavailableError,
  ArchiveTooLargeError,
  PackageNameMismatchError,
  PackageNotFoundError,
  PackageOwnedBySourceError,
  VersionExistsError,
  VersionNotFoundError,
} from './packages.errors';
import { PackageDetailDto, PackagePageDto, PackageSummaryDto, PublishedVersionDto } from './dto/package-response.dto';
import { isValidPackageName } from './package-name';
import { PackageVersion } from './package-version.entity';
import { PackageVersionRepository } from './package-version.repository';
import { Package } from './package.entity';
import { PackageRepository } from './package.repository';
import { MAX_VERSION_LENGTH, resolvePublishedVersion } from './published-version';

export interface PublishInput {
  /** A local file holding the zip (the spooled upload), with its size and SHA-1 computed while it was written. */
  archive: { path: string; size: number; sha1: string };
  /** Overrides (and must agree with) composer.json's version. */
  version?: string;
  releasedAt?: Date;
}

/** One version built from a Git ref by a sync (see src/git-sources). */
export interface GitVersionInput {
  packageName: string;
  gitSourceId: string;
  archive: Buffer;
  version: string;
  versionNormalized: string;
  isDev: boolean;
  releasedAt: Date;
  /** The commit hash: dist.reference. */
  reference: string;
  defaultBranch: boolean;
}

/** Composer's order (Semver::rsort): highest first, default branches above numbered dev branches. */
export function sortNewestFirst(versions: PackageVersion[]): PackageVersion[] {
  const byVersion = new Map(versions.map((version) => [version.version, version]));
  return sortVersionsDescending(versions.map((version) => version.version)).map((version) => byVersion.get(version)!);
}

function versionEventData(version: PackageVersion): Record<string, unknown> {
  return {
    package: version.packageName,
    version: version.version,
    version_normalized: version.versionNormalized,
    shasum: version.shasum,
    released_at: version.releasedAt.toISOString(),
  };
}

@Injectable()
export class PackagesService {
  private readonly logger = new Logger(PackagesService.name);

  constructor(
    private readonly packages: PackageRepository,
    private readonly versions: PackageVersionRepository,
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly door: ChangeDoor,
  ) {}

  /**
   * Publishes one version from its zip. The archive is stored before the row is written and
   * removed again when the transaction fails, so a refused upload leaves neither behind (a crash
   * in between leaves an archive no row references: ArchiveSweeper removes it).
   */
  async publish(input: PublishInput): Promise<PublishedVersionDto> {
    const maxBytes = this.config.maxArchiveBytes;
    if (input.archive.size > maxBytes) throw new ArchiveTooLargeError(maxBytes);
    const { composerJson, name, readme } = await inspectArchive(input.archive.path, archiveLimitsFor(maxBytes));
    const resolved = resolvePublishedVersion(name, input.version, composerJson);

    const published = await this.findVersion(name, resolved.versionNormalized);
    if (published) throw new VersionExistsError(name, published.version, published.versionNormalized);

    const id = newId('ver');
    const storageKey = `${name}/${id}.zip`;
    try {
      await this.storage.put(storageKey, input.archive.path);
    } catch (error) {
      this.logger.error(`Storing archive "${storageKey}" failed: ${(error as Error).message}`);
      await this.discardArchive(storageKey);
      throw new ArchiveStorageUnavailableError((error as Error).name);
    }
    let version: PackageVersion;
    try {
      version = await this.door.run(async (unit) => {
        await this.lockOrCreatePackage(name, null);
        await this.assertOwner(name, null);
        const clash = await this.versions.findByNormalized(name, resolved.versionNormalized);
        if (clash) throw new VersionExistsError(name, clash.version, clash.versionNormalized);
        const saved = await this.versions.insert({
          id,
          packageName: name,
          version: resolved.version,
          versionNormalized: resolved.versionNormalized,
          isDev: resolved.isDev,
          composerJson,
          shasum: input.archive.sha1,
          sizeBytes: input.archive.size,
          storageKey,
          readme,
          releasedAt: input.releasedAt ?? new Date(),
        });
        await this.packages.markContentsChanged(name);
        unit.emit({ type: 'package.version_published', packageName: name, data: versionEventData(saved) });
        return saved;
      });
    } catch (error) {
      await this.discardArchive(storageKey);
      if (isUniqueViolation(error)) throw new VersionExistsError(name, resolved.version, resolved.versionNormalized);
      throw error;
    }
    return PublishedVersionDto.from(version);
  }

  /**
   * Publishes or replaces the version a Git ref gives, for the source that owns the package (or
   * makes it the owner of a new package). The archive is checked like an upload; the replaced
   * version's archive is removed after commit.
   */
  async putGitVersion(input: GitVersionInput): Promise<PackageVersion> {
    const maxBytes = this.config.maxArchiveBytes;
    if (input.archive.length > maxBytes) throw new ArchiveTooLargeError(maxBytes);
    // Storage and the inspector read files: `git archive` output is spooled like an upload.
    const spooled = temporaryUploadPath(this.config.dataDir, 'archive');
    await mkdir(dirname(spooled), { recursive: true });
    await writeFile(spooled, input.archive);
    try {
      return await this.putGitVersionFrom(spooled, input);
    } finally {
      await rm(spooled, { force: true });
    }
  }

  private async putGitVersionFrom(path: string, input: GitVersionInput): Promise<PackageVersion> {
    const maxBytes = this.config.maxArchiveBytes;
    const { composerJson, name, readme } = await inspectArchive(path, archiveLimitsFor(maxBytes));
    if (name !== input.packageName) throw new PackageNameMismatchError(input.packageName, name);

    const id = newId('ver');
    const storageKey = `${name}/${id}.zip`;
    try {
      await this.storage.put(storageKey, path);
    } catch (error) {
      await this.discardArchive(storageKey);
      throw new ArchiveStorageUnavailableError((error as Error).name);
    }
    let result: { saved: PackageVersion; replaced: PackageVersion | null };
    try {
      result = await this.door.run(async (unit) => {
        await this.lockOrCreatePackage(name, input.gitSourceId);
        await this.assertOwner(name, input.gitSourceId);
        const replaced = await this.versions.findByNormalized(name, input.versionNormalized);
        if (replaced) await this.versions.delete([replaced.id]);
        const saved = await this.versions.insert({
          id,
          packageName: name,
          version: input.version,
          versionNormalized: input.versionNormalized,
          isDev: input.isDev,
          composerJson,
          shasum: createHash('sha1').update(input.archive).digest('hex'),
          sizeBytes: input.archive.length,
          storageKey,
          releasedAt: input.releasedAt,
          readme,
          gitReference: input.reference,
          defaultBranch: input.defaultBranch,
        });
        await this.packages.markContentsChanged(name);
        if (replaced)
          unit.emit({ type: 'package.version_deleted', packageName: name, data: versionEventData(replaced) });
        unit.emit({ type: 'package.version_published', packageName: name, data: versionEventData(saved) });
        if (replaced) unit.afterCommit(() => this.discardArchive(replaced.storageKey));
        return { saved, replaced };
      });
    } catch (error) {
      await this.discardArchive(storageKey);
      throw error;
    }
    return result.saved;
  }

  /** Removes versions whose Git ref is gone, as deleting them by hand would. */
  async removeGitVersions(packageName: string, gitSourceId: string, versionsNormalized: string[]): Promise<void> {
    if (versionsNormalized.length === 0) return;
    await this.door.run(async (unit) => {
      await this.lockPackageOrFail(packageName);
      await this.assertOwner(packageName, gitSourceId);
      const rows = await this.versions.listByNormalized(packageName, versionsNormalized);
      if (rows.length === 0) return;
      await this.versions.delete(rows.map((row) => row.id));
      await this.packages.markContentsChanged(packageName);
      for (const row of rows) unit.emit({ type: 'package.version_deleted', packageName, data: versionEventData(row) });
      unit.afterCommit(async () => {
        for (const row of rows) await this.discardArchive(row.storageKey);
      });
    });
  }

  /** Deletes the package of a removed Git source, when that source owns it; anything else is left alone. */
  async deleteGitPackage(packageName: string, gitSourceId: string): Promise<void> {
    const pkg = await this.findPackage(packageName);
    if (!pkg || pkg.gitSourceId !== gitSourceId) return;
    await this.deletePackage(packageName);
  }

  async list(query: ListPackagesQueryDto): Promise<PackagePageDto> {
    const [packages, total] = await this.packages.search(query.limit, query.offset, query.q);
    const counts = await this.versions.countByPackage(packages.map((pkg) => pkg.name));
    return {
      data: packages.map((pkg) => PackageSummaryDto.from(pkg, counts.get(pkg.name) ?? 0)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async get(packageName: string): Promise<PackageDetailDto> {
    const pkg = await this.findPackage(packageName);
    if (!pkg) throw new PackageNotFoundError(packageName);
    return PackageDetailDto.fromVersions(pkg, await this.listVersions(packageName));
  }

  /** The package row (for contentsChangedAt), or null. */
  findPackage(packageName: string): Promise<Package | null> {
    return this.packages.findByName(packageName);
  }

  /** Every version of the package, newest first in Composer's order; [] for an unknown package. */
  async listVersions(packageName: string): Promise<PackageVersion[]> {
    if (!isValidPackageName(packageName)) return [];
    // A fixed input order keeps Composer's sort stable for pairs of dev branches, which it does not order.
    return sortNewestFirst(await this.versions.listByPackage(packageName));
  }

  async findVersion(packageName: string, versionNormalized: string): Promise<PackageVersion | null> {
    if (!isValidPackageName(packageName)) return null;
    return this.versions.findByNormalized(packageName, versionNormalized);
  }

  /** The README stored with a version at publish time (a column not loaded with the version itself). */
  readmeOf(versionId: string): Promise<string | null> {
    return this.versions.readmeOf(versionId);
  }

  /** Which of these storage keys a version row references (the archive sweep keeps those). */
  referencedStorageKeys(keys: string[]): Promise<Set<string>> {
    return this.versions.referencedStorageKeys(keys);
  }

  /** `version` may be given as published ("v1.0.0") or normalized ("1.0.0.0"). */
  async deleteVersion(packageName: string, version: string): Promise<void> {
    await this.door.run(async (unit) => {
      await this.lockPackageOrFail(packageName);
      if (version.length > MAX_VERSION_LENGTH) throw new VersionNotFoundError(packageName, version);
      const normalized = [version];
      try {
        normalized.push(normalizeVersion(version));
      } catch (error) {
        if (!(error instanceof InvalidVersionError)) throw error;
      }
      const row = await this.versions.findAsPublishedOrNormalized(packageName, version, normalized);
      if (!row) throw new VersionNotFoundError(packageName, version);
      await this.versions.delete([row.id]);
      await this.packages.markContentsChanged(packageName);
      unit.emit({ type: 'package.version_deleted', packageName, data: versionEventData(row) });
      unit.afterCommit(() => this.discardArchive(row.storageKey));
    });
  }

  /** Deletes the package, its versions and their archives. */
  async deletePackage(packageName: string): Promise<void> {
    await this.door.run(async (unit) => {
      await this.lockPackageOrFail(packageName);
      const versions = await this.versions.listByPackage(packageName);
      await this.packages.delete(packageName);
      for (const version of versions) {
        unit.emit({ type: 'package.version_deleted', packageName, data: versionEventData(version) });
      }
      unit.touchPackage(packageName);
      unit.afterCommit(async () => {
        for (const version of versions) await this.discardArchive(version.storageKey);
      });
    });
  }

  /**
   * Serializes writers of one package: creates its row (first version) or locks the existing one.
   * A concurrent first publish waits on the unique name; a concurrent delete of the package makes
   * the lock find nothing, and the insert is tried again. Returns whether the row was created.
   */
  private async lockOrCreatePackage(name: string, gitSourceId: string | null): Promise<boolean> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      if (await this.packages.insertIfAbsent(name, gitSourceId)) return true;
      if (await this.packages.lockForUpdate(name)) return false;
    }
    throw new Error(`Could not lock or create package "${name}"`);
  }

  /** A package has one source: uploads (null) or one Git repository. Call with the package locked. */
  private async assertOwner(name: string, gitSourceId: string | null): Promise<void> {
    const pkg = await this.packages.findByNameOrFail(name);
    if (pkg.gitSourceId !== gitSourceId) throw new PackageOwnedBySourceError(name, pkg.gitSourceId);
  }

  private async lockPackageOrFail(name: string): Promise<Package> {
    const pkg = await this.packages.lockForUpdate(name);
    if (!pkg) throw new PackageNotFoundError(name);
    return pkg;
  }

  /** After a rollback or a committed delete; a leftover file is harmless, so it is only logged. */
  private async discardArchive(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`Could not remove archive "${key}": ${(error as Error).message}`);
    }
  }
}
