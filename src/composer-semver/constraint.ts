/**
 * Port of composer/semver 3.x constraint parsing (`VersionParser::parseConstraints()`)
 * and of the `Constraint`, `MultiConstraint` and `MatchAllConstraint` classes,
 * restricted to matching concrete versions (what `Semver::satisfies()` does).
 */
import {
  Captures,
  InvalidVersionError,
  MODIFIER_REGEX,
  PCRE_ANY,
  PCRE_END,
  PCRE_SPACE,
  STABILITIES_REGEX,
  asciiLower,
  isCaptured,
  normalizeVersion,
  parseStability,
  phpEmpty,
  phpTrim,
  phpTruthy,
  phpVersionCompare,
  phpVersionCompareWith,
} from './version-parser';

/** Thrown where `VersionParser::parseConstraints()` throws; the message is composer/semver's. */
export class InvalidConstraintError extends Error {
  constructor(
    readonly constraint: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidConstraintError';
  }
}

export interface Constraint {
  /** Whether a version, already normalized with `normalizeVersion()`, satisfies the constraint. */
  matchesVersion(normalizedVersion: string): boolean;
  /** composer/semver's canonical form, e.g. `[>= 1.0.0.0-dev < 2.0.0.0-dev]`. */
  toString(): string;
  /** The constraint as the user wrote it (falls back to `toString()` like PHP does for '' and '0'). */
  getPrettyString(): string;
}

export type ConstraintOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ConstraintOperatorInput = ConstraintOperator | '=' | '<>';

const OPERATOR_ALIASES: Readonly<Record<ConstraintOperatorInput, ConstraintOperator>> = {
  '=': '==',
  '==': '==',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<>': '!=',
  '!=': '!=',
};

const isBranch = (version: string): boolean => version.startsWith('dev-');

abstract class BaseConstraint implements Constraint {
  private prettyString: string | null = null;

  /**
   * PHP's `$constraint->matches($provider)` for the only provider shape this port
   * needs: a single `==`/`!=`/… constraint. Internal; use `matchesVersion()`.
   */
  abstract matchesProvider(provider: SingleConstraint): boolean;

  abstract toString(): string;

  matchesVersion(normalizedVersion: string): boolean {
    return this.matchesProvider(new SingleConstraint('==', normalizedVersion));
  }

  setPrettyString(prettyString: string | null): void {
    this.prettyString = prettyString;
  }

  getPrettyString(): string {
    return phpTruthy(this.prettyString) ? this.prettyString : this.toString();
  }
}

/** composer/semver's `Constraint`: one operator applied to one normalized version. */
export class SingleConstraint extends BaseConstraint {
  readonly operator: ConstraintOperator;

  constructor(
    operator: ConstraintOperatorInput,
    readonly version: string,
  ) {
    super();
    this.operator = OPERATOR_ALIASES[operator];
  }

  matchesProvider(provider: SingleConstraint): boolean {
    return this.matchSpecific(provider);
  }

  /**
   * Line-by-line port of `Constraint::matchSpecific()`. It is not symmetric, and
   * composer/semver calls it in both directions depending on nesting, so the
   * callers below preserve which side is `this`.
   */
  matchSpecific(provider: SingleConstraint, compareBranches = false): boolean {
    const noEqualOp = this.operator.replace(/=/g, '');
    const providerNoEqualOp = provider.operator.replace(/=/g, '');
    const isEqualOp = this.operator === '==';
    const isNonEqualOp = this.operator === '!=';
    const isProviderEqualOp = provider.operator === '==';
    const isProviderNonEqualOp = provider.operator === '!=';

    // `!=` always has a solution unless the other side pins the very same version.
    if (isNonEqualOp || isProviderNonEqualOp) {
      if (isNonEqualOp && !isProviderNonEqualOp && !isProviderEqualOp && isBranch(provider.version)) {
        return false;
      }
      if (isProviderNonEqualOp && !isNonEqualOp && !isEqualOp && isBranch(this.version)) {
        return false;
      }
      if (!isEqualOp && !isProviderEqualOp) {
        return true;
      }
      return versionCompare(provider.version, this.version, '!=', compareBranches);
    }

    // Two ranges open in the same direction (e.g. `<= 2.0` and `< 1.0`) always intersect.
    if (this.operator !== '==' && noEqualOp === providerNoEqualOp) {
      return !(isBranch(this.version) || isBranch(provider.version));
    }

    const version1 = isEqualOp ? this.version : provider.version;
    const version2 = isEqualOp ? provider.version : this.version;
    const operator = isEqualOp ? provider.operator : this.operator;

    if (versionCompare(version1, version2, operator, compareBranches)) {
      // `>= 1.0` against `< 1.0`: 1.0 >= 1.0 holds, yet 1.0 is outside the provided interval.
      return !(
        provider.operator === providerNoEqualOp &&
        this.operator !== noEqualOp &&
        phpVersionCompare(provider.version, this.version) === 0
      );
    }
    return false;
  }

