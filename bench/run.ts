/**
 * `npm run bench`: how fast jobs flow through the package, against a naive baseline node
 * (bench/baseline) measured in the same run, all against the provider emulator.
 *
 * Phase A (n8n's engine in this process, n8n-core's WorkflowExecute through the workflow
 * harness; nothing scaled):
 *   1. batch: 50 items × 3 aspect-ratio variants, 20 s jobs, provider limit 10;
 *   2. requests per job of Wait for Completion on a 60 s job, per provider, without and with a
 *      learned poll schedule.
 *   Meanwhile the real n8n is prepared (install from the cache, build, pack, user folders), then
 *   5. its start-up time with and without the package is taken; installed size, dependencies.
 * Phase B (a real n8n 2.x on Node 24 with the packed package installed), alone:
 *   3. provider webhook → next node, through the Kling Video Trigger and through Wait for
 *      Webhook, with n8n's own Webhook and Wait nodes as the control (static, followed by an
 *      HTTP Request download, and for the trigger also with one expression option + download,
 *      the trigger's shape); the providers' order rotated (these jobs also give the webhook
 *      modes' requests per job);
 *   4. peak RSS while 500 MiB outputs are downloaded into binary data: the 1st to the 10th
 *      single download in a fresh n8n, by n8n's HTTP Request node and by the package, then 10 at once.
 * Writes bench/results.json and bench/results.md and prints the markdown.
 *
 *   npm run bench                 the benchmark (about 13.5 minutes)
 *   BENCH_QUICK=1 npm run bench   a scaled-down smoke run (about 3–6 minutes), written to bench/out/
 *   BENCH_N8N_EXPRESSION_POOL_SIZE=2 npm run bench
 *                                 the same with n8n's expression isolate pool at 2 (n8n's default: 1),
 *                                 written to bench/results-expression-pool-2.*
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { stopAll } from '../scripts/lib/processes';
import { disposeHarness } from '../test/harness';
import { renderMarkdown, type Results, type Target } from './report';
import { PROVIDERS, runBatch, runPolling, type BatchSettings } from './scenarios/engine';
import * as real from './scenarios/realN8n';
import { round } from './lib/stats';

const QUICK = process.env.BENCH_QUICK === '1';
const MiB = 1024 * 1024;

const settings = QUICK
	? {
			batch: { items: 4, variants: 3, queuedMs: 200, runningMs: 1800, concurrencyLimit: 10, maxConcurrentJobs: 10, baselineJobs: 1 } satisfies BatchSettings,
			polling: { queuedMs: 500, runningMs: 4500, jobsPerWave: 2, baselineJobs: 1 },
			starts: 1,
			memoryBytes: 50 * MiB,
			latency: { jobs: 12, controls: 4, paceMs: 500 },
		}
	: {
			// 20 s jobs (1 s queued + 19 s running), unscaled; the baseline runs 4 of them one after another.
			batch: { items: 50, variants: 3, queuedMs: 1000, runningMs: 19_000, concurrencyLimit: 10, maxConcurrentJobs: 10, baselineJobs: 4 } satisfies BatchSettings,
			// 60 s jobs (2 s queued + 58 s running), unscaled.
			polling: { queuedMs: 2000, runningMs: 58_000, jobsPerWave: 8, baselineJobs: 4 },
			starts: 3,
			memoryBytes: 500 * MiB,
			// 160 package jobs per path (40 per provider) and 50 through each of n8n's own workflows, one every 500 ms
			// (about half a core of n8n CPU here); 160 rather than 200 keeps the whole run under 15 minutes.
			latency: { jobs: 160, controls: 50, paceMs: 500 },
		};

const started = Date.now();
const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

function machine(runtimeNode: string, n8nVersion: string) {
	const cpu = cpus();
	return {
		cpus: cpu.length,
		cpuModel: cpu[0]?.model ?? 'unknown',
		ramGiB: round(totalmem() / 1024 ** 3, 1),
		os: `${type()} ${release()}`,
		node: process.versions.node,
		n8nNode: execFileSync(runtimeNode, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, ''),
		n8n: n8nVersion,
		n8nExpressionPoolSize: real.EXPRESSION_POOL_SIZE ?? 'default (1)',
		loadAverageStart: [] as number[],
		loadAverageEnd: [] as number[],
	};
}

async function main(): Promise<void> {
	const loadStart = loadavg().map((v) => round(v, 2));
	log(`${QUICK ? 'quick smoke run' : 'benchmark'}: phase A (batch, requests per job) with the real n8n prepared alongside`);
	let prep: real.Prepared | undefined;
	try {
		// Start-up times are measured in phase A too, once n8n is prepared: both variants alternate, so they share its conditions.
		const prepared = real.prepare(log).then(async (value) => {
			prep = value;
			return await real.measureOverhead(value, settings.starts, log);
		});
		const [batch, polling, overhead] = await Promise.all([runBatch(settings.batch, log), runPolling(settings.polling, log), prepared]);
		disposeHarness();
		if (!prep) throw new Error('the real n8n was not prepared');

		log('phase B: real n8n');
		const bench = await real.startBench(prep);
		log(`n8n with the package (and the baseline extension) up in ${bench.startMs} ms`);
		const latency = await real.measureLatency(prep, bench, settings.latency, log);
		const { runs: memory, bench: last } = await real.measureMemory(prep, bench, settings.memoryBytes, log);
		await last.service.stop();

		const info = machine(prep.runtime.node, prep.runtime.version);
		info.loadAverageStart = loadStart;
		info.loadAverageEnd = loadavg().map((v) => round(v, 2));
		const notes = notesFor(prep, batch, latency);
		const results: Results = {
			generatedAt: new Date(started).toISOString(),
			wallSeconds: round((Date.now() - started) / 1000),
			quick: QUICK,
			machine: info,
			notes,
			batch,
			polling,
			overhead,
			benchStartMs: bench.startMs,
			memory,
			latency,
			targets: [],
		};
		results.targets = targets(results);
		const markdown = renderMarkdown(results);
		const dir = QUICK ? join(__dirname, 'out') : __dirname;
		mkdirSync(dir, { recursive: true });
		// A run with another expression isolate pool size than n8n's default is kept beside the main results.
		const base = `${QUICK ? 'results-quick' : 'results'}${real.EXPRESSION_POOL_SIZE ? `-expression-pool-${real.EXPRESSION_POOL_SIZE}` : ''}`;
		writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
		writeFileSync(join(dir, `${base}.md`), `${markdown}\n`);
		console.log(`\n${markdown}`);
		log(`written ${join(dir, `${base}.json`)} and ${base}.md`);
	} finally {
		await stopAll();
		await real.cleanup(prep);
	}
}

function notesFor(prep: real.Prepared, batch: Results['batch'], latency: Results['latency']): string[] {
	const notes = [
		'Nothing is time-scaled: the batch uses 20 s jobs and the requests-per-job waves 60 s jobs, as specified. Only the baseline batch is measured on fewer jobs and extrapolated (see scenario 1).',
		`Phase A (scenarios 1 and 2, n8n-core's engine in the bench process) ran while the real n8n was prepared (build, pack, user folders, first starts) and its start-up times (scenario 5) were taken, on the same 2 cores; phase B (scenarios 3 and 4) ran alone. Other engineers' test runs share the machine; see the load averages.`,
		`The baseline is bench/baseline/NaiveReplicateVideo.node.ts: an INodeType using plain fetch, items one after another, a status call every 5 s, the video read whole with arrayBuffer(); it runs in the same engine (scenarios 1, 2) and, transpiled, as an n8n custom extension (scenario 4, where it polls every 1 s to save time: polling does not change memory).`,
		'The emulated job times (20 s, 60 s) are multiples of the baseline\'s 5 s poll interval, so its polls land just after each job ends and it notices completion within about 0.1 s instead of 2.5 s on average: its figures here are a best case.',
		`Scenario 1: the baseline ran ${batch.baseline.measuredJobs} jobs at the same unscaled 20 s job time in ${batch.baseline.measuredWallSeconds} s (${batch.baseline.secondsPerJob} s per job); ${batch.jobs} × that = ${batch.baseline.extrapolatedWallSeconds} s. It never has more than one job unfinished, so the provider limit never applies to it and the extrapolation is linear.`,
	];
	if (Object.keys(latency.triggerFailures).length) {
		notes.push(`Scenario 3: the Kling Video Trigger refused the deliveries of ${Object.keys(latency.triggerFailures).join(', ')} (see scenario 3); the trigger path was measured on the other providers only.`);
	}
	if (prep.n8nInstallSeconds > 60) notes.push(`n8n was installed into its cache folder during this run (${prep.n8nInstallSeconds.toFixed(0)} s, included in the wall time above).`);
	else notes.push(`n8n ${prep.runtime.version} came from its cache folder (${prep.runtime.home}).`);
	notes.push(`Building and packing the package took ${prep.buildSeconds.toFixed(0)} s of the wall time.`);
	return notes;
}

const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / MiB).toFixed(1)} MiB`);
const msOf = (value: number) => `${Math.round(value)} ms`;

/** Issue 14's targets, each against the same run's n8n control where it names one. */
function targets(r: Results): Target[] {
	return [...batchTargets(r), ...latencyTargets(r), ...memoryTargets(r)];
}

