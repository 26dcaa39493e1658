// n8n's community-node rules, as @n8n/node-cli's own ESLint config applies them
// (packages/@n8n/node-cli/src/configs/eslint.ts in n8n-io/n8n), adapted to this package:
// - eslint-plugin-n8n-nodes-base ships eslintrc-style configs (`community`, `credentials`,
//   `nodes`); only their `rules` are taken, each on the files it is written for.
// - @n8n/eslint-plugin-community-nodes' `recommendedWithoutN8nCloudSupport` (see below) on the
//   node code, the credentials and package.json.
// - package.json is parsed the way node-cli does it: by the TypeScript parser with `.json` as an
//   extra extension, which yields the ObjectExpression the package.json rules walk.
// No type information is requested (no `parserOptions.project`), so linting stays fast.
// Tests, tooling and benchmarks are not node code: the n8n rules do not apply to them.
import tsParser from '@typescript-eslint/parser';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const NODE_CODE = ['nodes/**/*.ts'];
const CREDENTIALS = ['credentials/**/*.ts'];
const PACKAGE_JSON = ['package.json'];

// This package is installed from npm into self-hosted n8n (Settings → Community Nodes); it is not
// submitted for n8n Cloud verification. The Cloud-only rules (`no-restricted-globals`,
// `no-restricted-imports`) would forbid the HTTP client the design is built on, so the config
// without n8n Cloud support is the honest fit.
const communityNodes = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'test/**',
			'bench/**',
			'scripts/**',
			'examples/**',
			'.n8n-demo/**',
		],
	},
	{
		files: [...NODE_CODE, ...CREDENTIALS],
		languageOptions: {
			parser: tsParser,
			ecmaVersion: 'latest',
			sourceType: 'module',
		},
	},
	{
		files: PACKAGE_JSON,
		languageOptions: {
			parser: tsParser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: [...NODE_CODE, ...CREDENTIALS, ...PACKAGE_JSON],
		plugins: communityNodes.plugins,
		rules: communityNodes.rules,
	},
	{
		files: PACKAGE_JSON,
		rules: {
			// The design has two runtime dependencies on purpose (undici: pooled keep-alive HTTP with
			// timeouts, abort and streamed bodies; zod: parse every provider answer), each justified
			// in the README. The rule exists for n8n Cloud verification, which this package does not
			// seek: it is installed from npm into self-hosted n8n, where npm installs its dependencies.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: PACKAGE_JSON,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: CREDENTIALS,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Both as in @n8n/node-cli's config. The rule wants a camelCase docs slug for n8n's own
			// docs site; community credentials link to full URLs (checked by
			// @n8n/community-nodes/credential-documentation-url instead).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Superseded by @n8n/community-nodes/credential-password-field, which is more accurate.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: NODE_CODE,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// All three as in @n8n/node-cli's config. The two below expect the string 'main', but
			// @n8n/community-nodes/node-connection-type-literal requires NodeConnectionTypes.Main:
			// the two rule sets contradict each other and n8n's own CLI keeps the newer one.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// A provider's documented maximum (prompt length, list page size) is a valid maxValue.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