  toString(): string {
    return `${this.operator} ${this.version}`;
  }
}

/** `Constraint::versionCompare()`: dev branches are only ever equal or unequal to themselves. */
export function versionCompare(a: string, b: string, operator: ConstraintOperator, compareBranches = false): boolean {
  const aIsBranch = isBranch(a);
  const bIsBranch = isBranch(b);
  if (operator === '!=' && (aIsBranch || bIsBranch)) {
    return a !== b;
  }
  if (aIsBranch && bIsBranch) {
    return operator === '==' && a === b;
  }
  if (!compareBranches && (aIsBranch || bIsBranch)) {
    return false;
  }
  return phpVersionCompareWith(a, b, operator);
}

/** `$provider->matches($constraint)` with a single-constraint provider, as PHP dispatches it. */
function providerMatches(provider: SingleConstraint, constraint: BaseConstraint): boolean {
  return constraint instanceof SingleConstraint
    ? provider.matchSpecific(constraint)
    : constraint.matchesProvider(provider);
}

/** composer/semver's `MultiConstraint`: AND (conjunctive) or OR of at least two constraints. */
export class MultiConstraint extends BaseConstraint {
  constructor(
    readonly constraints: readonly BaseConstraint[],
    readonly conjunctive = true,
  ) {
    super();
    if (constraints.length < 2) {
      throw new Error('MultiConstraint needs at least two constraints; use MultiConstraint.create()');
    }
  }

  /** `MultiConstraint::create()`, including its merging of adjacent OR'ed ranges. */
  static create(constraints: readonly BaseConstraint[], conjunctive = true): BaseConstraint {
    if (constraints.length === 0) {
      return new MatchAllConstraint();
    }
    if (constraints.length === 1) {
      return constraints[0];
    }
    const optimized = conjunctive ? null : mergeContiguousRanges(constraints);
    if (optimized) {
      return optimized.length === 1 ? optimized[0] : new MultiConstraint(optimized, false);
    }
    return new MultiConstraint(constraints, conjunctive);
  }

  matchesProvider(provider: SingleConstraint): boolean {
    return this.conjunctive
      ? this.constraints.every((constraint) => providerMatches(provider, constraint))
      : this.constraints.some((constraint) => providerMatches(provider, constraint));
  }

  toString(): string {
    return `[${this.constraints.map(String).join(this.conjunctive ? ' ' : ' || ')}]`;
  }
}

/** composer/semver's `MatchAllConstraint` (`*`). */
export class MatchAllConstraint extends BaseConstraint {
  matchesProvider(): boolean {
    return true;
  }

  toString(): string {
    return '*';
  }
}

/**
 * `[>= 1 < 2] || [>= 2 < 3]` → `[>= 1 < 3]`. Done on the string forms exactly
 * like PHP, which matters because it can change results: a bound such as
 * `< dev-foo` never matches, but merging drops it.
 */
function mergeContiguousRanges(constraints: readonly BaseConstraint[]): BaseConstraint[] | null {
  let left = constraints[0];
  const merged: BaseConstraint[] = [];
  let optimized = false;
  for (const right of constraints.slice(1)) {
    const ranges = asContiguousRanges(left, right);
    if (ranges) {
      optimized = true;
      left = new MultiConstraint([ranges[0].constraints[0], ranges[1].constraints[1]], true);
    } else {
      merged.push(left);
      left = right;
    }
  }
  if (!optimized) {
    return null;
  }
  merged.push(left);
  return merged;
}

const isTwoPartRange = (constraint: BaseConstraint): constraint is MultiConstraint =>
  constraint instanceof MultiConstraint && constraint.conjunctive && constraint.constraints.length === 2;

