/**
 * Queue-mode end-to-end tests (`npm run test:e2e:queue`): a real n8n 2.x in queue mode (one main,
 * two workers, two webhook processes) on PostgreSQL and Redis of its own, the package installed
 * from its tarball, every provider served by the emulator. One file; the machines have 2 cores.
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e-queue'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  globalSetup: '<rootDir>/test/e2e-queue/globalSetup.ts',
  globalTeardown: '<rootDir>/test/e2e-queue/globalTeardown.ts',
  maxWorkers: 1,
  testTimeout: 15 * 60 * 1000,
  verbose: true,
};
