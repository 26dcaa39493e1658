/** The soak test (npm run test:soak): SOAK_JOBS jobs through the engine against the emulator; kept out of `npm test`. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/soak'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 20 * 60_000,
};