/** Both are `[>= a < b]`-shaped and the first ends exactly where the second starts. */
function asContiguousRanges(
  left: BaseConstraint,
  right: BaseConstraint,
): readonly [MultiConstraint, MultiConstraint] | null {
  if (!isTwoPartRange(left) || !isTwoPartRange(right)) {
    return null;
  }
  const [left0, left1] = left.constraints.map(String);
  const [right0, right1] = right.constraints.map(String);
  const contiguous =
    left0.startsWith('>=') &&
    left1.startsWith('<') &&
    right0.startsWith('>=') &&
    right1.startsWith('<') &&
    left1.slice(2) === right0.slice(3);
  return contiguous ? [left, right] : null;
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

const NOT_SPACE = `[^${PCRE_SPACE}]`;
/** Group 1-4: numeric parts, 5: stability, 6: its number, 7: `-dev` suffix, 8: `.x-dev` wildcard. */
const VERSION_REGEX = `v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.(\\d+))?(?:${MODIFIER_REGEX}|\\.([xX*][.-]?dev))(?:\\+${NOT_SPACE}+)?`;

const OR_SPLIT_RE = new RegExp(`[${PCRE_SPACE}]*\\|\\|?[${PCRE_SPACE}]*`);
const AND_SPLIT_RE = new RegExp(`(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|\\n?$)`);
const ALIAS_RE = new RegExp(`^([^,${PCRE_SPACE}]+) +as +([^,${PCRE_SPACE}]+)${PCRE_END}`);
const STABILITY_FLAG_RE = new RegExp(`^([^,${PCRE_SPACE}]*?)@(${STABILITIES_REGEX})${PCRE_END}`, 'i');
const REFERENCE_RE = new RegExp(
  `^(dev-[^,${PCRE_SPACE}@]+?|[^,${PCRE_SPACE}@]+?\\.x-dev)#${PCRE_ANY}+${PCRE_END}`,
  'i',
);
const MATCH_ANY_RE = new RegExp(`^(v)?[xX*](\\.[xX*])*${PCRE_END}`, 'i');
const TILDE_RE = new RegExp(`^~>?${VERSION_REGEX}${PCRE_END}`, 'i');
const CARET_RE = new RegExp(`^\\^${VERSION_REGEX}(${PCRE_END})`, 'i');
const WILDCARD_RE = new RegExp(`^v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.[xX*])+${PCRE_END}`);
const HYPHEN_RE = new RegExp(`^(?<from>${VERSION_REGEX}) +- +(?<to>${VERSION_REGEX})(${PCRE_END})`, 'i');
const COMPARISON_RE = new RegExp(`^(<>|!=|>=?|<=?|==?)?[${PCRE_SPACE}]*(${PCRE_ANY}*)`);
const RECOVERABLE_BRANCH_RE = new RegExp(`^[0-9a-zA-Z\\-./]+${PCRE_END}`);
const EXPLICIT_MODIFIER_RE = new RegExp(`-${MODIFIER_REGEX}${PCRE_END}`);

const INT64_MAX = 2n ** 63n - 1n;

/**
 * PHP's `$digits + 1`: an int while it fits in 64 bits, otherwise a float whose
 * string form (precision=14) ends up inside the bound, e.g. `^0.99999999999999999999`
 * gives `< 0.1.0E+20.0.0-dev` in composer/semver.
 */
function phpIncrement(digits: string, increment: number): string {
  const exact = BigInt(digits) + BigInt(increment);
  if (exact <= INT64_MAX) {
    return exact.toString();
  }
  return phpFloatToString(Number(digits) + increment);
}

/** `(string) $float` with PHP's default precision of 14, for values of at least 2^63. */
function phpFloatToString(value: number): string {
  if (!Number.isFinite(value)) {
    return 'INF';
  }
  const [mantissa, exponent] = value.toExponential(13).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const trimmedFraction = fraction.replace(/0+$/, '');
  const exponentValue = Number(exponent);
  return `${whole}.${trimmedFraction || '0'}E${exponentValue < 0 ? '-' : '+'}${Math.abs(exponentValue)}`;
}

/**
 * `VersionParser::manipulateVersionString()`: pads the parts after `position`
 * with zeros and bumps the part at `position`. Untouched parts keep their
 * spelling (leading zeros survive). The PHP carry branch only runs for negative
 * increments, which composer/semver never passes, so it is not ported.
 */
function manipulateVersionString(matches: Captures, position: number, increment = 0): string {
  const parts: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const part = matches[i] ?? '';
    if (i > position) {
      parts.push('0');
    } else if (i === position && increment) {
      parts.push(phpIncrement(part, increment));
    } else {
      parts.push(part);
    }
  }
  return parts.join('.');
}

