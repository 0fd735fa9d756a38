// Unit specs only (src/**/*.spec.ts): pure functions, no database, so no embedded PostgreSQL is
// started. Used by `npm run test:unit` and by the mutation run (stryker.config.mjs).
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
};
