/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // On the production-shaped cluster only: `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/cluster/',
    '<rootDir>/test/deploy/',
    // Needs Temporal's own server, built from the Go module proxy by `npm run tools:build`.
    '<rootDir>/test/integration/temporal-mtls.test.ts',
  ],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // Servers and workers started by a file must be stopped by it; this catches the ones that are not.
  forceExit: false,
};
