/**
 * Scenarios 1 and 2 (polling side): the package's Kling Video node and the naive baseline node,
 * each run by n8n's own engine (n8n-core's WorkflowExecute, through test/harness/)
 * against an in-process provider emulator. Every scenario gets its own emulator, so its timings,
 * concurrency limit and counters are its own.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { startEmulator, type Emulator } from '../../test/emulator';
import { chain, node, runWorkflow, startNode, type RunResult } from '../../test/harness';
import { emulatorCredentialsByType } from '../../test/support/emulatorCredentials';
import { NaiveReplicateVideo } from '../baseline/NaiveReplicateVideo.node';
import { jobFlows, type JobFlow } from '../lib/flows';
import { mean, round, summarize, type Summary } from '../lib/stats';

const KLING = 'Kling Video';
const BASELINE = 'Naive Replicate Video';
const BASELINE_TYPE = 'bench.naiveReplicateVideo';
const ASPECT_RATIOS = ['16:9', '9:16', '1:1'];

/** Input items with a prompt each; the tag (in the prompt) tells the emulator's jobs of different runs apart. */
const prompts = (count: number, tag = 'bench'): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { prompt: `[${tag}] Product line ${i + 1}: a ceramic mug on a sunlit table, slow push-in` } }));

/** The tag a job's prompt carries (see `prompts`). */
const tagOf = (input: Record<string, unknown>) => /^\[([^\]]+)\]/.exec(String(input.prompt ?? ''))?.[1] ?? '';

function assertOk(result: RunResult, nodeName: string, expected: number): INodeExecutionData[] {
	if (result.error) throw new Error(`${nodeName} failed: ${result.error.message} ${(result.error as { description?: string }).description ?? ''}`);
	const items = result.outputOf(nodeName);
	const good = items.filter((item) => item.json.status === 'succeeded' && item.binary?.data);
	if (good.length !== expected) {
		const bad = items.find((item) => !(item.json.status === 'succeeded' && item.binary?.data));
		throw new Error(`${nodeName}: ${good.length} of ${expected} jobs succeeded with a video (${JSON.stringify(bad?.json).slice(0, 400)})`);
	}
	return items;
}

function baselineRun(emulator: Emulator, items: INodeExecutionData[], parameters: Record<string, unknown>): Promise<RunResult> {
	return runWorkflow({
		nodes: [startNode(), node(BASELINE, { baseUrl: emulator.baseUrls.replicate, apiToken: emulator.credentials.replicateToken, prompt: '={{ $json.prompt }}', ...parameters }, { type: BASELINE_TYPE, credentials: {} })],
		connections: chain('Start', BASELINE),
		nodeTypes: { [BASELINE_TYPE]: new NaiveReplicateVideo() },
		inputItems: items,
	});
}

// ---------------------------------------------------------------------------------------------
// Scenario 1: the batch

export interface BatchSettings {
	items: number;
	variants: number;
	queuedMs: number;
	runningMs: number;
	concurrencyLimit: number;
	maxConcurrentJobs: number;
	/** Baseline: how many jobs it runs (sequentially) to measure its time per job. */
	baselineJobs: number;
}

export interface BatchResult {
	settings: BatchSettings;
	jobs: number;
	jobSeconds: number;
	idealSeconds: number;
	package: {
		wallSeconds: number;
		ratioToIdeal: number;
		submits: number;
		throttled429: number;
		/** Status reads per job: its own status/result reads plus its share of list calls (bench/lib/flows.ts). */
		statusReadsPerJob: number;
		/** List calls (status board ticks and their pages), all told; their shares are in statusReadsPerJob. */
		listCalls: number;
		/** Of statusReadsPerJob, the reads that named the job (status, result). */
		ownStatusReadsPerJob: number;
		downloads: number;
		noticedLagMs: Summary;
		/** Seconds from one job's end to the next submit on the same worker, mean (what the slot costs beyond the job). */
		peakRunning: number;
	};
	baseline: {
		measuredJobs: number;
		measuredWallSeconds: number;
		secondsPerJob: number;
		/** measured seconds per job × jobs (the baseline runs items strictly one after another). */
		extrapolatedWallSeconds: number;
		statusReadsPerJob: number;
		noticedLagMs: Summary;
	};
	/** extrapolated baseline wall / package wall. */
	speedupVsBaseline: number;
}

