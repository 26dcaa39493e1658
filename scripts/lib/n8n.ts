/**
 * A real n8n 2.x with this package installed the way users install it: the packed tarball in
 * `<user folder>/.n8n/nodes`. Used by `npm start` (scripts/start.ts) and the end-to-end tests.
 *
 * n8n 2.x needs Node >= 24; scripts/install-n8n.sh installs n8n and a Node 24 binary (the npm
 * package `node@24`) into a cache folder outside the checkout, once.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, startService, tailLog, waitForHttp, type Service } from './processes';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface N8nRuntime {
	/** The cache folder holding n8n and Node 24. */
	home: string;
	node: string;
	n8n: string;
	version: string;
}

/**
 * Installs n8n (2.x with its Node 24) unless the cache already has it (see scripts/install-n8n.sh).
 * `KLING_N8N_VERSION` picks another version; a 1.x runs on this process's Node.
 */
export async function ensureN8n(): Promise<N8nRuntime> {
	const { stdout } = await run('bash', [join(REPO_ROOT, 'scripts', 'install-n8n.sh')], { quiet: true, echoStderr: true }).catch(
		(error: Error) => {
			throw new Error(`installing n8n failed: ${error.message}`);
		},
	);
	const home = stdout.trim().split('\n').pop() as string;
	const platform = `${process.platform}-${process.arch}`;
	const bundled = join(home, 'node_modules', 'node', 'node_modules', `node-${platform}`, 'bin', 'node');
	const node = existsSync(bundled) ? bundled : process.execPath;
	const n8n = join(home, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(node) || !existsSync(n8n)) throw new Error(`n8n install in ${home} is incomplete (missing ${node} or ${n8n})`);
	const version = JSON.parse(readFileSync(join(home, 'node_modules', 'n8n', 'package.json'), 'utf8')).version as string;
	return { home, node, n8n, version };
}

/** `npm run build`, then `npm pack` into `outDir`; returns the tarball's path. */
export async function buildAndPack(outDir: string, { build = true } = {}): Promise<string> {
	if (build) await run('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, quiet: true });
	mkdirSync(outDir, { recursive: true });
	const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: REPO_ROOT, quiet: true });
	const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
	return join(outDir, packed.filename);
}

/**
 * Installs the tarball into `<userFolder>/.n8n/nodes`, where n8n keeps community packages: the
 * node types are then `n8n-nodes-kling-video.*`, as users get them. Peer dependencies are left
 * out, as n8n's own installer does: n8n-workflow comes from n8n itself.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const manifest = join(nodesDir, 'package.json');
	if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	rmSync(join(nodesDir, 'node_modules', 'n8n-nodes-kling-video'), { recursive: true, force: true });
	await run(
		'npm',
		['install', tarball, '--omit=peer', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--package-lock=false', '--loglevel=error'],
		{ cwd: nodesDir, quiet: true },
	);
}

export interface N8nInstance {
	runtime: N8nRuntime;
	userFolder: string;
	port: number;
	/** `http://127.0.0.1:PORT` */
	url: string;
	env: NodeJS.ProcessEnv;
}

/** The environment n8n runs with: its own user folder and ports, no calls home. */
export function n8nInstance(
	runtime: N8nRuntime,
	options: { userFolder: string; port: number; brokerPort: number; listenAddress?: string; logLevel?: string },
): N8nInstance {
	const url = `http://127.0.0.1:${options.port}`;
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|N8N_|DB_|WEBHOOK_URL$)/.test(name)));
	const env: NodeJS.ProcessEnv = {
		...inherited,
		PATH: `${join(runtime.node, '..')}:${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: options.listenAddress ?? '127.0.0.1',
		// Resume and webhook URLs the emulator calls back on.
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		// 2.x fetches a server list from api.n8n.io at start-up; the demo and the tests stay offline.
		// (1.x has no such module and refuses to start when told to disable an unknown one.)
		...(runtime.version.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		// n8n 1.x's "vm" expression engine needs an isolated-vm that does not build for Node 20.
		...(runtime.version.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		// Ctrl-C should not wait n8n's default 30 s for open connections.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		NODE_ENV: 'production',
	};
	return { runtime, userFolder: options.userFolder, port: options.port, url, env };
}

/** Runs an n8n CLI command (`import:workflow`, `execute`, …) to completion. */
export async function n8nCli(instance: N8nInstance, args: string[]): Promise<{ stdout: string; stderr: string }> {
	return await run(instance.runtime.node, [instance.runtime.n8n, ...args], { env: instance.env, cwd: instance.userFolder, quiet: true });
}

/** `n8n start` in the background; resolves once the editor and REST API answer. */
export async function startN8n(instance: N8nInstance, logFile: string, timeoutMs = 180_000): Promise<Service> {
	const service = startService('n8n', instance.runtime.node, [instance.runtime.n8n, 'start'], {
		env: instance.env,
		cwd: instance.userFolder,
		logFile,
	});
	await waitForHttp(`${instance.url}/healthz/readiness`, service, timeoutMs);
	// n8n 1.x reports ready before its REST routes are mounted; the settings route answers once they are.
	await waitForHttp(`${instance.url}/rest/settings`, service, timeoutMs);
	return service;
}

/** n8n's log said the package (or one of its nodes) failed to load; n8n keeps running without it. */
export function packageLoadProblems(logFile: string): string | null {
	const log = tailLog(logFile, 5000);
	const lines = log.split('\n').filter((line) => /n8n-nodes-kling-video(?![/-])/.test(line) && /error|fail|unrecognized/i.test(line));
	return lines.length ? lines.join('\n') : null;
}
