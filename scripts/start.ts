/**
 * `npm start`: a real n8n with this package, talking to the local provider emulator, so you see
 * a video come out before spending a cent.
 *
 * 1. installs n8n 2.x and the Node 24 it needs into a cache folder (first run only, minutes),
 * 2. builds and packs this package and installs the tarball into <demo>/.n8n/nodes,
 * 3. starts the provider emulator (:4010) and a stand-in publishing endpoint (:4011),
 * 4. imports credentials that point at the emulator, and the workflows in examples/,
 * 5. runs the weekly ad variants example (`n8n execute`) and lists the MP4 files it posted,
 * 6. leaves n8n running at http://localhost:5678 (Ctrl-C stops everything), or stops with --exit.
 *
 *   npm start [-- --exit] [-- --fresh]
 *     --exit   stop after the example has run (CI, a quick check)
 *     --fresh  forget the demo's n8n data (owner account, workflows, executions) first
 * Env: KLING_DEMO_DIR (default <repo>/.n8n-demo), KLING_N8N_HOME (the n8n cache folder).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { probeMp4FrameSize } from '../nodes/shared/media/probe';
import { emulatorCredentials, startEmulator } from './lib/emulator';
import { buildAndPack, ensureN8n, installPackage, n8nCli, n8nInstance, packageLoadProblems, REPO_ROOT, startN8n } from './lib/n8n';
import { portInUse, stopAll } from './lib/processes';
import { startSink, type Sink } from './lib/sink';
import { storedExecutions } from './lib/store';

const PORTS = { n8n: 5678, broker: 5679, emulator: 4010, sink: 4011 };
const EXAMPLE_ID = 'klingExampleAds';

const args = new Set(process.argv.slice(2));
const demoDir = process.env.KLING_DEMO_DIR ?? join(REPO_ROOT, '.n8n-demo');
const timings: Array<[string, number]> = [];
/** A path as short as it can be said from the current folder. */
const shown = (path: string) => {
	const near = relative(process.cwd(), path);
	return near && !near.startsWith('..') && !isAbsolute(near) ? near : path;
};
let sink: Sink | undefined;

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	process.stdout.write(`\n==> ${name}\n`);
	const result = await work();
	const seconds = (Date.now() - started) / 1000;
	timings.push([name, seconds]);
	process.stdout.write(`<== ${name}: ${seconds.toFixed(1)} s\n`);
	return result;
}

let stopping = false;

async function shutdown(code: number): Promise<never> {
	stopping = true;
	await stopAll();
	await sink?.close();
	process.exit(code);
}

async function main(): Promise<void> {
	const unknown = [...args].filter((arg) => !['--exit', '--fresh'].includes(arg));
	if (unknown.length) throw new Error(`unknown option ${unknown.join(' ')}; use --exit and/or --fresh`);
	for (const [what, port] of Object.entries(PORTS)) {
		if (await portInUse(port)) throw new Error(`port ${port} (${what}) is already in use: stop what listens there (another n8n or demo?) and run again`);
	}
	if (args.has('--fresh')) rmSync(join(demoDir, '.n8n'), { recursive: true, force: true });
	const logs = join(demoDir, 'logs');
	mkdirSync(logs, { recursive: true });

	const runtime = await phase('install n8n (cached after the first run)', ensureN8n);
	console.log(`n8n ${runtime.version} in ${runtime.home}`);
	const tarball = await phase('build and pack the package', () => buildAndPack(join(demoDir, 'pack')));
	await phase('install the package into n8n', () => installPackage(demoDir, tarball));

	const emulator = await phase('start the provider emulator and the publishing sink', async () => {
		const started = await startEmulator({ port: PORTS.emulator, logFile: join(logs, 'emulator.log') });
		sink = await startSink(join(demoDir, 'videos'), PORTS.sink);
		return started;
	});

	const n8n = n8nInstance(runtime, {
		userFolder: demoDir,
		port: PORTS.n8n,
		brokerPort: PORTS.broker,
		listenAddress: process.env.N8N_LISTEN_ADDRESS ?? '127.0.0.1',
	});
	await phase('import credentials and example workflows', async () => {
		const file = join(demoDir, 'credentials.json');
		writeFileSync(file, JSON.stringify(await emulatorCredentials(emulator), null, 2));
		await n8nCli(n8n, ['import:credentials', `--input=${file}`]);
		await n8nCli(n8n, ['import:workflow', '--separate', `--input=${join(REPO_ROOT, 'examples')}`]);
	});

	const before = sink!.posts.length;
	await phase('run the weekly ad variants example (n8n execute)', async () => {
		await n8nCli(n8n, ['execute', `--id=${EXAMPLE_ID}`, '--rawOutput']).catch(async (error: Error) => {
			const [last] = (await storedExecutions(n8n, EXAMPLE_ID)).slice(-1);
			throw new Error(`the example failed: ${last?.error ?? ''} ${JSON.stringify(last?.nodeErrors ?? {})}\n${error.message}`);
		});
	});
	const [execution] = (await storedExecutions(n8n, EXAMPLE_ID)).slice(-1);
	const posted = sink!.posts.slice(before);
	console.log(`\nExecution ${execution.id}: ${execution.status}; ${posted.length} videos posted to the publishing sink:`);
	for (const post of posted) {
		const frame = probeMp4FrameSize(readFileSync(post.file));
		console.log(`  ${shown(post.file)}  (${frame ? `${frame.width}x${frame.height}, ` : ''}${(post.bytes / 1024).toFixed(0)} KB)`);
	}
	if (execution.status !== 'success' || posted.length === 0) throw new Error('the example did not produce videos');

	if (args.has('--exit')) {
		printTimings();
		return await shutdown(0);
	}

	const server = await phase('start n8n', () => startN8n(n8n, join(logs, 'n8n.log')));
	void server.exited.then(async (code) => {
		if (stopping) return;
		console.error(`\nn8n stopped unexpectedly (${code}); see ${join(logs, 'n8n.log')}`);
		await shutdown(1);
	});
	const loadProblem = packageLoadProblems(join(logs, 'n8n.log'));
	if (loadProblem) console.warn(`n8n reported a problem loading the package:\n${loadProblem}`);
	printTimings();
	console.log(`
n8n is running at http://localhost:${PORTS.n8n}  (first visit: create the owner account; it stays in ${shown(demoDir)})
  The examples are in the workflow list; their credentials point at the provider emulator on :${PORTS.emulator}.
  Videos posted by the examples: ${shown(join(demoDir, 'videos'))}/
  Logs: ${shown(logs)}/
Ctrl-C stops n8n, the emulator and the sink.`);
}

function printTimings(): void {
	console.log('\nTimings:');
	for (const [name, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(7)} s  ${name}`);
}

process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));
main().catch(async (error: unknown) => {
	console.error(`\nnpm start failed: ${(error as Error).message}`);
	await shutdown(1);
});
