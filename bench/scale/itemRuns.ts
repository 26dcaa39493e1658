/**
 * The Kling Video node at scale in a real n8n 2.x (Node 24, the package installed from its
 * packed tarball, binary data in n8n's filesystem mode): one execution of N items, Text to Video
 * on Replicate, one job per item, in Submit Only and in Wait for Completion (Download Video on,
 * its default), against the in-process provider emulator.
 *
 * Each execution gets a freshly started n8n and a reset emulator, after a two-item warm-up with
 * short jobs that loads the nodes' code: n8n's peak RSS (VmHWM reset before, VmRSS sampled),
 * the wall time and the stored execution are then the run's alone, and the emulator's request
 * log holds only its jobs.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../test/emulator';
import { buildAndPack, ensureN8n, type N8nInstance, type N8nRuntime } from '../../scripts/lib/n8n';
import { N8nRest } from '../../scripts/lib/n8nRest';
import { sleep, type Service } from '../../scripts/lib/processes';
import { jobFlows } from '../lib/flows';
import { CREDENTIAL_REF, CREDENTIAL_TYPE, directorySize, memoryOf, prepareUserFolder, resetPeak, timedStart, type Workflow } from '../lib/realN8n';
import { mean, round } from '../lib/stats';
import { executionStates, storedRun, type StoredRun } from './executions';

export type WaitMode = 'submitOnly' | 'waitForCompletion';
export const WAIT_MODES: WaitMode[] = ['submitOnly', 'waitForCompletion'];
const KLING = 'Kling Video';

export interface ItemRunSettings {
	items: number[];
	queuedMs: number;
	runningMs: number;
	maxConcurrentJobs: number;
	/** The emulator's limit of unfinished Replicate jobs (429 past it). */
	concurrencyLimit: number;
}

export interface ItemRun {
	mode: WaitMode;
	items: number;
	/** The execution's startedAt → stoppedAt in n8n's database. */
	wallSeconds: number;
	/** The Kling Video node's own execution time (n8n's run data). */
	nodeSeconds: number | null;
	/** Wait for Completion: ceil(N / Max Concurrent Jobs) × one job's lifetime; null for Submit Only. */
	idealSeconds: number | null;
	wallToIdeal: number | null;
	status: string;
	outputItems: number;
	outputStatuses: Record<string, number>;
	outputWithBinary: number;
	nodeError: string | null;
	requestsPerJob: { submits: number; statusReads: number; downloads: number; byRoute: Record<string, number> };
	/** Every provider request of the run (429s and requests naming no job included). */
	requests: number;
	throttled: number;
	jobs: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	hwmReset: boolean;
	/** VmRSS every few seconds during the run: [seconds since start, bytes]. */
	rssSeries: Array<[number, number]>;
	storedDataBytes: number;
	storedWorkflowDataBytes: number;
	/** n8n's binary data folder after the run (the downloaded videos). */
	binaryStoreBytes: number;
	databaseFileBytes: number;
}

export interface ItemRunsResult {
	settings: ItemRunSettings;
	n8nVersion: string;
	n8nNode: string;
	buildSeconds: number;
	runs: ItemRun[];
}

const ids = { submitOnly: 'scaleSubmitOnly', waitForCompletion: 'scaleWaitForCompletion' } as const;
const paths = { submitOnly: 'scale-submit-only', waitForCompletion: 'scale-wait-for-completion' } as const;

let position = 0;
const n = (name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	id: randomUUID(),
	name,
	type,
	typeVersion,
	position: [(position += 220), 0],
	parameters,
	...extra,
});

