import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ConstraintOperator, versionCompare } from './constraint';
import {
  InvalidConstraintError,
  InvalidVersionError,
  MultiConstraint,
  SingleConstraint,
  compareVersions,
  isDevVersion,
  normalizeVersion,
  parseConstraints,
  parseStability,
  satisfies,
  sortVersionsDescending,
} from './index';

interface NormalizeVector {
  input: string;
  normalized?: string;
  error?: true;
  message?: string;
}
interface StabilityVector {
  version: string;
  stability: string;
}
interface ConstraintVector {
  constraint: string;
  valid: boolean;
  string?: string;
  pretty?: string;
  message?: string;
}
interface SatisfiesVector {
  version: string;
  constraint: string;
  result: boolean;
}
interface CompareVector {
  a: string;
  b: string;
  result: number;
}
interface RsortVector {
  versions: string[];
  sorted: string[];
}
/** `compareBranches: null` means the argument was left out (PHP's default, false). */
interface MatchSpecificVector {
  constraint: [ConstraintOperator, string];
  provider: [ConstraintOperator, string];
  compareBranches: boolean | null;
  result: boolean;
}
interface VersionCompareVector {
  a: string;
  b: string;
  operator: ConstraintOperator;
  compareBranches: boolean | null;
  result: boolean;
}
/** `conjunctive: null` means the argument was left out (PHP's default, true). */
interface MultiVector {
  constraints: string[];
  conjunctive: boolean | null;
  via: 'create' | 'new';
  string?: string;
  error?: true;
}
interface Vectors {
  normalize: NormalizeVector[];
  stability: StabilityVector[];
  constraints: ConstraintVector[];
  satisfies: SatisfiesVector[];
  compare: CompareVector[];
  rsort: RsortVector[];
  matchSpecific: MatchSpecificVector[];
  versionCompare: VersionCompareVector[];
  multi: MultiVector[];
}

const REPO_ROOT = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, '__fixtures__', 'semver-vectors.json');
const GENERATOR = join(REPO_ROOT, 'scripts', 'generate-semver-vectors.php');
const PHP_SEMVER_AUTOLOAD = process.env.COMPOSER_SEMVER_AUTOLOAD ?? '/usr/share/php/Composer/Semver/autoload.php';

const vectors: Vectors = JSON.parse(readFileSync(FIXTURE, 'utf8'));

/** Test titles show inputs JSON-quoted so whitespace and empty strings stay visible. */
const quoted = <T>(items: T[], key: (item: T) => string): Array<[string, T]> =>
  items.map((item) => [JSON.stringify(key(item)), item]);

