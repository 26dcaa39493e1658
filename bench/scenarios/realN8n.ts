/**
 * Scenarios 3, 4 and 5 in a real n8n 2.x (Node 24), the package installed from its packed
 * tarball as users install it, every provider served by an emulator in this process:
 *
 * 3. completion to downstream: provider webhook → Kling Video Trigger → next node, and provider
 *    webhook → paused execution (Wait for Webhook) resumed → next node; the next node calls an
 *    endpoint here that records when it arrived; the webhook's send time is the job's end in the
 *    emulator (it dispatches the webhook on that transition). The same jobs give the webhook
 *    modes' requests per job.
 * 4. memory: n8n's RSS (VmRSS sampled, VmHWM reset before and read after) while 500 MiB outputs
 *    are downloaded into binary data, by the package and by the baseline.
 * 5. overhead: start-up time of n8n without and with the package (separate user folders, first
 *    start excluded), the package's installed size and runtime dependencies.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type WebhookRecord } from '../../test/emulator';
import { buildAndPack, ensureN8n, type N8nInstance, type N8nRuntime } from '../../scripts/lib/n8n';
import { sleep, tailLog, type Service } from '../../scripts/lib/processes';
import { CREDENTIAL_TYPES, toProviderCredentials } from '../../nodes/shared/credentials';
import { HttpClient } from '../../nodes/shared/http';
import { videoRequestSchema } from '../../nodes/shared/job';
import { getProvider } from '../../nodes/shared/providers';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import { emulatorCredentialsByType } from '../../test/support/emulatorCredentials';
import { N8nRest } from '../../scripts/lib/n8nRest';
import { jobFlows } from '../lib/flows';
import {
	directorySize,
	installedPackages,
	memoryOf,
	prepareUserFolder,
	resetPeak,
	sampleMemory,
	startArrivalSink,
	timedStart,
	writeBaselineExtension,
	type ArrivalSink,
	type Provider,
} from '../lib/realN8n';
import { mean, round, summarize, type Summary } from '../lib/stats';
import { executionTimelines } from '../lib/timeline';
import { controlWorkflows, ids, memoryWorkflows, paths, triggerWorkflow, waitWorkflow } from '../lib/workflows';

const PROVIDERS: Provider[] = ['replicate', 'fal', 'wavespeed', 'kling'];
const MiB = 1024 * 1024;

export interface Prepared {
	runtime: N8nRuntime;
	n8nInstallSeconds: number;
	buildSeconds: number;
	tarball: string;
	root: string;
	emulator: Emulator;
	sink: ArrivalSink;
	plain: N8nInstance;
	packageOnly: N8nInstance;
	bench: N8nInstance;
	extensionDir: string;
	triggerPaths: Record<Provider, string>;
	firstStartMs: { plain: number; packageOnly: number; bench: number };
}

/** Everything before the measurements: install, build, pack, user folders, first starts (migrations), publishing. */
export async function prepare(log: (line: string) => void): Promise<Prepared> {
	let started = Date.now();
	const runtime = await ensureN8n();
	const n8nInstallSeconds = (Date.now() - started) / 1000;
	log(`n8n ${runtime.version} ready (${n8nInstallSeconds.toFixed(1)} s)`);
	const root = mkdtempSync(join(tmpdir(), 'kling-bench-'));
	started = Date.now();
	const tarball = await buildAndPack(join(root, 'pack'));
	const buildSeconds = (Date.now() - started) / 1000;
	log(`package built and packed (${buildSeconds.toFixed(1)} s)`);
	const extensionDir = writeBaselineExtension(join(root, 'baseline-extension'));
	const emulator = await startEmulator({ timings: { queuedMs: 500, runningMs: 2500 } });
	const sink = await startArrivalSink();

	const triggers = PROVIDERS.map((p) => ({ p, ...triggerWorkflow(p, sink.url) }));
	const workflows = [...triggers.map((t) => t.workflow), ...PROVIDERS.map((p) => waitWorkflow(p, sink.url)), ...memoryWorkflows(emulator), ...controlWorkflows(emulator, sink.url)];
	const plain = await prepareUserFolder(runtime, join(root, 'plain'), {});
	const packageOnly = await prepareUserFolder(runtime, join(root, 'package-only'), { tarball });
	const bench = await prepareUserFolder(runtime, join(root, 'bench'), { tarball, emulator, workflows });
	log('user folders prepared');

	// First starts create the database; they are reported but not compared.
	const firstStartMs = { plain: 0, packageOnly: 0, bench: 0 };
	for (const [name, instance] of [['plain', plain], ['packageOnly', packageOnly]] as const) {
		const { service, startMs } = await timedStart(instance, join(root, 'logs', `${name}-first.log`));
		firstStartMs[name] = startMs;
		await service.stop();
	}
	const first = await timedStart(bench, join(root, 'logs', 'bench-first.log'), { N8N_CUSTOM_EXTENSIONS: extensionDir });
	firstStartMs.bench = first.startMs;
	const rest = new N8nRest(first.instance.url);
	await rest.setupOwner({ email: 'bench@example.com', password: 'Bench-password-1', firstName: 'Bench' });
	for (const workflow of workflows) await rest.activate(workflow.id);
	await first.service.stop();
	log('first starts done, workflows published');
	return {
		runtime,
		n8nInstallSeconds,
		buildSeconds,
		tarball,
		root,
		emulator,
		sink,
		plain,
		packageOnly,
		bench,
		extensionDir,
		triggerPaths: Object.fromEntries(triggers.map((t) => [t.p, t.webhookPath])) as Record<Provider, string>,
		firstStartMs,
	};
}