export async function runBatch(settings: BatchSettings, log: (line: string) => void): Promise<BatchResult> {
	const jobMs = settings.queuedMs + settings.runningMs;
	const jobs = settings.items * settings.variants;
	const idealSeconds = (Math.ceil(jobs / settings.concurrencyLimit) * jobMs) / 1000;
	const timings = { queuedMs: settings.queuedMs, runningMs: settings.runningMs };
	const [packageEmulator, baselineEmulator] = await Promise.all([
		startEmulator({ timings, concurrencyLimit: settings.concurrencyLimit }),
		startEmulator({ timings, concurrencyLimit: settings.concurrencyLimit }),
	]);
	try {
		const packageRun = (async () => {
			const started = Date.now();
			const result = await runWorkflow({
				nodes: [
					startNode(),
					node(KLING, {
						provider: 'replicate',
						operation: 'textToVideo',
						prompt: '={{ $json.prompt }}',
						duration: 5,
						generateAudio: false,
						options: { aspectRatioVariants: ASPECT_RATIOS.slice(0, settings.variants), maxConcurrentJobs: settings.maxConcurrentJobs },
					}),
				],
				connections: chain('Start', KLING),
				credentials: emulatorCredentialsByType(packageEmulator),
				inputItems: prompts(settings.items),
			});
			const wallMs = Date.now() - started;
			assertOk(result, KLING, jobs);
			log(`batch: package ${jobs} jobs in ${(wallMs / 1000).toFixed(1)} s`);
			return wallMs;
		})();
		const baselineRunP = (async () => {
			const started = Date.now();
			const result = await baselineRun(baselineEmulator, prompts(settings.baselineJobs), { aspectRatio: '16:9', duration: 5, generateAudio: false });
			const wallMs = Date.now() - started;
			assertOk(result, BASELINE, settings.baselineJobs);
			log(`batch: baseline ${settings.baselineJobs} jobs in ${(wallMs / 1000).toFixed(1)} s`);
			return wallMs;
		})();
		const [packageWallMs, baselineWallMs] = await Promise.all([packageRun, baselineRunP]);

		const counters = packageEmulator.counters();
		const flows = jobFlows(packageEmulator.jobs('replicate'), counters);
		const baselineFlows = jobFlows(baselineEmulator.jobs('replicate'), baselineEmulator.counters());
		const baselinePerJob = baselineWallMs / 1000 / settings.baselineJobs;
		return {
			settings,
			jobs,
			jobSeconds: jobMs / 1000,
			idealSeconds,
			package: {
				wallSeconds: round(packageWallMs / 1000),
				ratioToIdeal: round(packageWallMs / 1000 / idealSeconds, 3),
				submits: counters.count({ provider: 'replicate', route: 'submit' }),
				throttled429: counters.count({ provider: 'replicate', route: 'submit', status: 429 }),
				statusReadsPerJob: round(mean(flows.map((f) => f.statusReads)), 2),
				listCalls: counters.count({ provider: 'replicate', route: 'list' }),
				ownStatusReadsPerJob: round(mean(flows.map((f) => f.statusReads - f.listShare)), 2),
				downloads: counters.count({ provider: 'replicate', route: 'download' }),
				noticedLagMs: summarize(flows.flatMap((f) => (f.noticedLagMs === null ? [] : [f.noticedLagMs]))),
				peakRunning: peakConcurrency(flows),
			},
			baseline: {
				measuredJobs: settings.baselineJobs,
				measuredWallSeconds: round(baselineWallMs / 1000),
				secondsPerJob: round(baselinePerJob, 2),
				extrapolatedWallSeconds: round(baselinePerJob * jobs),
				statusReadsPerJob: round(mean(baselineFlows.map((f) => f.statusReads)), 2),
				noticedLagMs: summarize(baselineFlows.flatMap((f) => (f.noticedLagMs === null ? [] : [f.noticedLagMs]))),
			},
			speedupVsBaseline: round((baselinePerJob * jobs) / (packageWallMs / 1000), 2),
		};
	} finally {
		await Promise.all([packageEmulator.close(), baselineEmulator.close()]);
	}
}

/** Most jobs unfinished at the same time (from the emulator's own timestamps). */
function peakConcurrency(flows: JobFlow[]): number {
	const events = flows.flatMap((f) => [
		[f.createdAt, 1],
		[f.completedAt ?? Infinity, -1],
	]) as Array<[number, number]>;
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let running = 0;
	let peak = 0;
	for (const [, delta] of events) peak = Math.max(peak, (running += delta));
	return peak;
}

// ---------------------------------------------------------------------------------------------
// Scenario 2 (Wait for Completion): requests per job and how late completion is noticed

export type Provider = 'replicate' | 'fal' | 'wavespeed' | 'kling';
export const PROVIDERS: Provider[] = ['replicate', 'fal', 'wavespeed', 'kling'];

