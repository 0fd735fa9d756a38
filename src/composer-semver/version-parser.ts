/**
 * Port of composer/semver 3.x `VersionParser` (normalisation and stability
 * detection) plus PHP's `version_compare()`, which every constraint match
 * ultimately relies on.
 *
 * The regular expressions are transcribed from the PCRE originals. Where PCRE
 * and JavaScript disagree the PCRE meaning is reproduced with the fragments
 * below, so that odd inputs are accepted or rejected exactly like Composer.
 */

/** PCRE `\s` in PHP (non-UTF mode) is ASCII-only and includes VT; JS `\s` also matches Unicode spaces. */
export const PCRE_SPACE = '\\t\\n\\v\\f\\r ';
/** PCRE `$` (no D modifier) also matches before a final newline; JS `$` only at the very end. */
export const PCRE_END = '(?=\\n?$)';
/** PCRE `.` only excludes `\n`; JS `.` also excludes `\r`, U+2028 and U+2029. */
export const PCRE_ANY = '[^\\n]';

/**
 * Pre-release / patch suffix. composer/semver writes `(?:[.-]?\d+)*+`; the
 * possessive quantifier cannot change the outcome here because nothing that
 * may follow it can start with a digit, so a greedy star is equivalent.
 */
export const MODIFIER_REGEX = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
export const STABILITIES_REGEX = 'stable|RC|beta|alpha|dev';

export type Stability = 'dev' | 'alpha' | 'beta' | 'RC' | 'stable';

/** Thrown where composer/semver's `VersionParser::normalize()` throws `UnexpectedValueException`. */
export class InvalidVersionError extends Error {
  constructor(
    readonly version: string,
    message: string = `Invalid version string "${version}"`,
  ) {
    super(message);
    this.name = 'InvalidVersionError';
  }
}

/** Regex capture groups as they really are at runtime: unmatched groups are `undefined`. */
export type Captures = ReadonlyArray<string | undefined>;