function batchTargets(r: Results): Target[] {
	const b = r.batch.package;
	return [
		{ name: 'Batch wall time', target: '≤ 1.03 × ideal', measured: `${b.wallSeconds} s = ${b.ratioToIdeal.toFixed(3)} × ${r.batch.idealSeconds} s`, met: b.ratioToIdeal <= 1.03 },
		// The engine scenario's own count (bench/scenarios/engine.ts): status, stream and result reads per job.
		{ name: 'Status requests per job, batch', target: '≤ 2', measured: `${b.statusReadsPerJob} per job`, met: b.statusReadsPerJob <= 2 },
		{ name: 'Completion noticed, batch', target: 'p95 ≤ 1 s', measured: `p95 ${msOf(b.noticedLagMs.p95)} (mean ${msOf(b.noticedLagMs.mean)})`, met: b.noticedLagMs.p95 <= 1000 },
	];
}

/**
 * Trigger ≤ 1.5 × n8n's Webhook node + download, Wait for Webhook ≤ 1.1 × n8n's Wait node +
 * download (p95, same run). A miss shows the control of the same shape beside it: n8n's Webhook
 * node with one expression option (so n8n takes the webhook-phase isolate, as for any trigger
 * but its own static Webhook node) + download; for the resume, n8n's Wait node + download is that shape already.
 */