// ---------------------------------------------------------------------------------------------

export interface OverheadResult {
	startsPerVariant: number;
	withoutPackageMs: number[];
	withPackageMs: number[];
	meanWithoutMs: number;
	meanWithMs: number;
	addedMs: number;
	firstStartMs: Prepared['firstStartMs'];
	tarballBytes: number;
	installedBytes: number;
	packageOnlyBytes: number;
	runtimeDependencies: string[];
}

export async function measureOverhead(prep: Prepared, starts: number, log: (line: string) => void): Promise<OverheadResult> {
	const without: number[] = [];
	const withPackage: number[] = [];
	for (let i = 0; i < starts; i++) {
		for (const [list, instance, name] of [
			[without, prep.plain, 'plain'],
			[withPackage, prep.packageOnly, 'package-only'],
		] as const) {
			const { service, startMs } = await timedStart(instance, join(prep.root, 'logs', `${name}-${i}.log`));
			list.push(startMs);
			await service.stop();
		}
	}
	log(`start-up: without ${without.join(', ')} ms; with ${withPackage.join(', ')} ms`);
	const nodeModules = join(prep.packageOnly.userFolder, '.n8n', 'nodes', 'node_modules');
	const packages = installedPackages(nodeModules);
	return {
		startsPerVariant: starts,
		withoutPackageMs: without,
		withPackageMs: withPackage,
		meanWithoutMs: Math.round(mean(without)),
		meanWithMs: Math.round(mean(withPackage)),
		addedMs: Math.round(mean(withPackage) - mean(without)),
		firstStartMs: prep.firstStartMs,
		tarballBytes: statSync(prep.tarball).size,
		installedBytes: directorySize(nodeModules),
		packageOnlyBytes: directorySize(join(nodeModules, 'n8n-nodes-kling-video')),
		runtimeDependencies: packages.filter((name) => name !== 'n8n-nodes-kling-video').sort(),
	};
}

// ---------------------------------------------------------------------------------------------

/** `BENCH_N8N_EXPRESSION_POOL_SIZE`: n8n's expression isolate pool size for the bench n8n (unset: n8n's default, 1). */
export const EXPRESSION_POOL_SIZE = process.env.BENCH_N8N_EXPRESSION_POOL_SIZE?.trim() || undefined;

export interface RunningBench {
	service: Service;
	instance: N8nInstance;
	startMs: number;
}

