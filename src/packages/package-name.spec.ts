import fc from 'fast-check';
import { isValidPackageName, PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_PATTERN_SOURCE } from './package-name';

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
