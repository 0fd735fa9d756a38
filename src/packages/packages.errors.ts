import { BadRequestError, ConflictError, DomainError, NotFoundError, UnprocessableError } from '../common/domain-error';
import { excerpt } from '../common/input-guard';

export class PackageNotFoundError extends NotFoundError {
  constructor(packageName: string) {
    super('package_not_found', `No package "${packageName}"`);
  }
}

export class VersionNotFoundError extends NotFoundError {
  constructor(packageName: string, version: string) {
    super('version_not_found', `Package "${packageName}" has no version "${excerpt(version)}"`);
  }
}

export class VersionExistsError extends ConflictError {
  constructor(packageName: string, version: string, versionNormalized: string) {
    super(
      'version_exists',
      `${packageName} ${version} is already published (as ${versionNormalized}); delete it first to replace it`,
      {
        package: packageName,
        version,
        version_normalized: versionNormalized,
      },
    );
  }
}

export class ArchiveMissingError extends BadRequestError {
  constructor() {
    super('archive_missing', 'Send the zip as the multipart file field "archive"');
  }
}

export class UnsupportedUploadTypeError extends DomainError {
  constructor() {
    super(415, 'unsupported_media_type', 'Send the archive as multipart/form-data (the file field "archive")');
  }
}

export class MalformedUploadError extends BadRequestError {
  constructor(reason: string) {
    super('malformed_multipart', `The upload is not a readable multipart/form-data body: ${reason}`);
  }
}

export class ArchiveTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super(413, 'archive_too_large', `The uploaded archive is larger than allowed (MAX_ARCHIVE_MB: ${maxBytes} bytes)`, {
      max_bytes: maxBytes,
    });
  }
}

export class VersionMissingError extends UnprocessableError {
  constructor(packageName: string) {
    super(
      'version_missing',
      `composer.json of ${packageName} has no "version": send the version as the form field "version"`,
    );
  }
}

export class InvalidPackageVersionError extends UnprocessableError {
  constructor(version: string, reason: string) {
    super('invalid_version', `"${excerpt(version)}" is not a valid Composer version: ${reason}`, { version });
  }
}

export class VersionMismatchError extends UnprocessableError {
  constructor(fieldVersion: string, composerJsonVersion: string) {
    super(
      'version_mismatch',
      `The form field version "${fieldVersion}" and composer.json's version "${composerJsonVersion}" are different versions`,
      { version: fieldVersion, composer_json_version: composerJsonVersion },
    );
  }
}

/** A package is published either by upload or from one Git repository, never both. */
export class PackageOwnedBySourceError extends ConflictError {
  constructor(packageName: string, ownerGitSourceId: string | null) {
    super(
      'package_source_conflict',
      ownerGitSourceId
        ? `${packageName} is published from the Git repository ${ownerGitSourceId}; push to it (or delete that repository first)`
        : `${packageName} is published by upload; delete the package first to publish it from a Git repository`,
      { package: packageName, repository_id: ownerGitSourceId },
    );
  }
}

export class PackageNameMismatchError extends UnprocessableError {
  constructor(expected: string, found: string) {
    super('package_name_mismatch', `composer.json names the package "${found}", not "${expected}"`, {
      expected,
      found,
    });
  }
}

/** The archive store (disk or bucket) refused or did not answer; nothing was published. */
export class ArchiveStorageUnavailableError extends DomainError {
  constructor(reason: string) {
    super(
      503,
      'archive_storage_unavailable',
      `The archive could not be stored: ${reason}; try again shortly`,
      undefined,
      { 'Retry-After': '5' },
    );
  }
}