export async function startBench(prep: Prepared): Promise<RunningBench> {
	const { service, startMs, instance } = await timedStart(prep.bench, join(prep.root, 'logs', 'bench.log'), {
		N8N_CUSTOM_EXTENSIONS: prep.extensionDir,
		// n8n evaluates expressions in a pool of isolates (1 by default); a run can try another size.
		...(EXPRESSION_POOL_SIZE ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: EXPRESSION_POOL_SIZE } : {}),
	});
	// Published webhooks are registered while n8n starts; wait until each trigger answers (a bodyless call is refused, not 404).
	for (const provider of PROVIDERS) {
		for (let attempt = 0; ; attempt++) {
			const response = await fetch(`${instance.url}/${prep.triggerPaths[provider]}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
			await response.text();
			if (response.status !== 404) break;
			if (attempt > 100) throw new Error(`the ${provider} trigger webhook was never registered`);
			await sleep(200);
		}
	}
	return { service, instance, startMs };
}

// ---------------------------------------------------------------------------------------------

export interface MemoryRun {
	label: string;
	downloads: number;
	fileBytes: number;
	seconds: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	growthPerFileSize: number;
	/** Whether VmHWM could be reset (else only the 20 ms VmRSS samples count). */
	hwmReset: boolean;
}

async function memoryRun(bench: RunningBench, path: string, label: string, downloads: number, fileBytes: number, body?: unknown, settleMs = 1500): Promise<MemoryRun> {
	const pid = bench.service.child.pid as number;
	// Lets the previous run's buffers and the execution's saving settle before "before" is read.
	await sleep(settleMs);
	const before = memoryOf(pid).rss;
	const hwmReset = resetPeak(pid);
	const sampler = sampleMemory(pid, 20);
	const started = Date.now();
	const response = await fetch(`${bench.instance.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body ?? { jobs: Array.from({ length: downloads }, (_, i) => i + 1) }),
	});
	const text = await response.text();
	const seconds = (Date.now() - started) / 1000;
	const peak = sampler.stop();
	if (!response.ok) throw new Error(`${label}: HTTP ${response.status} ${text.slice(0, 300)}`);
	const peakRss = hwmReset ? Math.max(peak.hwm, peak.peakRss) : peak.peakRss;
	return {
		label,
		downloads,
		fileBytes,
		seconds: round(seconds),
		rssBeforeBytes: before,
		peakRssBytes: peakRss,
		growthBytes: peakRss - before,
		growthPerFileSize: round((peakRss - before) / fileBytes, 3),
		hwmReset,
	};
}

/** The URL of a finished Replicate job's output on the emulator: what n8n's HTTP Request node downloads in the control. */
async function finishedOutputUrl(prep: Prepared): Promise<string> {
	const client = directClients(prep.emulator).replicate;
	const request = videoRequestSchema.parse({ operation: 'textToVideo', prompt: '[memory:control] a ceramic mug', aspectRatio: '16:9', duration: 5, generateAudio: false });
	const job = await client.submit(request, { idempotencyKey: randomUUID() });
	prep.emulator.finishJob('replicate', job.jobId);
	const finished = await client.get(job.ref);
	if (!finished.videoUrl) throw new Error(`memory control: job ${job.jobId} has no output URL`);
	return finished.videoUrl;
}

/** How many single downloads each fresh n8n makes in a row: the issue's targets are on the first and the tenth. */
export const DOWNLOADS_IN_A_ROW = 10;

const ordinal = (k: number) => `${k}${k === 1 ? 'st' : k === 2 ? 'nd' : k === 3 ? 'rd' : 'th'}`;

/**
 * Peak RSS growth while 500 MiB outputs are downloaded into binary data. The first large
 * download in an n8n process also grows V8's heap and the allocator's pools once, so each series
 * starts in a freshly started n8n (after a small warm-up that loads the nodes' code): ten single
 * downloads in a row by n8n's own HTTP Request node, then, in another fresh n8n, ten by the
 * package, ten at once by the package, and one by the baseline. Stops the n8n it was given;
 * returns the one left running.
 */
