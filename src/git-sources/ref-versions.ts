import {
  InvalidConstraintError,
  InvalidVersionError,
  isDevVersion,
  normalizeBranch,
  normalizeVersion,
  parseConstraints,
} from '../composer-semver';
import { ComposerJson } from '../packages/archive-inspector';

export interface RefVersion {
  /** As Composer shows it: the tag ("v2.3.0"), `dev-<branch>` or `<N>.x-dev`. */
  version: string;
  versionNormalized: string;
  isDev: boolean;
}

export type Resolution<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Resolution<T> => ({ ok: true, value });
const skip = <T>(reason: string): Resolution<T> => ({ ok: false, reason });

/** Longest ref name synced: versions are stored in 100 characters, with room for "dev-" and "-dev". */
export const MAX_REF_NAME_LENGTH = 90;

/**
 * Why a ref name is not synced, or undefined. Git allows names no version should carry (quotes,
 * `%`, `@{`, non-ASCII, very long); these are refused rather than escaped into metadata and URLs.
 */
export function unsafeRefName(name: string): string | undefined {
  if (name.length > MAX_REF_NAME_LENGTH) return `the name is longer than ${MAX_REF_NAME_LENGTH} characters`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+/-]*$/.test(name)) {
    return 'the name has characters other than letters, digits, ".", "_", "+", "-" and "/", or does not start with a letter or digit';
  }
  if (name.includes('..') || name.includes('//') || name.endsWith('/') || name.endsWith('.lock'))
    return 'the name is not a plain ref name';
  return undefined;
}

/** Composer's VcsRepository::validateTag(): the tag, less a `release-` prefix, normalizes as a release. */
export function tagVersion(tag: string): Resolution<RefVersion> {
  const unsafe = unsafeRefName(tag);
  if (unsafe) return skip(`unsafe tag name: ${unsafe}`);
  const name = tag.replaceAll('release-', '');
  let versionNormalized: string;
  try {
    versionNormalized = normalizeVersion(name);
  } catch (error) {
    if (error instanceof InvalidVersionError) return skip(`"${tag}" is not a Composer version, so it is not a release`);
    throw error;
  }
  // Composer strips a -dev suffix from tags, after which such a tag never matches its own name.
  if (isDevVersion(versionNormalized)) return skip(`"${tag}" names a dev version; only branches give dev versions`);
  return ok({ version: name, versionNormalized, isDev: false });
}

/** Composer's VcsRepository branch rules: `dev-<branch>`, or `<N>.x-dev` for `2.x` / `2.1`. */
export function branchVersion(branch: string): Resolution<RefVersion> {
  const unsafe = unsafeRefName(branch);
  if (unsafe) return skip(`unsafe branch name: ${unsafe}`);
  let normalized: string;
  try {
    normalized = normalizeBranch(branch);
    parseConstraints(normalized);
  } catch (error) {
    if (error instanceof InvalidVersionError || error instanceof InvalidConstraintError)
      return skip(`invalid branch name "${branch}"`);
    throw error;
  }
  if (normalized.startsWith('dev-') || normalized === '9999999-dev') {
    return ok({ version: `dev-${branch}`, versionNormalized: normalized, isDev: true });
  }
  const prefix = branch.startsWith('v') ? 'v' : '';
  return ok({ version: prefix + normalized.replace(/(\.9{7})+/, '.x'), versionNormalized: normalized, isDev: true });
}

/**
 * What composer.json at a ref may say: its name must be the package's, and on a tag a "version"
 * field must be that tag's version (Composer skips the tag otherwise). Returns the version to show.
 */
export function checkComposerJson(
  kind: 'tag' | 'branch',
  ref: RefVersion,
  composerJson: ComposerJson,
  packageName: string,
): Resolution<RefVersion> {
  if (composerJson.name !== packageName) {
    return skip(`composer.json names the package ${JSON.stringify(composerJson.name ?? null)}, not "${packageName}"`);
  }
  if (kind === 'branch' || composerJson.version === undefined) return ok(ref);
  const declared = composerJson.version;
  if (typeof declared !== 'string') return skip('the "version" in composer.json is not a string');
  let normalized: string;
  try {
    normalized = normalizeVersion(declared).replace(/(^dev-|[.-]?dev$)/i, '');
  } catch (error) {
    if (error instanceof InvalidVersionError)
      return skip(`the "version" ${JSON.stringify(declared)} in composer.json is not a Composer version`);
    throw error;
  }
  if (normalized !== ref.versionNormalized) {
    return skip(`the tag (${ref.versionNormalized}) does not match the version (${normalized}) in composer.json`);
  }
  return ok({ ...ref, version: declared.replace(/[.-]?dev$/i, '') });
}
