import { InvalidVersionError, isDevVersion, normalizeVersion } from '../composer-semver';
import { ComposerJson } from './archive-inspector';
import { InvalidPackageVersionError, VersionMismatchError, VersionMissingError } from './packages.errors';

export const MAX_VERSION_LENGTH = 100;

export interface ResolvedVersion {
  /** As published, trimmed: what Composer shows ("v2.1.0"). */
  version: string;
  versionNormalized: string;
  isDev: boolean;
}

/**
 * Composer's normalization, limited to what a published package may carry: no alias
 * (`1.0 as 2.0`), no stability flag (`@beta`), nothing longer than the column.
 */
export function normalizePublishedVersion(raw: string): ResolvedVersion {
  const version = raw.trim();
  if (version === '') throw new InvalidPackageVersionError(raw, 'it is empty');
  // Before any pattern runs: composer.json's version can be a megabyte long.
  if (version.length > MAX_VERSION_LENGTH)
    throw new InvalidPackageVersionError(raw, `it is longer than ${MAX_VERSION_LENGTH} characters`);
  if (/\s/.test(version))
    throw new InvalidPackageVersionError(raw, 'it contains whitespace (aliases are not published versions)');
  if (/@(stable|rc|beta|alpha|dev)$/i.test(version)) {
    throw new InvalidPackageVersionError(raw, 'a stability flag belongs in a constraint, not in a version');
  }
  let versionNormalized: string;
  try {
    versionNormalized = normalizeVersion(version);
  } catch (error) {
    if (error instanceof InvalidVersionError) throw new InvalidPackageVersionError(raw, error.message);
    throw error;
  }
  if (versionNormalized.length > MAX_VERSION_LENGTH) {
    throw new InvalidPackageVersionError(raw, `it is longer than ${MAX_VERSION_LENGTH} characters`);
  }
  return { version, versionNormalized, isDev: isDevVersion(version) };
}

/**
 * The version to publish: the form field when given, else composer.json's. When both are given
 * they must be the same version, so the stored composer.json never contradicts the record.
 */
export function resolvePublishedVersion(
  packageName: string,
  fieldVersion: string | undefined,
  composerJson: ComposerJson,
): ResolvedVersion {
  const declared = composerJson.version;
  if (declared !== undefined && typeof declared !== 'string') {
    throw new InvalidPackageVersionError(JSON.stringify(declared), 'the "version" in composer.json must be a string');
  }
  const fromField = fieldVersion !== undefined ? normalizePublishedVersion(fieldVersion) : undefined;
  const fromComposerJson = declared !== undefined ? normalizePublishedVersion(declared) : undefined;
  if (fromField && fromComposerJson && fromField.versionNormalized !== fromComposerJson.versionNormalized) {
    throw new VersionMismatchError(fromField.version, fromComposerJson.version);
  }
  const resolved = fromField ?? fromComposerJson;
  if (!resolved) throw new VersionMissingError(packageName);
  return resolved;
}