function groupBy<T>(items: T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return [...groups.entries()].map(([name, group]) => [JSON.stringify(name), group]);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('composer/semver vectors', () => {
  it('has the expected amount of vectors', () => {
    expect(vectors.normalize.length).toBeGreaterThan(100);
    expect(vectors.constraints.filter((v) => v.valid).length).toBeGreaterThan(70);
    expect(vectors.constraints.filter((v) => !v.valid).length).toBeGreaterThan(20);
    expect(vectors.satisfies.length).toBeGreaterThan(4000);
  });

  describe('normalizeVersion', () => {
    it.each(quoted(vectors.normalize, (v) => v.input))('%s', (_title, vector) => {
      if (vector.error) {
        const error = thrown(() => normalizeVersion(vector.input));
        expect(error).toBeInstanceOf(InvalidVersionError);
        expect(error instanceof Error && error.message).toBe(vector.message);
      } else {
        expect(normalizeVersion(vector.input)).toBe(vector.normalized);
      }
    });
  });

  describe('parseStability / isDevVersion', () => {
    it.each(quoted(vectors.stability, (v) => v.version))('%s', (_title, vector) => {
      expect(parseStability(vector.version)).toBe(vector.stability);
      expect(isDevVersion(vector.version)).toBe(vector.stability === 'dev');
    });
  });

  describe('parseConstraints', () => {
    it.each(quoted(vectors.constraints, (v) => v.constraint))('%s', (_title, vector) => {
      if (vector.valid) {
        const constraint = parseConstraints(vector.constraint);
        expect(constraint.toString()).toBe(vector.string);
        expect(constraint.getPrettyString()).toBe(vector.pretty);
      } else {
        const error = thrown(() => parseConstraints(vector.constraint));
        expect(error).toBeInstanceOf(InvalidConstraintError);
        expect(error instanceof Error && error.message).toBe(vector.message);
        // The error names the whole constraint the caller passed, not the part that failed.
        expect(error).toMatchObject({ name: 'InvalidConstraintError', constraint: vector.constraint });
      }
    });
  });

  describe('satisfies', () => {
    // One test per constraint; a failure lists every version that disagrees with PHP.
    it.each(groupBy(vectors.satisfies, (v) => v.constraint))('%s', (_title, group) => {
      const mismatches = group
        .filter((v) => satisfies(v.version, v.constraint) !== v.result)
        .map((v) => `satisfies(${JSON.stringify(v.version)}, ${JSON.stringify(v.constraint)}) should be ${v.result}`);
      expect(mismatches).toEqual([]);
    });
  });

  describe('compareVersions (PHP version_compare)', () => {
    it.each(groupBy(vectors.compare, (v) => v.a))('%s', (_title, group) => {
      const mismatches = group
        .filter((v) => compareVersions(v.a, v.b) !== v.result)
        .map((v) => `compareVersions(${JSON.stringify(v.a)}, ${JSON.stringify(v.b)}) should be ${v.result}`);
      expect(mismatches).toEqual([]);
    });
  });

  // Pairs of single constraints, including ones parseConstraints() never builds (neither side `==`).
  describe('SingleConstraint.matchSpecific (Constraint::matchSpecific)', () => {
    it.each(groupBy(vectors.matchSpecific, (v) => v.constraint.join(' ')))('%s', (_title, group) => {
      const mismatches = group
        .filter((v) => {
          const constraint = new SingleConstraint(...v.constraint);
          const provider = new SingleConstraint(...v.provider);
          const result =
            v.compareBranches === null
              ? constraint.matchSpecific(provider)
              : constraint.matchSpecific(provider, v.compareBranches);
          return result !== v.result;
        })
        .map((v) => `${v.constraint.join(' ')} matchSpecific ${v.provider.join(' ')} (${v.compareBranches})`);
      expect(mismatches).toEqual([]);
    });
  });

  describe('versionCompare (Constraint::versionCompare)', () => {
    it.each(groupBy(vectors.versionCompare, (v) => v.operator))('%s', (_title, group) => {
      const mismatches = group
        .filter((v) => {
          const result =
            v.compareBranches === null
              ? versionCompare(v.a, v.b, v.operator)
              : versionCompare(v.a, v.b, v.operator, v.compareBranches);
          return result !== v.result;
        })
        .map((v) => `versionCompare(${v.a}, ${v.b}, ${v.operator}, ${v.compareBranches}) should be ${v.result}`);
      expect(mismatches).toEqual([]);
    });
  });

  describe('MultiConstraint (create() and the constructor)', () => {
    it.each(vectors.multi.map((v): [string, string, MultiVector] => [v.via, JSON.stringify(v.constraints), v]))(
      '%s %s',
      (_via, _title, vector) => {
        const parts = vector.constraints.map(parseConstraints) as unknown as ConstructorParameters<
          typeof MultiConstraint
        >[0];
        const { conjunctive } = vector;
        const build =
          vector.via === 'create'
            ? () => (conjunctive === null ? MultiConstraint.create(parts) : MultiConstraint.create(parts, conjunctive))
            : () => (conjunctive === null ? new MultiConstraint(parts) : new MultiConstraint(parts, conjunctive));
        if (vector.error) {
          expect(build).toThrow('at least two constraints');
        } else {
          expect(String(build())).toBe(vector.string);
        }
      },
    );
  });

  describe('sortVersionsDescending (Semver::rsort)', () => {
    it.each(vectors.rsort.map((v, i): [number, number, RsortVector] => [i, v.versions.length, v]))(
      'list #%i (%i versions)',
      (_index, _size, vector) => {
        expect(sortVersionsDescending(vector.versions)).toEqual(vector.sorted);
      },
    );
  });
});

// Each case checked against composer/semver; npm semver behaviour noted for contrast.
describe('where Composer differs from npm semver', () => {
  it('~1.2 allows any 1.x from 1.2 on (npm: <1.3.0)', () => {
    expect(satisfies('1.9.0', '~1.2')).toBe(true);
    expect(satisfies('2.0.0', '~1.2')).toBe(false);
  });

  it('<2.0 excludes 2.0 pre-releases (npm with includePrerelease includes them)', () => {
    expect(satisfies('2.0.0-beta1', '<2.0')).toBe(false);
    expect(satisfies('2.0.0-beta1', '<2.0.0-beta2')).toBe(true);
  });

  it('ranges include pre-releases of other versions (npm: only with includePrerelease)', () => {
    expect(satisfies('1.3.0-beta1', '^1.2.3')).toBe(true);
    expect(satisfies('1.0.0-beta1', '^1.0')).toBe(true);
    expect(satisfies('2.0.0-beta1', '>=2.0')).toBe(true);
  });

  it('-patch/-p versions sort after the release (npm: a pre-release before it)', () => {
    expect(satisfies('1.0.0-p1', '>1.0.0')).toBe(true);
    expect(compareVersions(normalizeVersion('1.0.0-patch1'), normalizeVersion('1.0.0'))).toBe(1);
  });

  it('accepts four-part versions, v prefixes and date versions', () => {
    expect(normalizeVersion('1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeVersion('v1.2')).toBe('1.2.0.0');
    expect(normalizeVersion('2010-01-02')).toBe('2010.01.02');
    expect(satisfies('1.2.3.4', '^1.2')).toBe(true);
  });

  it('uses comma or space for AND and | or || for OR', () => {
    expect(satisfies('1.5.0', '>=1.0,<2.0')).toBe(true);
    expect(satisfies('2.5.0', '^1.0 | ^2.0')).toBe(true);
  });

  it('matches dev branches only by name', () => {
    expect(satisfies('dev-main', 'dev-main')).toBe(true);
    expect(satisfies('dev-main', '>=0')).toBe(false);
    expect(satisfies('dev-main', '*')).toBe(true);
    expect(isDevVersion('dev-main')).toBe(true);
    expect(isDevVersion('1.0.x-dev')).toBe(true);
    expect(isDevVersion('1.0.0')).toBe(false);
  });

  it('reports invalid input with PHP-compatible messages', () => {
    expect(() => normalizeVersion('foo')).toThrow('Invalid version string "foo"');
    expect(() => parseConstraints('foo bar')).toThrow(InvalidConstraintError);
    expect(() => satisfies('1.0', '~>1.0')).toThrow(
      'Invalid operator "~>", you probably meant to use the "~" operator',
    );
  });
});

function phpSemverAvailable(): boolean {
  if (!existsSync(PHP_SEMVER_AUTOLOAD)) {
    return false;
  }
  try {
    execFileSync('php', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('fixture freshness', () => {
  if (phpSemverAvailable()) {
    it('equals vectors regenerated live by composer/semver', () => {
      const output = execFileSync('php', [GENERATOR], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(JSON.parse(output)).toEqual(vectors);
    });
  } else {
    it.skip(`equals vectors regenerated live by composer/semver — SKIPPED: needs php on PATH and ${PHP_SEMVER_AUTOLOAD}`, () => {});
  }
});
