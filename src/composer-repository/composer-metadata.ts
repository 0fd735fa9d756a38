import { PackageVersion } from '../packages/package-version.entity';

export type ComposerPackageEntry = Record<string, unknown>;

/** Keys whose values we compute; the rest of composer.json is passed through as published. */
const COMPUTED_KEYS = ['name', 'version', 'version_normalized', 'dist', 'source', 'time', 'default-branch'];

/** Composer prints times like "2024-01-15T10:30:00+00:00". */
export function composerTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function distUrl(
  publicUrl: string,
  version: Pick<PackageVersion, 'packageName' | 'versionNormalized' | 'shasum'>,
): string {
  return `${publicUrl}/dists/${version.packageName}/${encodeURIComponent(version.versionNormalized)}/${version.shasum}.zip`;
}

/** One full (unminified) metadata entry for a published version. */
export function composerEntry(version: PackageVersion, publicUrl: string): ComposerPackageEntry {
  const entry: ComposerPackageEntry = {
    name: version.packageName,
    version: version.version,
    version_normalized: version.versionNormalized,
  };
  for (const [key, value] of Object.entries(version.composerJson)) {
    if (!COMPUTED_KEYS.includes(key)) entry[key] = value;
  }
  entry.dist = {
    type: 'zip',
    url: distUrl(publicUrl, version),
    // A new archive needs a new cache key in Composer: an upload's identity is its hash, a Git
    // version's its commit (a moved tag is a new commit, hence a new archive and reference).
    reference: version.gitReference ?? version.shasum,
    shasum: version.shasum,
  };
  entry.time = composerTime(version.releasedAt);
  // Composer's VCS repositories mark the repository's default branch; Composer aliases it to 9999999-dev.
  if (version.defaultBranch) entry['default-branch'] = true;
  return entry;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * composer/metadata-minifier's minify(): each entry after the first keeps only what differs from
 * the expanded entry before it, and "__unset" marks a key that disappeared.
 */
export function minifyEntries(entries: ComposerPackageEntry[]): ComposerPackageEntry[] {
  const minified: ComposerPackageEntry[] = [];
  let previous: ComposerPackageEntry | undefined;
  for (const entry of entries) {
    if (!previous) {
      minified.push(entry);
      previous = { ...entry };
      continue;
    }
    const delta: ComposerPackageEntry = {};
    for (const [key, value] of Object.entries(entry)) {
      if (!(key in previous) || !sameValue(previous[key], value)) {
        delta[key] = value;
        previous[key] = value;
      }
    }
    for (const key of Object.keys(previous)) {
      if (!(key in entry)) {
        delta[key] = '__unset';
        delete previous[key];
      }
    }
    minified.push(delta);
  }
  return minified;
}

/** composer/metadata-minifier's expand(), the client's side: used to prove minify round-trips. */
export function expandEntries(minified: ComposerPackageEntry[]): ComposerPackageEntry[] {
  const expanded: ComposerPackageEntry[] = [];
  let current: ComposerPackageEntry | undefined;
  for (const delta of minified) {
    current = current ? { ...current } : {};
    for (const [key, value] of Object.entries(delta)) {
      if (value === '__unset') delete current[key];
      else current[key] = value;
    }
    expanded.push(current);
  }
  return expanded;
}

/** The body of `p2/vendor/name.json` (or `~dev.json`) for versions already sorted newest first. */
export function p2Document(packageName: string, versions: PackageVersion[], publicUrl: string): string {
  const entries = versions.map((version) => composerEntry(version, publicUrl));
  return JSON.stringify({ minified: 'composer/2.0', packages: { [packageName]: minifyEntries(entries) } });
}

export function rootDocument(publicUrl: string, availablePackages: string[]): string {
  return JSON.stringify({
    packages: [],
    // Absolute, so a PUBLIC_URL with a path prefix (behind a proxy) still resolves.
    'metadata-url': `${publicUrl}/p2/%package%.json`,
    'available-packages': availablePackages,
  });
}