function latencyTargets(r: Results): Target[] {
	const l = r.latency;
	const refused = Object.keys(l.triggerFailures);
	const arrivedAll = (mode: real.LatencyMode) => mode.jobs > 0 && mode.arrived === mode.jobs;
	const ratio = (mode: real.LatencyMode, control: real.LatencyMode) => mode.latencyMs.p95 / control.latencyMs.p95;

	const trigger = ratio(l.trigger, l.controlTriggerDownload);
	const sameShape = ratio(l.controlTriggerIsolate, l.controlTriggerDownload);
	const triggerMet = arrivedAll(l.trigger) && refused.length === 0 && trigger <= 1.5;
	const wait = ratio(l.waitForWebhook, l.controlWaitDownload);
	const waitMet = arrivedAll(l.waitForWebhook) && wait <= 1.1;
	return [
		{
			name: 'Webhook → next node, Kling Video Trigger',
			target: "p95 ≤ 1.5 × n8n's Webhook node + HTTP Request download",
			measured:
				`p95 ${msOf(l.trigger.latencyMs.p95)} = ${trigger.toFixed(2)} × ${msOf(l.controlTriggerDownload.latencyMs.p95)} (${l.trigger.arrived}/${l.trigger.jobs} arrived${refused.length ? `; ${refused.join(', ')} refused` : ''}); ` +
				`by provider ${perProviderP95(l.trigger)}`,
			met: triggerMet,
			note: triggerMet
				? undefined
				: `n8n's same-shape control (its Webhook node with one expression option + download): p95 ${msOf(l.controlTriggerIsolate.latencyMs.p95)} = ${sameShape.toFixed(2)} × the static one; the trigger is ${(l.trigger.latencyMs.p95 / l.controlTriggerIsolate.latencyMs.p95).toFixed(2)} × that control`,
		},
		{
			name: 'Webhook → next node, Wait for Webhook',
			target: "p95 ≤ 1.1 × n8n's Wait node + HTTP Request download",
			measured: `p95 ${msOf(l.waitForWebhook.latencyMs.p95)} = ${wait.toFixed(2)} × ${msOf(l.controlWaitDownload.latencyMs.p95)} (${l.waitForWebhook.arrived}/${l.waitForWebhook.jobs} arrived); p50 ${msOf(l.waitForWebhook.latencyMs.p50)} against ${msOf(l.controlWaitDownload.latencyMs.p50)}; by provider ${perProviderP95(l.waitForWebhook)}`,
			met: waitMet,
			note: waitMet
				? undefined
				: `n8n's Wait node + download is the same shape (a waiting execution resumed by n8n's WaitingWebhooks, then a download); n8n's Wait node alone: p95 ${msOf(l.controlWait.latencyMs.p95)}`,
		},
	];
}

