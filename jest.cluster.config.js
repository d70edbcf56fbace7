const base = require('./jest.config');

/**
 * `npm run test:cluster`: the deployment artefacts' checks, then the end-to-end and fault suites
 * and the two-workers-two-APIs scenario against the production-shaped Temporal (the real server
 * built from the Go module proxy, PostgreSQL persistence and visibility, 4 history shards).
 * test/support/global-setup.ts starts that cluster instead of the dev server when this is set.
 */
process.env.PULSE_TEST_TEMPORAL = 'cluster';

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: [
    '<rootDir>/test/deploy/**/*.test.ts',
    '<rootDir>/test/integration/automations-e2e.test.ts',
    '<rootDir>/test/integration/interactions.test.ts',
    '<rootDir>/test/integration/temporal-mtls.test.ts',
    '<rootDir>/test/fault/**/*.test.ts',
    '<rootDir>/test/cluster/**/*.test.ts',
  ],
  testTimeout: 120_000,
};
