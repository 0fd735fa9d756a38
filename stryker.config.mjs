// Mutation testing of the pure rule modules: `npm run test:mutation`. Each surviving mutant is a
// change to a rule that no unit spec notices. Unit specs only (jest.unit.config.js), no database.
// The port is checked against the committed fixture here; whether the fixture still equals live
// composer/semver output is `npm test`'s job (it runs PHP, which no mutant can change).
process.env.COMPOSER_SEMVER_AUTOLOAD = '/nonexistent/skip-fixture-freshness-in-mutation-runs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    configFile: 'jest.unit.config.js',
    // Only the specs of the mutated modules: faster, and a rule must be pinned by its own table.
    config: {
      testMatch: [
        '<rootDir>/src/customers/customer-status.spec.ts',
        '<rootDir>/src/access/visibility.spec.ts',
        '<rootDir>/src/billing/billing-actions.spec.ts',
        '<rootDir>/src/composer-repository/composer-metadata.spec.ts',
        '<rootDir>/src/idempotency/request-fingerprint.spec.ts',
        '<rootDir>/src/idempotency/response-sealing.spec.ts',
        '<rootDir>/src/packages/published-version.spec.ts',
        '<rootDir>/src/packages/archive-inspector.spec.ts',
        '<rootDir>/src/composer-semver/composer-semver.spec.ts',
        '<rootDir>/src/billing/billing-state.spec.ts',
        '<rootDir>/src/composer-repository/last-modified.spec.ts',
        '<rootDir>/src/changes/change-keys.spec.ts',
        '<rootDir>/src/auth/scopes.spec.ts',
        '<rootDir>/src/events/retry-schedule.spec.ts',
        '<rootDir>/src/events/webhook-signature.spec.ts',
        '<rootDir>/src/packages/package-name.spec.ts',
        '<rootDir>/src/git-sources/git-url.spec.ts',
        '<rootDir>/src/observability/tally-histogram.spec.ts',
      ],
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // Not copied into the sandbox: build output and reports change while other commands run.
  ignorePatterns: ['dist', 'reports', 'var', 'coverage', '.stryker-tmp*'],
  mutate: [
    'src/customers/customer-status.ts',
    'src/access/visibility.ts',
    'src/billing/billing-actions.ts',
    'src/composer-repository/composer-metadata.ts',
    'src/idempotency/request-fingerprint.ts',
    'src/idempotency/response-sealing.ts',
    'src/packages/published-version.ts',
    // The path rules only (checkedName, pathProblem, locateComposerJson): keep the range on them
    // when the file changes. The zip reading around them is tested by the e2e and archive specs.
    'src/packages/archive-inspector.ts:230-270',
    'src/composer-semver/*.ts',
    'src/billing/billing-state.ts',
    'src/composer-repository/last-modified.ts',
    'src/changes/change-keys.ts',
    'src/auth/scopes.ts',
    'src/events/retry-schedule.ts',
    'src/events/webhook-signature.ts',
    'src/packages/package-name.ts',
    'src/git-sources/git-url.ts',
    'src/observability/tally-histogram.ts',
    '!src/**/*.spec.ts',
  ],
  // The rules are often constants (transition tables, stripped keys, reactivation lists): their
  // mutants run at module load and need every spec run again, so they are kept, not ignored.
  ignoreStatic: false,
  // Re-runs only test mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  // Mutants that loop forever (a loop bound turned around) would otherwise cost 10 s each.
  timeoutMS: 3000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