const perProviderP95 = (mode: real.LatencyMode) =>
	PROVIDERS.flatMap((p) => (mode.perProvider[p] ? [`${p} ${msOf(mode.perProvider[p]!.latencyMs.p95)}`] : [])).join(', ');

/** ≤ 32 MiB for the 1st (fresh n8n) and the 10th download, each below n8n's HTTP Request node's; 10 at once ≤ 320 MiB. */
function memoryTargets(r: Results): Target[] {
	const BOUND = 32 * MiB;
	const growth = (label: string) => r.memory.find((run) => run.label.startsWith(label))?.growthBytes;
	const list: Target[] = [];
	for (const k of ['1st', '10th']) {
		const own = growth(`package, 1 download (${k}`);
		const control = growth(`n8n HTTP Request node, 1 download (${k}`);
		const met = own !== undefined && control !== undefined && own <= BOUND && own < control;
		list.push({
			name: `Peak RSS growth, ${k} ${(r.memory.find((run) => !run.label.startsWith('warm-up'))?.fileBytes ?? 0) / MiB} MiB download${k === '1st' ? ' (fresh n8n)' : ''}`,
			target: "≤ 32 MiB and below n8n's HTTP Request node's",
			measured: `${mib(own)}; n8n's HTTP Request node ${mib(control)}`,
			met,
			// Both download paths hand n8n a stream of fresh 64 KiB socket buffers, which V8 frees only after a GC (bench/README.md).
			note: met ? undefined : `n8n's HTTP Request node, the same download at the same place in a fresh n8n: ${mib(control)}`,
		});
	}
	const ten = growth('package, 10 downloads at once');
	const baseline = growth('baseline, 1');
	list.push({ name: '10 downloads at once', target: '≤ 10 × 32 MiB', measured: `${mib(ten)} (baseline, 1 download: ${mib(baseline)})`, met: ten !== undefined && ten <= 10 * BOUND });
	return list;
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
main().then(
	() => process.exit(0),
	async (error: unknown) => {
		console.error(`\nnpm run bench failed: ${(error as Error).stack ?? error}`);
		await stopAll();
		process.exit(1);
	},
);