/** Webhook (answers at once) → Split Out `body.jobs` → Kling Video, Replicate, Text to Video, one job per item. */
function scaleWorkflow(mode: WaitMode, maxConcurrentJobs: number): Workflow {
	const nodes = [
		n('Start', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: paths[mode], responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() }),
		n('Split items', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.jobs', options: {} }),
		n(
			KLING,
			'n8n-nodes-kling-video.klingVideo',
			1,
			{ provider: 'replicate', operation: 'textToVideo', prompt: `[scale:${mode}] a ceramic mug on a sunlit table`, duration: 5, generateAudio: false, waitMode: mode, options: { maxConcurrentJobs } },
			{ credentials: { [CREDENTIAL_TYPE.replicate]: CREDENTIAL_REF.replicate } },
		),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: ids[mode], name: `scale ${mode}`, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

/** VmRSS every `everyMs` (the peak) and every `seriesMs` (the series kept in the results). */
function rssRecorder(pid: number, everyMs = 100, seriesMs = 5000) {
	const started = Date.now();
	let peak = 0;
	let lastKept = -Infinity;
	const series: Array<[number, number]> = [];
	const timer = setInterval(() => {
		try {
			const { rss } = memoryOf(pid);
			peak = Math.max(peak, rss);
			if (Date.now() - lastKept >= seriesMs) {
				lastKept = Date.now();
				series.push([round((lastKept - started) / 1000), rss]);
			}
		} catch {
			// the process ended
		}
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			const { rss, hwm } = memoryOf(pid);
			series.push([round((Date.now() - started) / 1000), rss]);
			return { peakRss: Math.max(peak, rss), hwm, series };
		},
	};
}

interface Prepared {
	runtime: N8nRuntime;
	root: string;
	emulator: Emulator;
	instance: N8nInstance;
	buildSeconds: number;
}

async function prepare(settings: ItemRunSettings, log: (line: string) => void): Promise<Prepared> {
	const runtime = await ensureN8n();
	const root = mkdtempSync(join(tmpdir(), 'kling-scale-'));
	const started = Date.now();
	const tarball = await buildAndPack(join(root, 'pack'));
	const buildSeconds = round((Date.now() - started) / 1000);
	log(`n8n ${runtime.version}; package built and packed (${buildSeconds} s)`);
	const emulator = await startEmulator({
		timings: { queuedMs: settings.queuedMs, runningMs: settings.runningMs },
		concurrencyLimit: settings.concurrencyLimit,
	});
	const workflows = WAIT_MODES.map((mode) => scaleWorkflow(mode, settings.maxConcurrentJobs));
	const instance = await prepareUserFolder(runtime, join(root, 'n8n'), { tarball, emulator, workflows });
	// The first start creates the database; the owner publishes the workflows.
	const first = await timedStart(instance, join(root, 'logs', 'first.log'));
	const rest = new N8nRest(first.instance.url);
	await rest.setupOwner({ email: 'scale@example.com', password: 'Scale-password-1', firstName: 'Scale' });
	for (const workflow of workflows) await rest.activate(workflow.id);
	await first.service.stop();
	log('user folder prepared, workflows published');
	return { runtime, root, emulator, instance, buildSeconds };
}

/** Starts the workflow with `items` items; a 404 (the webhook not registered yet, just after start) is retried. */
async function startWebhook(url: string, items: number): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ jobs: Array.from({ length: items }, (_, i) => i + 1) }),
		});
		const text = await response.text();
		if (response.ok) return;
		if (response.status !== 404 || attempt >= 100) throw new Error(`POST ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
		await sleep(200);
	}
}

const ENDED = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * Until the workflow's `count`-th execution (in the user folder's whole history) has finished;
 * returns its id. The emulator says when the node's work is done (every job submitted, or every
 * video downloaded), so n8n's database is read often only then.
 */
async function executionFinished(prep: Prepared, live: N8nInstance, mode: WaitMode, count: number, items: number, timeoutMs: number): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let lastRead = 0;
	for (;;) {
		const counters = prep.emulator.counters();
		const done = mode === 'submitOnly' ? counters.count({ route: 'submit', status: 201 }) : counters.count({ route: 'download', status: 200 });
		if (done >= items || Date.now() - lastRead > 10_000) {
			lastRead = Date.now();
			const execution = (await executionStates(live, ids[mode]))[count - 1];
			if (execution && ENDED.has(execution.status)) return execution.id;
		}
		if (Date.now() > deadline) throw new Error(`${mode}: the execution of ${items} items did not finish within ${timeoutMs / 1000} s`);
		await sleep(done >= items ? 300 : 1000);
	}
}

async function itemRun(prep: Prepared, settings: ItemRunSettings, mode: WaitMode, items: number, log: (line: string) => void): Promise<ItemRun> {
	prep.emulator.reset();
	const { service, instance: live } = await timedStart(prep.instance, join(prep.root, 'logs', `${mode}-${items}.log`));
	const url = `${live.url}/webhook/${paths[mode]}`;
	try {
		const earlier = (await executionStates(live, ids[mode])).length;
		// Warm-up: two items with short jobs load the nodes' code and n8n's first-use paths.
		prep.emulator.configure({ queuedMs: 100, runningMs: 400 });
		await startWebhook(url, 2);
		await executionFinished(prep, live, mode, earlier + 1, 2, 60_000);
		prep.emulator.reset();
		rmSync(join(prep.instance.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
		return await measuredRun(prep, settings, service, live, url, mode, items, earlier + 2, log);
	} finally {
		await service.stop();
		rmSync(join(prep.instance.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
	}
}

async function measuredRun(
	prep: Prepared,
	settings: ItemRunSettings,
	service: Service,
	live: N8nInstance,
	url: string,
	mode: WaitMode,
	items: number,
	executionNumber: number,
	log: (line: string) => void,
): Promise<ItemRun> {
	const pid = service.child.pid as number;
	const jobSeconds = (settings.queuedMs + settings.runningMs) / 1000;
	const idealSeconds = mode === 'waitForCompletion' ? Math.ceil(items / settings.maxConcurrentJobs) * jobSeconds : null;
	await sleep(1500);
	const rssBefore = memoryOf(pid).rss;
	const hwmReset = resetPeak(pid);
	const recorder = rssRecorder(pid);
	await startWebhook(url, items);
	const timeoutMs = ((idealSeconds ?? jobSeconds) * 3 + 180) * 1000;
	const executionId = await executionFinished(prep, live, mode, executionNumber, items, timeoutMs);
	const memory = recorder.stop();
	const stored: StoredRun = await storedRun(live, executionId, KLING);
	const counters = prep.emulator.counters();
	const jobs = prep.emulator.jobs('replicate');
	const flows = jobFlows(jobs, counters);
	const routes = new Set(flows.flatMap((f) => Object.keys(f.byRoute)));
	const peakRss = hwmReset ? Math.max(memory.hwm, memory.peakRss) : memory.peakRss;
	const wallSeconds = stored.startedAt !== null && stored.stoppedAt !== null ? round((stored.stoppedAt - stored.startedAt) / 1000, 2) : NaN;
	const result: ItemRun = {
		mode,
		items,
		wallSeconds,
		nodeSeconds: stored.node.executionMs === null ? null : round(stored.node.executionMs / 1000, 2),
		idealSeconds,
		wallToIdeal: idealSeconds === null ? null : round(wallSeconds / idealSeconds, 3),
		status: stored.status,
		outputItems: stored.node.items,
		outputStatuses: stored.node.statuses,
		outputWithBinary: stored.node.withBinary,
		nodeError: stored.node.error,
		requestsPerJob: {
			submits: round(mean(flows.map((f) => f.submits)), 3),
			statusReads: round(mean(flows.map((f) => f.statusReads)), 3),
			downloads: round(mean(flows.map((f) => f.downloads)), 3),
			byRoute: Object.fromEntries([...routes].sort().map((r) => [r, round(mean(flows.map((f) => f.byRoute[r] ?? 0)), 3)])),
		},
		requests: counters.count({ provider: 'replicate' }),
		throttled: counters.count({ provider: 'replicate', status: 429 }),
		jobs: jobs.length,
		rssBeforeBytes: rssBefore,
		peakRssBytes: peakRss,
		growthBytes: peakRss - rssBefore,
		hwmReset,
		rssSeries: memory.series,
		storedDataBytes: stored.dataBytes,
		storedWorkflowDataBytes: stored.workflowDataBytes,
		binaryStoreBytes: safeSize(join(prep.instance.userFolder, '.n8n', 'storage')),
		databaseFileBytes: safeSize(join(prep.instance.userFolder, '.n8n'), /^database\.sqlite/),
	};
	log(
		`${mode} × ${items}: ${result.wallSeconds} s${idealSeconds ? ` (ideal ${idealSeconds} s, ×${result.wallToIdeal})` : ''}, ${result.status}, ` +
			`${result.outputItems} items (${result.outputWithBinary} with a video), ${result.jobs} jobs, ${result.requests} requests (${result.throttled} × 429), ` +
			`RSS +${(result.growthBytes / 2 ** 20).toFixed(1)} MiB (peak ${(peakRss / 2 ** 20).toFixed(1)} MiB), stored ${(result.storedDataBytes / 1024).toFixed(1)} KiB`,
	);
	return result;
}

/** Bytes under `dir` (only the entries whose names match, when given); 0 when it does not exist. */
function safeSize(dir: string, only?: RegExp): number {
	try {
		if (!only) return directorySize(dir);
		return readdirSync(dir)
			.filter((name) => only.test(name))
			.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
	} catch {
		return 0;
	}
}

/** Every mode at every N, smallest first, each in a fresh n8n. */
export async function runItemScale(settings: ItemRunSettings, log: (line: string) => void): Promise<ItemRunsResult> {
	const prep = await prepare(settings, log);
	try {
		const runs: ItemRun[] = [];
		for (const mode of WAIT_MODES) {
			for (const items of settings.items) runs.push(await itemRun(prep, settings, mode, items, log));
		}
		return {
			settings,
			n8nVersion: prep.runtime.version,
			n8nNode: execFileSync(prep.runtime.node, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, ''),
			buildSeconds: prep.buildSeconds,
			runs,
		};
	} finally {
		await prep.emulator.close();
		rmSync(prep.root, { recursive: true, force: true });
	}
}
