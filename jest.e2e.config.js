/**
 * End-to-end tests against a real n8n (`npm run test:e2e`: 2.41.1; `npm run test:e2e:n8n1`: the
 * latest 1.x): globalSetup installs n8n (cached outside the checkout) and packs this package; each test file runs its own n8n, emulator and
 * publishing sink on free ports. One file at a time: n8n is heavy and the machines have 2 cores.
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
  globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
  maxWorkers: 1,
  testTimeout: 10 * 60 * 1000,
  verbose: true,
};