/** PHP's `trim()` default character list: unlike String#trim it strips NUL but not form feed or Unicode spaces. */
export function phpTrim(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL and vertical tab are exactly what PHP trims.
  return value.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

/** PHP 8 `strtolower()` is byte-wise ASCII; String#toLowerCase would also fold non-ASCII letters. */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** PHP `empty()` on a capture group: unset, '' and '0' all count as empty. */
export function phpEmpty(value: string | undefined): boolean {
  return value === undefined || value === '' || value === '0';
}

/** `isset($m[$i]) && '' !== $m[$i]`: PHP reports unmatched groups as unset or '', and '0' still counts. */
export function isCaptured(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** PHP truthiness of a string, used where composer/semver writes `if ($string)`. */
export function phpTruthy(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value !== '' && value !== '0';
}

export function escapeRegExp(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

const ALIAS_RE = new RegExp(`^([^,${PCRE_SPACE}]+) +as +([^,${PCRE_SPACE}]+)${PCRE_END}`);
const STABILITY_FLAG_RE = new RegExp(`@(?:${STABILITIES_REGEX})${PCRE_END}`, 'i');
const BRANCH_PREFIX_RE = /^dev-/i;
const BUILD_METADATA_RE = new RegExp(`^([^,${PCRE_SPACE}+]+)\\+[^${PCRE_SPACE}]+${PCRE_END}`);
const CLASSICAL_RE = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER_REGEX}${PCRE_END}`, 'i');
const DATE_RE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER_REGEX}${PCRE_END}`, 'i');
const DEV_SUFFIX_RE = new RegExp(`(${PCRE_ANY}*?)[.-]?dev${PCRE_END}`, 'i');
const NUMERIC_BRANCH_RE = new RegExp(
  `^v?(\\d+)(\\.(?:\\d+|[xX*]))?(\\.(?:\\d+|[xX*]))?(\\.(?:\\d+|[xX*]))?${PCRE_END}`,
  'i',
);
const BUILD_OR_REF_SUFFIX_RE = new RegExp(`#${PCRE_ANY}+${PCRE_END}`, 'g');
const STABILITY_SUFFIX_RE = new RegExp(`${MODIFIER_REGEX}(?:\\+${PCRE_ANY}*)?${PCRE_END}`, 'i');

/** Like `VersionParser::parseStability()`; works on raw or normalized versions. */
export function parseStability(version: string): Stability {
  const withoutRef = version.replace(BUILD_OR_REF_SUFFIX_RE, '');
  if (withoutRef.startsWith('dev-') || withoutRef.slice(-4) === '-dev') {
    return 'dev';
  }

  const match: Captures = STABILITY_SUFFIX_RE.exec(asciiLower(withoutRef)) ?? [];
  if (!phpEmpty(match[3])) {
    return 'dev';
  }
  switch (match[1]) {
    case 'beta':
    case 'b':
      return 'beta';
    case 'alpha':
    case 'a':
      return 'alpha';
    case 'rc':
      return 'RC';
    default:
      return 'stable';
  }
}

/**
 * Whether Composer treats the version as a development version (Package::isDev(),
 * i.e. what belongs in the `~dev` metadata file): `dev-*` branches, `*-dev`
 * versions such as `1.0.x-dev`, and the rarer `1.0.0dev` spelling.
 */
export function isDevVersion(version: string): boolean {
  return parseStability(version) === 'dev';
}

/** Like `VersionParser::normalizeStability()`. */
export function normalizeStability(stability: string): string {
  const lower = asciiLower(stability);
  return lower === 'rc' ? 'RC' : lower;
}

function expandStability(stability: string): string {
  const lower = asciiLower(stability);
  switch (lower) {
    case 'a':
      return 'alpha';
    case 'b':
      return 'beta';
    case 'p':
    case 'pl':
      return 'patch';
    case 'rc':
      return 'RC';
    default:
      return lower;
  }
}

/** Appends `-<stability><n>` and `-dev` from the modifier groups starting at `index`. */
function appendModifiers(version: string, match: Captures, index: number): string {
  let result = version;
  const stability = match[index];
  if (!phpEmpty(stability) && stability !== undefined) {
    // Only the exact lowercase spelling short-circuits; `STABLE` becomes `-stable`.
    if (stability === 'stable') {
      return result;
    }
    const number = match[index + 1];
    result += `-${expandStability(stability)}${isCaptured(number) ? number.replace(/^[.-]+/, '') : ''}`;
  }
  if (!phpEmpty(match[index + 2])) {
    result += '-dev';
  }
  return result;
}

function describeAliasProblem(version: string, fullVersion: string): string {
  const quoted = escapeRegExp(version);
  const flag = `(?:@(?:${STABILITIES_REGEX}))?`;
  if (new RegExp(` +as +${quoted}${flag}${PCRE_END}`).test(fullVersion)) {
    return ` in "${fullVersion}", the alias must be an exact version`;
  }
  if (new RegExp(`^${quoted}${flag} +as +`).test(fullVersion)) {
    return ` in "${fullVersion}", the alias source must be an exact version, if it is a branch name you should prefix it with dev-`;
  }
  return '';
}

/**
 * Like `VersionParser::normalize()`: `1.2` → `1.2.0.0`, `v2.0-RC1` → `2.0.0.0-RC1`,
 * `1.0.x-dev` → `1.0.9999999.9999999-dev`, `dev-main` stays as is.
 *
 * @param fullVersion only used to improve the error message when normalising one side of an alias
 * @throws InvalidVersionError
 */
export function normalizeVersion(version: string, fullVersion?: string): string {
  let current = phpTrim(version);
  const origVersion = current;
  const full = fullVersion ?? current;

  const alias = ALIAS_RE.exec(current);
  if (alias) {
    current = alias[1];
  }

  const flag = STABILITY_FLAG_RE.exec(current);
  if (flag) {
    current = current.slice(0, current.length - flag[0].length);
  }

  // Composer 1 accepted these bare branch names as constraints.
  if (current === 'master' || current === 'trunk' || current === 'default') {
    current = `dev-${current}`;
  }

  if (BRANCH_PREFIX_RE.test(current)) {
    return `dev-${current.slice(4)}`;
  }

  const build = BUILD_METADATA_RE.exec(current);
  if (build) {
    current = build[1];
  }

  const classical: Captures | null = CLASSICAL_RE.exec(current);
  if (classical) {
    const numeric = [classical[1], classical[2] || '.0', classical[3] || '.0', classical[4] || '.0'].join('');
    return appendModifiers(numeric, classical, 5);
  }

  const date = DATE_RE.exec(current);
  if (date) {
    return appendModifiers(date[1].replace(/\D/g, '.'), date, 2);
  }

  const devSuffix = DEV_SUFFIX_RE.exec(current);
  if (devSuffix) {
    const normalized = normalizeBranch(devSuffix[1]);
    // `foo-dev` would come back as `dev-foo`: only numeric branches may use the suffix form.
    if (!normalized.includes('dev-')) {
      return normalized;
    }
  }

  throw new InvalidVersionError(
    origVersion,
    `Invalid version string "${origVersion}"${describeAliasProblem(current, full)}`,
  );
}

/** Like `VersionParser::normalizeBranch()`: `1.x` → `1.9999999.9999999.9999999-dev`, `main` → `dev-main`. */
export function normalizeBranch(name: string): string {
  const trimmed = phpTrim(name);
  const match: Captures | null = NUMERIC_BRANCH_RE.exec(trimmed);
  if (match) {
    let version = '';
    for (let i = 1; i < 5; i++) {
      const part = match[i];
      version += part !== undefined ? part.replace(/[*X]/g, 'x') : '.x';
    }
    return `${version.replace(/x/g, '9999999')}-dev`;
  }
  return `dev-${trimmed}`;
}

/** Like the deprecated `VersionParser::normalizeDefaultBranch()`, still used by `Semver::sort()`. */
export function normalizeDefaultBranch(name: string): string {
  if (name === 'dev-master' || name === 'dev-default' || name === 'dev-trunk') {
    return '9999999-dev';
  }
  return name;
}

// ---------------------------------------------------------------------------
// PHP version_compare()
// ---------------------------------------------------------------------------

export type VersionCompareOperator = '==' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

const DOT = 0x2e;
const HASH = 0x23;
const LONG_MAX = 2n ** 63n - 1n;
const NUMBER_SENTINEL = Uint8Array.of(HASH, 0x4e, HASH); // "#N#"
const utf8 = new TextEncoder();

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isSpecialSeparator = (c: number): boolean => c === 0x2d || c === 0x5f || c === 0x2b; // - _ +

/** Turns `1.0rc1-dev` into `1.0.rc.1.dev` (php_canonicalize_version, byte for byte). */
function canonicalize(version: Uint8Array): Uint8Array {
  if (version.length === 0) {
    return version;
  }
  const out: number[] = [version[0]];
  let previous = version[0];
  for (let i = 1; i < version.length; i++) {
    const c = version[i];
    const lastOut = out[out.length - 1];
    const digitBoundary =
      (!isDigit(previous) && previous !== DOT && isDigit(c)) || (isDigit(previous) && !isDigit(c) && c !== DOT);
    if (isSpecialSeparator(c)) {
      if (lastOut !== DOT) out.push(DOT);
    } else if (digitBoundary) {
      if (lastOut !== DOT) out.push(DOT);
      out.push(c);
    } else if (!isAlnum(c)) {
      if (lastOut !== DOT) out.push(DOT);
    } else {
      out.push(c);
    }
    previous = c;
  }
  return Uint8Array.from(out);
}

const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

/** Prefix match like `strncmp(form, name, strlen(name))`, so `bogus` ranks as beta and `patch` as pl. */
function specialFormOrder(form: Uint8Array): number {
  for (const [name, order] of SPECIAL_FORMS) {
    if (name.length <= form.length && [...name].every((ch, i) => form[i] === ch.charCodeAt(0))) {
      return order;
    }
  }
  return -1;
}

const sign = (n: number | bigint): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

/** strtol() on a segment that starts with a digit, saturating like glibc on overflow. */
function segmentNumber(segment: Uint8Array): bigint {
  let end = 0;
  while (isDigit(segment[end])) end++;
  const value = BigInt(String.fromCharCode(...segment.subarray(0, end)));
  return value > LONG_MAX ? LONG_MAX : value;
}

function compareSegments(a: Uint8Array, b: Uint8Array): number {
  if (isDigit(a[0]) && isDigit(b[0])) {
    return sign(segmentNumber(a) - segmentNumber(b));
  }
  if (!isDigit(a[0]) && !isDigit(b[0])) {
    return sign(specialFormOrder(a) - specialFormOrder(b));
  }
  return isDigit(a[0])
    ? sign(specialFormOrder(NUMBER_SENTINEL) - specialFormOrder(b))
    : sign(specialFormOrder(a) - specialFormOrder(NUMBER_SENTINEL));
}

/** php_version_compare() on C strings; mirrors its pointer walk including its quirks (e.g. `1.` < `1`). */
function compareBytes(v1: Uint8Array, v2: Uint8Array): number {
  if (v1.length === 0 || v2.length === 0) {
    return v1.length === 0 && v2.length === 0 ? 0 : v1.length !== 0 ? 1 : -1;
  }
  const ver1 = v1[0] === HASH ? v1 : canonicalize(v1);
  const ver2 = v2[0] === HASH ? v2 : canonicalize(v2);

  // Offsets of the current segment (p) and of the dot ending it (n, -1 when there is none).
  let p1 = 0;
  let p2 = 0;
  let n1 = 0;
  let n2 = 0;
  let compare = 0;
  while (p1 < ver1.length && p2 < ver2.length && n1 !== -1 && n2 !== -1) {
    n1 = ver1.indexOf(DOT, p1);
    n2 = ver2.indexOf(DOT, p2);
    const segment1 = ver1.subarray(p1, n1 === -1 ? ver1.length : n1);
    const segment2 = ver2.subarray(p2, n2 === -1 ? ver2.length : n2);
    compare = compareSegments(segment1, segment2);
    if (compare !== 0) {
      break;
    }
    if (n1 !== -1) p1 = n1 + 1;
    if (n2 !== -1) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 !== -1) {
      compare = isDigit(ver1[p1]) ? 1 : compareBytes(ver1.subarray(p1), NUMBER_SENTINEL);
    } else if (n2 !== -1) {
      compare = isDigit(ver2[p2]) ? -1 : compareBytes(NUMBER_SENTINEL, ver2.subarray(p2));
    }
  }
  return compare;
}

/** PHP passes C strings, so anything after a NUL byte is invisible to version_compare(). */
function toCString(value: string): Uint8Array {
  const bytes = utf8.encode(value);
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

/** PHP's `version_compare($a, $b)`: -1, 0 or 1. */
export function phpVersionCompare(a: string, b: string): number {
  return compareBytes(toCString(a), toCString(b));
}

/** PHP's `version_compare($a, $b, $operator)`. */
export function phpVersionCompareWith(a: string, b: string, operator: VersionCompareOperator): boolean {
  const result = phpVersionCompare(a, b);
  switch (operator) {
    case '<':
      return result === -1;
    case '<=':
      return result !== 1;
    case '>':
      return result === 1;
    case '>=':
      return result !== -1;
    case '==':
    case '=':
      return result === 0;
    case '!=':
    case '<>':
      return result !== 0;
  }
}