export async function measureMemory(
	prep: Prepared,
	given: RunningBench,
	fileBytes: number,
	log: (line: string) => void,
): Promise<{ runs: MemoryRun[]; bench: RunningBench }> {
	const runs: MemoryRun[] = [];
	let bench = given;
	const measure = async (path: string, label: string, downloads: number, body?: unknown, settleMs?: number) => {
		const run = await memoryRun(bench, path, label, downloads, fileBytes, body, settleMs);
		log(`memory: ${label}: +${(run.growthBytes / MiB).toFixed(1)} MiB peak RSS in ${run.seconds} s`);
		runs.push(run);
		// The videos are on disk in n8n's binary store; drop them so the runs do not fill it.
		rmSync(join(prep.bench.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
	};
	const series = async (path: string, name: string, body?: unknown) => {
		for (let k = 1; k <= DOWNLOADS_IN_A_ROW; k++) {
			// The targets are on the 1st and the last; the ones between only need to happen (a shorter pause keeps the run short).
			const target = k === 1 || k === DOWNLOADS_IN_A_ROW;
			await measure(path, `${name}, 1 download (${ordinal(k)}${k === 1 ? ' in a fresh n8n' : ''})`, 1, body, target ? 1500 : 500);
		}
	};
	const freshN8n = async (warmUps: Array<[string, string, unknown?]>) => {
		await bench.service.stop();
		bench = await startBench(prep);
		// Warm-up with the small fixture video: n8n loads the code of each workflow's nodes on first use.
		prep.emulator.configure({ queuedMs: 100, runningMs: 400, outputBytes: null });
		for (const [path, label, body] of warmUps) runs.push(await memoryRun(bench, path, label, 1, 1958, body));
		prep.emulator.configure({ outputBytes: fileBytes });
	};
	try {
		const url = await finishedOutputUrl(prep);
		await freshN8n([[paths.memoryControl, 'warm-up: n8n HTTP Request node, 1 small video', { url }]]);
		await series(paths.memoryControl, 'n8n HTTP Request node', { url });

		await freshN8n([
			[paths.memoryPackage, 'warm-up: package, 1 small video'],
			[paths.memoryBaseline, 'warm-up: baseline, 1 small video'],
		]);
		await series(paths.memoryPackage, 'package');
		await measure(paths.memoryPackage, 'package, 10 downloads at once', 10);
		await measure(paths.memoryBaseline, 'baseline, 1 download', 1);
	} finally {
		prep.emulator.configure({ outputBytes: null });
	}
	return { runs, bench };
}

// ---------------------------------------------------------------------------------------------

export type LatencyModeName =
	| 'trigger'
	| 'wait'
	| 'control-trigger'
	| 'control-trigger-download'
	| 'control-trigger-isolate'
	| 'control-wait'
	| 'control-wait-download';

export interface LatencyMode {
	jobs: number;
	arrived: number;
	/** Provider webhook (the job's end) → the next node's request arriving here. */
	latencyMs: Summary;
	/** The same span cut at n8n's steps, each from the job's end: n8n answered the webhook; the execution row was created (trigger modes); the next node started (n8n's own run data). */
	stepsMs: { webhookAnswered: Summary; executionCreated: Summary; sourceNodeRan: Summary; nextNodeStarted: Summary };
	perProvider: Partial<
		Record<
			Provider,
			{
				latencyMs: Summary;
				stepsMs: LatencyMode['stepsMs'];
				submitsPerJob: number;
				statusReadsPerJob: number;
				maxStatusReads: number;
				byRoutePerJob: Record<string, number>;
				downloadsPerJob: number;
				/** Jobs whose end came within NEIGHBOUR_MS after another job's delivery to the same n8n (see `neighbours`). */
				afterAnotherDelivery: number;
			}
		>
	>;
}

export interface LatencyGroup {
	/** Seconds of CPU the n8n main process used during the group, and the load average (1 min) after it. */
	n8nCpuSeconds: number;
	loadAverageAfter: number;
	wallSeconds: number;
}

export interface LatencyResult {
	jobSeconds: number;
	paceMs: number;
	trigger: LatencyMode;
	controlTrigger: LatencyMode;
	/** n8n's Webhook node, then its HTTP Request node downloading the video: the trigger's work done with n8n's own nodes. */
	controlTriggerDownload: LatencyMode;
	/**
	 * The trigger's shape with n8n's own nodes: its Webhook node with one expression option (so the webhook phase
	 * takes an expression isolate, as for any community trigger), then its HTTP Request node downloading the video.
	 */
	controlTriggerIsolate: LatencyMode;
	waitForWebhook: LatencyMode;
	controlWait: LatencyMode;
	/** n8n's Wait node, then its HTTP Request node downloading the video. */
	controlWaitDownload: LatencyMode;
	/** Providers whose deliveries the Kling Video Trigger refused in the preflight, and what n8n said. */
	triggerFailures: Partial<Record<Provider, string>>;
	groups: { trigger: LatencyGroup; wait: LatencyGroup };
}

/** Adapter clients pointed at the emulator, for submitting the trigger path's jobs directly. */
function directClients(emulator: Emulator): Record<Provider, ProviderClient> {
	const credentials = emulatorCredentialsByType(emulator);
	const http = new HttpClient();
	return Object.fromEntries(
		PROVIDERS.map((p) => [p, getProvider(p).connect(toProviderCredentials(p, credentials[CREDENTIAL_TYPES[p]] as never), http)]),
	) as Record<Provider, ProviderClient>;
}

const SOURCE_NODE: Record<LatencyModeName, string> = {
	trigger: 'Kling Video Trigger',
	wait: 'Kling Video',
	'control-trigger': 'Start',
	'control-trigger-download': 'Start',
	'control-trigger-isolate': 'Start',
	'control-wait': 'Wait',
	'control-wait-download': 'Wait',
};

const isTagged = (mode: LatencyModeName) => (job: { input: Record<string, unknown> }) => String(job.input.prompt ?? '').startsWith(`[${mode}:`);

/** Until every job of the modes has arrived, or every job ended, its webhooks were delivered and nothing arrived for 5 s. */
async function waitForArrivals(prep: Prepared, modes: LatencyModeName[], expected: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let count = -1;
	let quietSince = Date.now();
	for (;;) {
		const jobs = prep.emulator.jobs().filter((job) => modes.some((mode) => isTagged(mode)(job)));
		const ids = new Set(jobs.map((job) => job.id));
		const now = prep.sink.arrivals.filter((a) => modes.includes(a.mode as LatencyModeName) && ids.has(a.jobId)).length;
		if (now >= expected || Date.now() > deadline) return;
		if (now !== count) {
			count = now;
			quietSince = Date.now();
		}
		const ended = jobs.length >= expected && jobs.every((job) => job.completedAt);
		if (ended && Date.now() - quietSince > 5000) {
			await prep.emulator.webhooksIdle();
			return;
		}
		await sleep(250);
	}
}

async function latencyMode(prep: Prepared, bench: RunningBench, mode: LatencyModeName, jobs: number): Promise<LatencyMode> {
	const tagged = prep.emulator.jobs().filter(isTagged(mode));
	const counters = prep.emulator.counters();
	const flows = jobFlows(tagged, counters);
	const arrivals = new Map(prep.sink.arrivals.filter((a) => a.mode === mode).map((a) => [a.jobId, a.at]));
	const endOf = new Map(tagged.flatMap((job) => (job.completedAt ? [[job.id, new Date(job.completedAt).getTime()] as const] : [])));
	// n8n answered the terminal delivery: the first 2xx delivery to n8n after the job's end (a record is made when the answer is in).
	const answered = new Map<string, number>();
	for (const sent of counters.webhooksSent) {
		const at = new Date(sent.at).getTime();
		const end = endOf.get(sent.jobId);
		if (end === undefined || at < end || answered.has(sent.jobId)) continue;
		if (sent.status >= 200 && sent.status < 300 && sent.url.startsWith(bench.instance.url)) answered.set(sent.jobId, at);
	}
	const timelines = await executionTimelines(bench.instance, 'bench');
	const created = new Map<string, number>();
	const nextStarted = new Map<string, number>();
	const sourceRan = new Map<string, number>();
	for (const timeline of timelines) {
		const source = timeline.nodes[SOURCE_NODE[mode]]?.at(-1);
		const jobId = source?.jobId;
		const next = timeline.nodes['Next node']?.at(-1)?.start;
		if (!jobId || !endOf.has(jobId)) continue;
		if (timeline.createdAt !== null) created.set(jobId, timeline.createdAt);
		if (next !== undefined) nextStarted.set(jobId, next);
		if (source?.start !== undefined) sourceRan.set(jobId, source.start);
	}
	const since = (marks: Map<string, number>, provider?: Provider) =>
		summarize(
			tagged.flatMap((job) => {
				const at = marks.get(job.id);
				const end = endOf.get(job.id);
				return (provider && job.provider !== provider) || at === undefined || end === undefined ? [] : [at - end];
			}),
		);
	const providers = PROVIDERS.filter((p) => tagged.some((job) => job.provider === p));
	const afterAnother = neighbours(endOf, counters.webhooksSent, bench.instance.url);
	return {
		jobs,
		arrived: tagged.filter((job) => arrivals.has(job.id)).length,
		latencyMs: since(arrivals),
		stepsMs: {
			webhookAnswered: since(answered),
			// A resumed execution keeps the row it was created with; only a trigger's execution is new.
			executionCreated: mode.includes('trigger') ? since(created) : summarize([]),
			sourceNodeRan: since(sourceRan),
			nextNodeStarted: since(nextStarted),
		},
		perProvider: Object.fromEntries(
			providers.map((p) => {
				const mine = flows.filter((f) => f.provider === p);
				const routes = new Set(mine.flatMap((f) => Object.keys(f.byRoute)));
				return [
					p,
					{
						latencyMs: since(arrivals, p),
						stepsMs: { webhookAnswered: since(answered, p), executionCreated: since(created, p), sourceNodeRan: since(sourceRan, p), nextNodeStarted: since(nextStarted, p) },
						submitsPerJob: round(mean(mine.map((f) => f.submits)), 2),
						statusReadsPerJob: round(mean(mine.map((f) => f.statusReads)), 2),
						maxStatusReads: Math.max(...mine.map((f) => f.statusReads)),
						byRoutePerJob: Object.fromEntries([...routes].sort().map((r) => [r, round(mean(mine.map((f) => f.byRoute[r] ?? 0)), 2)])),
						downloadsPerJob: round(mean(mine.map((f) => f.downloads)), 2),
						afterAnotherDelivery: mine.filter((f) => afterAnother.has(f.jobId)).length,
					},
				];
			}),
		),
	};
}

/**
 * How far back another delivery counts as a neighbour: about the time n8n takes to build a new expression
 * isolate, so a delivery that took the warm one this long before leaves none for this job's.
 */
const NEIGHBOUR_MS = 100;

/**
 * The jobs (of `endOf`) whose end came within NEIGHBOUR_MS after another job's webhook delivery to the same n8n
 * (any event, e.g. a Kling `processing` callback): with a fixed schedule such a neighbour can fall next to every
 * delivery of one provider and make that provider alone look slow.
 */
function neighbours(endOf: Map<string, number>, sent: readonly WebhookRecord[], n8nUrl: string): Set<string> {
	const times = sent.filter((w) => w.url.startsWith(n8nUrl)).map((w) => ({ jobId: w.jobId, at: new Date(w.at).getTime() }));
	const near = new Set<string>();
	for (const [jobId, end] of endOf) {
		if (times.some((w) => w.jobId !== jobId && w.at <= end && end - w.at <= NEIGHBOUR_MS)) near.add(jobId);
	}
	return near;
}

/** CPU seconds (user + system) a process has used. */
function cpuSecondsOf(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	// utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * One job per provider through the Kling Video Trigger before the group: a provider whose
 * deliveries n8n refuses is left out of the group (and reported), so its failing deliveries, which
 * the provider retries, do not load n8n while the others are measured.
 */
async function preflightTrigger(prep: Prepared, bench: RunningBench, clients: Record<Provider, ProviderClient>): Promise<Partial<Record<Provider, string>>> {
	const submitted = await Promise.all(
		PROVIDERS.map(async (provider) => {
			const request = videoRequestSchema.parse({ operation: 'textToVideo', prompt: `[probe:${provider}] preflight`, aspectRatio: '16:9', duration: 5, generateAudio: false });
			return await clients[provider].submit(request, { webhookUrl: `${bench.instance.url}/${prep.triggerPaths[provider]}`, idempotencyKey: randomUUID() });
		}),
	);
	const ids = new Set(submitted.map((job) => job.jobId));
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline && !prep.emulator.jobs().filter((job) => ids.has(job.id)).every((job) => job.completedAt)) await sleep(200);
	await prep.emulator.webhooksIdle();
	await sleep(1500);
	const failures: Partial<Record<Provider, string>> = {};
	const log = tailLog(bench.service.logFile, 400);
	for (const job of submitted) {
		if (prep.sink.arrivals.some((a) => a.jobId === job.jobId)) continue;
		const provider = job.provider as Provider;
		const answers = prep.emulator.counters().webhooksSent.filter((sent) => sent.jobId === job.jobId).map((sent) => sent.status || sent.error);
		const said = log.split('\n').find((line) => line.includes(`could not check a ${provider} delivery`));
		failures[provider] = `n8n answered ${answers.join(', ') || 'nothing'} to the provider's deliveries${said ? `; n8n log: "${said.trim().slice(0, 200)}"` : ''}`;
	}
	return failures;
}

/**
 * The order of `count` package jobs over `providers`: each round of one job per provider in its own
 * shuffled order (a fixed seed, so runs compare). With one fixed order each job ends at the same
 * place relative to the others, and a neighbour's callback (Kling calls back on every change of
 * state) always falls next to the same provider's delivery; shuffled, every provider meets every
 * neighbour.
 */
export function rotatedProviders<T>(providers: readonly T[], count: number, seed = 14): T[] {
	let state = seed >>> 0;
	// mulberry32: small, deterministic, good enough to shuffle four names.
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const order: T[] = [];
	while (order.length < count) {
		const round = [...providers];
		for (let i = round.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[round[i], round[j]] = [round[j], round[i]];
		}
		order.push(...round);
	}
	return order.slice(0, count);
}

/** `jobs` package sends and `controls` sends, the controls spread evenly among the package jobs. */
export function interleave(jobs: number, controls: number): Array<'package' | 'control'> {
	const order: Array<'package' | 'control'> = [];
	for (let p = 0, c = 0; p < jobs || c < controls; ) {
		if (c < controls && (p >= jobs || (c + 1) * jobs <= (p + 1) * controls)) {
			order.push('control');
			c++;
		} else {
			order.push('package');
			p++;
		}
	}
	return order;
}

/**
 * `jobs` package jobs per group and `controls` jobs through each of n8n-only workflows,
 * interleaved, `paceMs` apart, so all see the same machine and n8n is not saturated (each
 * execution costs its main process about a tenth of a CPU second here). Group one: provider
 * webhooks to the Kling Video Trigger (and to n8n's Webhook node: static, static + download, and
 * with an expression option + download, the trigger's shape); group two: paused executions
 * resumed by the provider (Kling Video's Wait for Webhook, and n8n's Wait node, alone and followed
 * by a download). The package jobs' providers follow `rotatedProviders`.
 */
export async function measureLatency(
	prep: Prepared,
	bench: RunningBench,
	options: { jobs: number; controls: number; paceMs: number },
	log: (line: string) => void,
): Promise<LatencyResult> {
	const { jobs, controls, paceMs } = options;
	const queuedMs = 500;
	const runningMs = 2500;
	prep.emulator.configure({ queuedMs, runningMs, outputBytes: null });
	const clients = directClients(prep.emulator);
	const pid = bench.service.child.pid as number;
	const sendAll = async (controlKinds: number, send: (kind: 'package' | 'control', index: number) => void) => {
		const next = { package: 0, control: 0 };
		for (const kind of interleave(jobs, controlKinds * controls)) {
			send(kind, next[kind]++);
			await sleep(paceMs);
		}
	};
	const group = async (modes: LatencyModeName[], send: (kind: 'package' | 'control', index: number) => void): Promise<LatencyGroup> => {
		const cpuBefore = cpuSecondsOf(pid);
		const started = Date.now();
		const controlKinds = modes.length - 1;
		await sendAll(controlKinds, send);
		await waitForArrivals(prep, modes, jobs + controlKinds * controls, 120_000);
		return { n8nCpuSeconds: round(cpuSecondsOf(pid) - cpuBefore, 2), loadAverageAfter: round(loadavg()[0], 2), wallSeconds: round((Date.now() - started) / 1000) };
	};
	const report = (error: Error, what: string) => log(`${what} failed: ${error.message}`);
	const summary = (name: string, mode: LatencyMode) => `${name} ${mode.arrived}/${mode.jobs} arrived, p50 ${mode.latencyMs.p50} ms, p95 ${mode.latencyMs.p95} ms`;

	// Group one: jobs submitted with a webhook URL (what Submit Only with a callback URL does).
	const triggerFailures = await preflightTrigger(prep, bench, clients);
	const triggerProviders = PROVIDERS.filter((p) => !triggerFailures[p]);
	for (const [provider, why] of Object.entries(triggerFailures)) log(`Kling Video Trigger refuses ${provider} deliveries, left out of the group: ${why}`);
	const triggerOrder = rotatedProviders(triggerProviders, jobs);
	const triggerControls: Array<{ tag: LatencyModeName; path: string }> = [
		{ tag: 'control-trigger', path: paths.controlTrigger },
		{ tag: 'control-trigger-download', path: paths.controlTriggerDownload },
		{ tag: 'control-trigger-isolate', path: paths.controlTriggerIsolate },
	];
	const triggerGroup = await group(['trigger', ...triggerControls.map((c) => c.tag)], (kind, i) => {
		if (kind === 'package' && triggerProviders.length === 0) return;
		const provider = kind === 'package' ? triggerOrder[i] : 'replicate';
		const control = triggerControls[i % triggerControls.length];
		const tag = kind === 'package' ? 'trigger' : control.tag;
		const url = kind === 'package' ? `${bench.instance.url}/${prep.triggerPaths[provider]}` : `${bench.instance.url}/webhook/${control.path}`;
		const request = videoRequestSchema.parse({ operation: 'textToVideo', prompt: `[${tag}:${provider}] job ${i}`, aspectRatio: '16:9', duration: 5, generateAudio: false });
		void clients[provider].submit(request, { webhookUrl: url, idempotencyKey: randomUUID() }).catch((error: Error) => report(error, `${tag} submit`));
	});
	const trigger = await latencyMode(prep, bench, 'trigger', triggerProviders.length ? jobs : 0);
	const controlTrigger = await latencyMode(prep, bench, 'control-trigger', controls);
	const controlTriggerDownload = await latencyMode(prep, bench, 'control-trigger-download', controls);
	const controlTriggerIsolate = await latencyMode(prep, bench, 'control-trigger-isolate', controls);
	log(
		`latency: ${summary('Kling Video Trigger', trigger)}; ${summary('n8n Webhook node', controlTrigger)}; ${summary('with its download', controlTriggerDownload)}; ${summary('with an expression option and its download', controlTriggerIsolate)}`,
	);

	// Group two: each execution starts from its webhook, submits, pauses, and is resumed by the provider's webhook.
	const waitOrder = rotatedProviders(PROVIDERS, jobs);
	const waitGroup = await group(['wait', 'control-wait', 'control-wait-download'], (kind, i) => {
		const control = i % 2 === 1 ? paths.controlWaitDownload : paths.controlWait;
		const url = `${bench.instance.url}/webhook/${kind === 'package' ? paths.wait(waitOrder[i]) : control}`;
		void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
			.then(async (response) => {
				await response.text();
				if (!response.ok) log(`start ${url}: HTTP ${response.status}`);
			})
			.catch((error: Error) => report(error, `start ${url}`));
	});
	const waitForWebhook = await latencyMode(prep, bench, 'wait', jobs);
	const controlWait = await latencyMode(prep, bench, 'control-wait', controls);
	const controlWaitDownload = await latencyMode(prep, bench, 'control-wait-download', controls);
	log(`latency: ${summary('Wait for Webhook', waitForWebhook)}; ${summary('n8n Wait node', controlWait)}; ${summary('with its download', controlWaitDownload)}`);
	return {
		jobSeconds: (queuedMs + runningMs) / 1000,
		paceMs,
		trigger,
		controlTrigger,
		controlTriggerDownload,
		controlTriggerIsolate,
		waitForWebhook,
		controlWait,
		controlWaitDownload,
		triggerFailures,
		groups: { trigger: triggerGroup, wait: waitGroup },
	};
}

export async function cleanup(prep: Prepared | undefined): Promise<void> {
	if (!prep) return;
	await prep.sink.close();
	await prep.emulator.close();
	rmSync(prep.root, { recursive: true, force: true });
}

export { ids };
