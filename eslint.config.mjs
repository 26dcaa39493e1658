// n8n's own lint set-up for community nodes: @n8n/node-cli's ESLint config, in the variant for
// packages that are not submitted for n8n Cloud (`configWithoutCloudSupport`, what
// `n8n-node cloud-support disable` writes; `npm run lint` runs `n8n-node lint`). package.json has
// `n8n.strict: false` for the same reason: strict mode requires the Cloud config unchanged, whose
// rules forbid runtime dependencies and Node's globals (see the README, "Official tooling").
// What is added below, and why:
// - package.json: this package has two runtime dependencies on purpose (undici: pooled keep-alive
//   HTTP with timeouts, abort and streamed bodies; zod: parse every provider answer), each
//   justified in the README; npm installs them in self-hosted n8n.
// - Tests, tooling and benchmarks are not node code: they print their reports, hold the
//   emulator's published test secrets, run the provider's side and read its loosely typed JSON;
//   the node rules stay on nodes/ and credentials/ alone.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

const NOT_NODE_CODE = ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.n8n-demo/**', 'examples/**'] },
	...configWithoutCloudSupport,
	{
		// A leading underscore marks a value left out on purpose (a field dropped from a spread,
		// an argument an interface requires).
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		files: NOT_NODE_CODE,
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/icon-validation': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-this-alias': 'off',
		},
	},
];