/** Unsuffixed lower bounds get `-dev` so that pre-releases of the bound itself are included. */
function lowerBoundSuffix(
  stability: string | undefined,
  devSuffix: string | undefined,
  xDev: string | undefined,
): string {
  return phpEmpty(stability) && phpEmpty(devSuffix) && phpEmpty(xDev) ? '-dev' : '';
}

/** `~1.2` → `>=1.2.0.0-dev <2.0.0.0-dev`; `~1.2.3` → `>=1.2.3.0-dev <1.3.0.0-dev`. */
function parseTilde(constraint: string): SingleConstraint[] | null {
  const m: Captures | null = TILDE_RE.exec(constraint);
  if (!m) {
    return null;
  }
  if (constraint.startsWith('~>')) {
    throw new InvalidConstraintError(
      constraint,
      `Could not parse version constraint ${constraint}: Invalid operator "~>", you probably meant to use the "~" operator`,
    );
  }

  let position = isCaptured(m[4]) ? 4 : isCaptured(m[3]) ? 3 : isCaptured(m[2]) ? 2 : 1;
  // `~2.x-dev` / `~3.0.x-dev` operate one part further than the digits written.
  if (!phpEmpty(m[8])) {
    position++;
  }

  const low = normalizeVersion((constraint + lowerBoundSuffix(m[5], m[7], m[8])).slice(1));
  const high = `${manipulateVersionString(m, Math.max(1, position - 1), 1)}-dev`;
  return [new SingleConstraint('>=', low), new SingleConstraint('<', high)];
}

/** `^1.2` → `<2.0`, `^0.3` → `<0.4`, `^0.0.3` → `<0.0.4`: the left-most non-zero part is fixed. */
function parseCaret(constraint: string): SingleConstraint[] | null {
  const m: Captures | null = CARET_RE.exec(constraint);
  if (!m) {
    return null;
  }
  const position = m[1] !== '0' || !isCaptured(m[2]) ? 1 : m[2] !== '0' || !isCaptured(m[3]) ? 2 : 3;

  const low = normalizeVersion((constraint + lowerBoundSuffix(m[5], m[7], m[8])).slice(1));
  const high = `${manipulateVersionString(m, position, 1)}-dev`;
  return [new SingleConstraint('>=', low), new SingleConstraint('<', high)];
}

/** `1.2.*` / `1.2.x` → `>=1.2.0.0-dev <1.3.0.0-dev`. */
function parseWildcard(constraint: string): SingleConstraint[] | null {
  const m: Captures | null = WILDCARD_RE.exec(constraint);
  if (!m) {
    return null;
  }
  const position = isCaptured(m[3]) ? 3 : isCaptured(m[2]) ? 2 : 1;
  const low = `${manipulateVersionString(m, position)}-dev`;
  const high = `${manipulateVersionString(m, position, 1)}-dev`;
  if (low === '0.0.0.0-dev') {
    return [new SingleConstraint('<', high)];
  }
  return [new SingleConstraint('>=', low), new SingleConstraint('<', high)];
}

/** `PHP empty()` except that '0' counts as present, used for the hyphen range's upper bound. */
const emptyButZero = (value: string | undefined): boolean => value !== '0' && phpEmpty(value);

/** `1.0 - 2.0` → `>=1.0.0.0-dev <2.1.0.0-dev`; a complete upper version is inclusive instead. */
function parseHyphenRange(constraint: string): SingleConstraint[] | null {
  const m: Captures | null = HYPHEN_RE.exec(constraint);
  if (!m) {
    return null;
  }
  // Groups 1-9 describe the lower version, 10-18 the upper one (see VERSION_REGEX).
  const from = m[1] ?? '';
  const to = m[10] ?? '';
  const lowerBound = new SingleConstraint('>=', normalizeVersion(from) + lowerBoundSuffix(m[6], m[8], m[9]));

  const upperIsExact =
    (!emptyButZero(m[12]) && !emptyButZero(m[13])) || !phpEmpty(m[15]) || !phpEmpty(m[17]) || !phpEmpty(m[18]);
  if (upperIsExact) {
    return [lowerBound, new SingleConstraint('<=', normalizeVersion(to))];
  }

  normalizeVersion(to); // only validates, as in composer/semver
  const high = manipulateVersionString(['', m[11], m[12], m[13], m[14]], emptyButZero(m[12]) ? 1 : 2, 1);
  return [lowerBound, new SingleConstraint('<', `${high}-dev`)];
}