export interface WaveResult {
	jobs: number;
	submitsPerJob: number;
	/** Own status/result/stream reads plus the job's share of list calls. */
	statusReadsPerJob: number;
	maxStatusReads: number;
	/** Of statusReadsPerJob, the share of list calls. */
	listSharePerJob: number;
	byRoutePerJob: Record<string, number>;
	downloadsPerJob: number;
	noticedLagMs: Summary;
}

export interface PollingResult {
	jobSeconds: number;
	jobsPerWave: number;
	/** Per provider: first wave (no history of this job shape in the process) and second wave (learned). */
	package: Record<Provider, { cold: WaveResult; warm: WaveResult }>;
	baseline: WaveResult;
}

function wave(flows: JobFlow[]): WaveResult {
	const routes = new Set(flows.flatMap((f) => Object.keys(f.byRoute)));
	return {
		jobs: flows.length,
		submitsPerJob: round(mean(flows.map((f) => f.submits)), 2),
		statusReadsPerJob: round(mean(flows.map((f) => f.statusReads)), 2),
		maxStatusReads: round(Math.max(...flows.map((f) => f.statusReads)), 2),
		listSharePerJob: round(mean(flows.map((f) => f.listShare)), 2),
		byRoutePerJob: Object.fromEntries([...routes].sort().map((route) => [route, round(mean(flows.map((f) => f.byRoute[route] ?? 0)), 2)])),
		downloadsPerJob: round(mean(flows.map((f) => f.downloads)), 2),
		noticedLagMs: summarize(flows.flatMap((f) => (f.noticedLagMs === null ? [] : [f.noticedLagMs]))),
	};
}

export async function runPolling(
	options: { queuedMs: number; runningMs: number; jobsPerWave: number; baselineJobs: number },
	log: (line: string) => void,
): Promise<PollingResult> {
	const emulator = await startEmulator({ timings: { queuedMs: options.queuedMs, runningMs: options.runningMs } });
	try {
		const runWave = async (provider: Provider, label: 'cold' | 'warm') => {
			const result = await runWorkflow({
				nodes: [
					startNode(),
					node(KLING, {
						provider,
						operation: 'textToVideo',
						prompt: '={{ $json.prompt }}',
						// 10 s with audio: a job shape no other scenario of this process uses, so the first wave is really cold.
						duration: 10,
						generateAudio: true,
						quality: 'pro',
						options: { maxConcurrentJobs: options.jobsPerWave },
					}),
				],
				connections: chain('Start', KLING),
				credentials: emulatorCredentialsByType(emulator),
				inputItems: prompts(options.jobsPerWave, `${provider}:${label}`),
			});
			assertOk(result, KLING, options.jobsPerWave);
			log(`polling: ${provider} ${label} wave done`);
		};
		// Baseline jobs are one per execution, side by side (the baseline itself would run them one after another).
		const baseline = Promise.all(
			Array.from({ length: options.baselineJobs }, () =>
				baselineRun(emulator, prompts(1, 'baseline'), { aspectRatio: '16:9', duration: 10, generateAudio: true, pollSeconds: 5 }),
			),
		).then((results) => {
			results.forEach((result) => assertOk(result, BASELINE, 1));
			log('polling: baseline done');
		});
		await Promise.all([
			baseline,
			...PROVIDERS.map(async (provider) => {
				await runWave(provider, 'cold');
				await runWave(provider, 'warm');
			}),
		]);
		const tags = new Map(emulator.jobs().map((job) => [`${job.provider}:${job.id}`, tagOf(job.input)]));
		// The baseline's jobs are apart: list calls are the package's, shared among the package's jobs only.
		const isBaseline = (job: { provider: string; id: string }) => tags.get(`${job.provider}:${job.id}`) === 'baseline';
		const counters = emulator.counters();
		// The baseline never lists: its jobs take no share of the package's list calls.
		const withoutLists = { ...counters, requests: counters.requests.filter((request) => request.route !== 'list') };
		const flows = [
			...jobFlows(emulator.jobs(), counters, (job) => !isBaseline(job)),
			...jobFlows(emulator.jobs(), withoutLists, isBaseline),
		];
		const of = (tag: string) => flows.filter((f) => tags.get(`${f.provider}:${f.jobId}`) === tag);
		return {
			jobSeconds: (options.queuedMs + options.runningMs) / 1000,
			jobsPerWave: options.jobsPerWave,
			package: Object.fromEntries(PROVIDERS.map((p) => [p, { cold: wave(of(`${p}:cold`)), warm: wave(of(`${p}:warm`)) }])) as PollingResult['package'],
			baseline: wave(of('baseline')),
		};
	} finally {
		await emulator.close();
	}
}
