/**
 * TypeScript port of composer/semver 3.x, the version parser and constraint
 * matcher used by Composer 2. Behaviour is pinned to the PHP library by the
 * vectors in `__fixtures__/semver-vectors.json` (see scripts/generate-semver-vectors.php).
 *
 * Composer semantics differ from npm's semver: `~1.2` means `>=1.2 <2.0`, `<2.0`
 * excludes `2.0.0-beta1`, versions have four numeric parts, and `dev-*` branches
 * only ever match constraints naming that exact branch.
 */
import { SingleConstraint, parseConstraints } from './constraint';
import { normalizeDefaultBranch, normalizeVersion, phpVersionCompare } from './version-parser';

export {
  InvalidVersionError,
  isDevVersion,
  normalizeBranch,
  normalizeVersion,
  parseStability,
  phpVersionCompareWith,
} from './version-parser';
export type { Stability, VersionCompareOperator } from './version-parser';
export {
  InvalidConstraintError,
  MatchAllConstraint,
  MultiConstraint,
  SingleConstraint,
  parseConstraints,
} from './constraint';
export type { Constraint, ConstraintOperator } from './constraint';

/**
 * `Semver::satisfies()`: normalizes the version (throwing `InvalidVersionError`)
 * and parses the constraint (throwing `InvalidConstraintError`).
 */
export function satisfies(version: string, constraint: string): boolean {
  const normalized = normalizeVersion(version);
  return parseConstraints(constraint).matchesVersion(normalized);
}

/**
 * PHP `version_compare($a, $b)` (-1, 0 or 1), meant for normalized versions.
 * Note that it knows nothing about dev branches: `dev-main` sorts below `0.1`.
 */
export function compareVersions(a: string, b: string): number {
  return phpVersionCompare(a, b);
}

/**
 * `Semver::rsort()`: highest version first; accepts unnormalized versions and
 * returns them as given. Throws `InvalidVersionError` for unparsable input.
 */
export function sortVersionsDescending(versions: readonly string[]): string[] {
  return sortLikeComposer(versions, -1);
}

interface SortItem {
  readonly normalized: string;
  readonly index: number;
}

/** `Comparator::lessThan()`, which compares branches with plain version_compare(). */
function lessThan(a: string, b: string): boolean {
  return new SingleConstraint('<', b).matchSpecific(new SingleConstraint('==', a), true);
}

/**
 * `Semver::usort()`. Its comparator is inconsistent for pairs of dev branches
 * (each claims to sort after the other), so the resulting order depends on the
 * sort algorithm: PHP's own `zend_sort` is reproduced below rather than using
 * Array#sort.
 */
function sortLikeComposer(versions: readonly string[], direction: 1 | -1): string[] {
  const items: SortItem[] = versions.map((version, index) => ({
    normalized: normalizeDefaultBranch(normalizeVersion(version)),
    index,
  }));

  zendSort(items, (left, right) => {
    const userResult =
      left.normalized === right.normalized ? 0 : lessThan(left.normalized, right.normalized) ? -direction : direction;
    // PHP 8's usort() breaks ties by original position.
    return userResult !== 0 ? userResult : Math.sign(left.index - right.index);
  });

  return items.map((item) => versions[item.index]);
}

// ---------------------------------------------------------------------------
// Port of Zend/zend_sort.c (hybrid insertion sort + quicksort), on array indices.
// ---------------------------------------------------------------------------

type Compare<T> = (a: T, b: T) => number;

function swap<T>(items: T[], a: number, b: number): void {
  const tmp = items[a];
  items[a] = items[b];
  items[b] = tmp;
}

function sort2<T>(items: T[], a: number, b: number, cmp: Compare<T>): void {
  if (cmp(items[a], items[b]) > 0) {
    swap(items, a, b);
  }
}