/** `foobar-dev` is accepted as a sloppy spelling of `dev-foobar`. */
function normalizeComparedVersion(version: string): string {
  try {
    return normalizeVersion(version);
  } catch (error) {
    if (error instanceof InvalidVersionError && version.slice(-4) === '-dev' && RECOVERABLE_BRANCH_RE.test(version)) {
      return normalizeVersion(`dev-${version.slice(0, -4)}`);
    }
    throw error;
  }
}

/** `>=1.0`, `<2.0`, `!=1.2.3`, `1.0.0`, `dev-main`… */
function parseComparison(constraint: string, stabilityModifier: string | undefined): SingleConstraint[] {
  const m = COMPARISON_RE.exec(constraint);
  // The pattern can match the empty string, so it always matches.
  const operator = (m?.[1] || '=') as ConstraintOperatorInput;
  const target = m?.[2] ?? '';
  let version: string;
  try {
    version = normalizeComparedVersion(target);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidConstraintError(constraint, `Could not parse version constraint ${constraint}: ${reason}`);
  }

  if (operator !== '==' && operator !== '=' && !phpEmpty(stabilityModifier) && parseStability(version) === 'stable') {
    version += `-${stabilityModifier}`;
  } else if (operator === '<' || operator === '>=') {
    // `<2.0` must exclude 2.0's pre-releases and `>=2.0` must include them, unless a
    // modifier was spelled out. The lowercased input is matched against a
    // case-sensitive `RC`, so `>=1.0-RC1` becomes `>= 1.0.0.0-RC1-dev` in PHP too.
    if (!EXPLICIT_MODIFIER_RE.test(asciiLower(target)) && !target.startsWith('dev-')) {
      version += '-dev';
    }
  }
  return [new SingleConstraint(operator, version)];
}

function parseSingle(input: string): BaseConstraint[] {
  let constraint = input;

  const alias = ALIAS_RE.exec(constraint);
  if (alias) {
    constraint = alias[1];
  }

  let stabilityModifier: string | undefined;
  const flag = STABILITY_FLAG_RE.exec(constraint);
  if (flag) {
    constraint = flag[1] !== '' ? flag[1] : '*';
    if (flag[2] !== 'stable') {
      stabilityModifier = flag[2];
    }
  }

  // `#ref` pins a commit; only the Composer installer cares about it.
  const reference = REFERENCE_RE.exec(constraint);
  if (reference) {
    constraint = reference[1];
  }

  const wildcardAll: Captures | null = MATCH_ANY_RE.exec(constraint);
  if (wildcardAll) {
    // `v*` and `*.*` exclude nothing but branches; a bare `*` matches branches too.
    return !phpEmpty(wildcardAll[1]) || !phpEmpty(wildcardAll[2])
      ? [new SingleConstraint('>=', '0.0.0.0-dev')]
      : [new MatchAllConstraint()];
  }

  return (
    parseTilde(constraint) ??
    parseCaret(constraint) ??
    parseWildcard(constraint) ??
    parseHyphenRange(constraint) ??
    parseComparison(constraint, stabilityModifier)
  );
}

function parseAndGroup(group: string): BaseConstraint {
  const parts = group.split(AND_SPLIT_RE);
  const constraints = parts.flatMap(parseSingle);
  return constraints.length === 1 ? constraints[0] : new MultiConstraint(constraints, true);
}

/**
 * Like `VersionParser::parseConstraints()`. AND binds tighter than OR:
 * `>=1.0 <1.1 || ^2.0`.
 *
 * @throws InvalidConstraintError
 */
export function parseConstraints(constraints: string): Constraint {
  try {
    const orGroups = phpTrim(constraints).split(OR_SPLIT_RE).map(parseAndGroup);
    const constraint = MultiConstraint.create(orGroups, false);
    constraint.setPrettyString(constraints);
    return constraint;
  } catch (error) {
    if (error instanceof InvalidConstraintError) {
      throw new InvalidConstraintError(constraints, error.message);
    }
    // Tilde, caret and hyphen ranges let normalize() errors escape unwrapped in PHP.
    if (error instanceof InvalidVersionError) {
      throw new InvalidConstraintError(constraints, error.message);
    }
    throw error;
  }
}
