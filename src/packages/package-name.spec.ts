import { validateSync } from 'class-validator';
import fc from 'fast-check';
import {
  IsPackageName,
  isValidPackageName,
  PACKAGE_NAME_MAX_LENGTH,
  PACKAGE_NAME_PATTERN_SOURCE,
  PackageNamePathPipe,
} from './package-name';

/** Composer's own pattern (ValidatingArrayLoader), exponential on long failing input: used here on short strings only. */
const COMPOSER_PATTERN = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/;

describe('isValidPackageName', () => {
  it.each([
    ['acme/widget', true],
    ['acme-corp/widget.core', true],
    ['a/b', true],
    ['acme/widget--legacy', true],
    ['acme/a_b.c-d', true],
    ['acme--corp/widget', false],
    ['Acme/widget', false],
    ['acme/widget/extra', false],
    ['acme/', false],
    ['/widget', false],
    ['acme/widget-', false],
    ['acme/-widget', false],
    ['acme/widget---x', false],
    ['acme/wid get', false],
    ['acme', false],
    [`acme/${'w'.repeat(PACKAGE_NAME_MAX_LENGTH - 5)}`, true],
    [`acme/${'w'.repeat(PACKAGE_NAME_MAX_LENGTH - 4)}`, false],
  ])('%s → %s', (name, valid) => {
    expect(isValidPackageName(name)).toBe(valid);
  });

  it.each([[42], [null], [undefined], [['acme', 'widget']]])('%j is no name', (value) => {
    expect(isValidPackageName(value)).toBe(false);
  });

  it('accepts exactly what Composer accepts', () => {
    const alphabet = fc.constantFrom('a', 'z', '0', '9', '.', '_', '-', '/', 'A', ' ');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 14 }).map((chars) => chars.join('')),
        (name) => {
          expect(isValidPackageName(name)).toBe(COMPOSER_PATTERN.test(name));
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('documents a pattern that accepts the same names', () => {
    const documented = new RegExp(PACKAGE_NAME_PATTERN_SOURCE);
    const alphabet = fc.constantFrom('a', '0', '.', '_', '-', '/');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 14 }).map((chars) => chars.join('')),
        (name) => {
          expect(documented.test(name)).toBe(COMPOSER_PATTERN.test(name));
        },
      ),
      { numRuns: 20_000, seed: 11 },
    );
  });
});

describe('IsPackageName (request bodies)', () => {
  class Grant {
    @IsPackageName()
    package!: unknown;
  }
  const grant = (value: unknown) => Object.assign(new Grant(), { package: value });

  it.each([['acme/widget'], ['acme/widget--legacy']])('accepts %s', (name) => {
    expect(validateSync(grant(name))).toEqual([]);
  });

  it.each([['Acme/widget'], ['acme'], [42]])('refuses %j, naming the field and the rule', (value) => {
    const [error] = validateSync(grant(value));
    expect(error.constraints).toEqual({
      isPackageName:
        'package: a package name is lower-case "vendor/name" made of letters, digits and single ".", "_" or "-" ' +
        'separators (at most 200 characters)',
    });
  });
});

describe('PackageNamePathPipe (URL paths)', () => {
  const pipe = new PackageNamePathPipe((name) => new Error(`no package ${name}`));

  it.each<[string, string[] | string, string]>([
    ['the segments of a wildcard', ['acme', 'widget'], 'acme/widget'],
    ['a plain parameter', 'acme/widget', 'acme/widget'],
  ])('reads %s as one name', (_name, value, expected) => {
    expect(pipe.transform(value)).toBe(expected);
  });

  it.each<[string, string[] | string, string]>([
    ['too many segments', ['acme', 'widget', 'extra'], 'no package acme/widget/extra'],
    ['one segment', ['acme'], 'no package acme'],
    ['an upper-case name', 'Acme/widget', 'no package Acme/widget'],
  ])('answers a name that cannot exist (%s) with the route not-found error', (_name, value, message) => {
    expect(() => pipe.transform(value)).toThrow(message);
  });
});
