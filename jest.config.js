// Unit specs live beside the code (src/, *.spec.ts); e2e specs in test/ run against a real PostgreSQL.
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/packages/*/src/**/*.spec.ts',
    '<rootDir>/examples/*/test/**/*.e2e-spec.ts',
  ],
  // The workspace client is tested from its sources, exactly as the example app imports it.
  moduleNameMapper: { '^@packyard/client$': '<rootDir>/packages/client/src' },
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