function sort3<T>(items: T[], a: number, b: number, c: number, cmp: Compare<T>): void {
  if (!(cmp(items[a], items[b]) > 0)) {
    if (!(cmp(items[b], items[c]) > 0)) {
      return;
    }
    swap(items, b, c);
    sort2(items, a, b, cmp);
    return;
  }
  if (!(cmp(items[c], items[b]) > 0)) {
    swap(items, a, c);
    return;
  }
  swap(items, a, b);
  sort2(items, b, c, cmp);
}

/** Sorts the first positions with a network, then bubbles each later element down (zend_sort_4/5). */
function sortSmall<T>(items: T[], positions: readonly number[], cmp: Compare<T>): void {
  sort3(items, positions[0], positions[1], positions[2], cmp);
  for (let last = 3; last < positions.length; last++) {
    for (let k = last; k > 0 && cmp(items[positions[k - 1]], items[positions[k]]) > 0; k--) {
      swap(items, positions[k - 1], positions[k]);
    }
  }
}

function moveDown<T>(items: T[], from: number, to: number): void {
  for (let k = from; k > to; k--) {
    swap(items, k, k - 1);
  }
}

function insertSort<T>(items: T[], start: number, count: number, cmp: Compare<T>): void {
  if (count <= 1) {
    return;
  }
  if (count === 2) {
    sort2(items, start, start + 1, cmp);
    return;
  }
  if (count <= 5) {
    sortSmall(
      items,
      Array.from({ length: count }, (_, k) => start + k),
      cmp,
    );
    return;
  }

  const end = start + count;
  const sentry = start + 6;
  for (let i = start + 1; i < sentry; i++) {
    let j = i - 1;
    if (!(cmp(items[j], items[i]) > 0)) {
      continue;
    }
    while (j !== start) {
      j--;
      if (!(cmp(items[j], items[i]) > 0)) {
        j++;
        break;
      }
    }
    moveDown(items, i, j);
  }
  // Past the first six elements zend_sort probes two positions at a time.
  for (let i = sentry; i < end; i++) {
    let j = i - 1;
    if (!(cmp(items[j], items[i]) > 0)) {
      continue;
    }
    for (;;) {
      j -= 2;
      if (!(cmp(items[j], items[i]) > 0)) {
        j++;
        if (!(cmp(items[j], items[i]) > 0)) {
          j++;
        }
        break;
      }
      if (j === start) {
        break;
      }
      if (j === start + 1) {
        j--;
        if (cmp(items[i], items[j]) > 0) {
          j++;
        }
        break;
      }
    }
    moveDown(items, i, j);
  }
}

function zendSort<T>(items: T[], cmp: Compare<T>, base = 0, count = items.length): void {
  let start = base;
  let nmemb = count;
  for (;;) {
    if (nmemb <= 16) {
      insertSort(items, start, nmemb, cmp);
      return;
    }
    const end = start + nmemb;
    const offset = nmemb >> 1;
    const middle = start + offset;
    if (nmemb >> 10) {
      const delta = offset >> 1;
      sortSmall(items, [start, start + delta, middle, middle + delta, end - 1], cmp);
    } else {
      sort3(items, start, middle, end - 1, cmp);
    }
    swap(items, start + 1, middle);
    const pivot = start + 1;
    let i = pivot + 1;
    let j = end - 1;
    partition: for (;;) {
      while (cmp(items[pivot], items[i]) > 0) {
        i++;
        if (i === j) break partition;
      }
      j--;
      if (j === i) break partition;
      while (cmp(items[j], items[pivot]) > 0) {
        j--;
        if (j === i) break partition;
      }
      swap(items, i, j);
      i++;
      if (i === j) break partition;
    }
    swap(items, pivot, i - 1);
    // Recurse into the smaller side, loop on the larger one.
    if (i - 1 - start < end - i) {
      zendSort(items, cmp, start, i - start - 1);
      start = i;
      nmemb = end - i;
    } else {
      zendSort(items, cmp, i, end - i);
      nmemb = i - start - 1;
    }
  }
}
