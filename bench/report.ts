/** The markdown report of a benchmark run (bench/results.md), built from its results object. */
import type { BatchResult, PollingResult, Provider } from './scenarios/engine';
import type { LatencyResult, MemoryRun, OverheadResult } from './scenarios/realN8n';
import type { Summary } from './lib/stats';

export interface Target {
	name: string;
	target: string;
	measured: string;
	met: boolean | null;
	note?: string;
}

export interface Results {
	generatedAt: string;
	wallSeconds: number;
	quick: boolean;
	machine: Record<string, unknown>;
	notes: string[];
	batch: BatchResult;
	polling: PollingResult;
	overhead: OverheadResult;
	benchStartMs: number;
	memory: MemoryRun[];
	latency: LatencyResult;
	targets: Target[];
}

const MiB = 1024 * 1024;
const PROVIDER_NAMES: Record<Provider, string> = { replicate: 'Replicate', fal: 'fal.ai', wavespeed: 'WaveSpeed', kling: 'Kling API' };
const PROVIDERS = Object.keys(PROVIDER_NAMES) as Provider[];

const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms`);
const s = (value: number) => `${value.toFixed(1)} s`;
const lag = (summary: Summary) => (summary.n ? `${ms(summary.mean)} / ${ms(summary.p95)}` : 'n/a');
const pct = (summary: Summary) => (summary.n ? `${ms(summary.p50)} / ${ms(summary.p95)} / ${ms(summary.p99)}` : 'n/a');
const mark = (met: boolean | null) => (met === null ? '—' : met ? 'met' : '**missed**');
const routes = (byRoute: Record<string, number>) =>
	Object.entries(byRoute)
		.filter(([route]) => !['submit', 'download'].includes(route))
		.map(([route, count]) => `${route} ${count}`)
		.join(', ') || '—';

export function renderMarkdown(r: Results): string {
	const out: string[] = [];
	const b = r.batch;
	const m = r.machine as { cpus: number; cpuModel: string; ramGiB: number; node: string; n8nNode: string; n8n: string; n8nExpressionPoolSize?: string; os: string; loadAverageStart: number[]; loadAverageEnd: number[] };
	out.push(`# Benchmark: n8n-nodes-kling-video against the provider emulator`);
	out.push('');
	out.push(
		`Run ${r.generatedAt}${r.quick ? ' (**quick smoke run, scaled down: not the benchmark**)' : ''}, ${s(r.wallSeconds)} wall in all. Machine: ${m.cpus} cores (${m.cpuModel}), ${m.ramGiB} GiB RAM, ${m.os}; bench on Node ${m.node}, n8n ${m.n8n} on Node ${m.n8nNode} (expression isolate pool size ${m.n8nExpressionPoolSize ?? 'default (1)'}). Load average (1/5/15 min) at start ${m.loadAverageStart.join(' / ')}, at end ${m.loadAverageEnd.join(' / ')} — the machine is shared, so latency figures carry that load.`,
	);
	out.push('');
	out.push('## Targets');
	out.push('');
	out.push('| target | goal | measured | status |');
	out.push('|---|---|---|---|');
	for (const t of r.targets) out.push(`| ${t.name} | ${t.target} | ${t.measured} | ${mark(t.met)}${t.note ? ` — ${t.note}` : ''} |`);
	out.push('');

	out.push('## 1. Batch');
	out.push('');
	out.push(
		`${b.settings.items} items × ${b.settings.variants} aspect-ratio variants = ${b.jobs} Replicate text-to-video jobs, emulated job time ${b.jobSeconds} s (${b.settings.queuedMs / 1000} s queued + ${b.settings.runningMs / 1000} s running, unscaled), provider limit ${b.settings.concurrencyLimit} unfinished jobs (429 with Retry-After above it). *Max Concurrent Jobs* set to ${b.settings.maxConcurrentJobs} (the node's default is 5). Ideal = ceil(${b.jobs}/${b.settings.concurrencyLimit}) × ${b.jobSeconds} s = ${b.idealSeconds} s.`,
	);
	out.push('');
	out.push('| | wall time | ratio to ideal | vs baseline | submits (429s) | status reads / job | downloads | noticed after completion, mean / p95 |');
	out.push('|---|---|---|---|---|---|---|---|');
	out.push(
		`| package | ${s(b.package.wallSeconds)} | ${b.package.ratioToIdeal.toFixed(3)} | ${b.speedupVsBaseline.toFixed(1)}× faster | ${b.package.submits} (${b.package.throttled429}) | ${b.package.statusReadsPerJob} | ${b.package.downloads} | ${lag(b.package.noticedLagMs)} |`,
	);
	out.push(
		`| baseline | ${s(b.baseline.extrapolatedWallSeconds)} (extrapolated) | ${(b.baseline.extrapolatedWallSeconds / b.idealSeconds).toFixed(2)} | 1 | — | ${b.baseline.statusReadsPerJob} | — | ${lag(b.baseline.noticedLagMs)} |`,
	);
	out.push('');
	out.push(
		`The baseline runs items strictly one after another, so its batch time is linear in the job count: it ran ${b.baseline.measuredJobs} of the jobs (same emulator settings, same job time, unscaled) in ${s(b.baseline.measuredWallSeconds)}, ${b.baseline.secondsPerJob} s per job, and its ${b.jobs}-job time is that × ${b.jobs} = ${s(b.baseline.extrapolatedWallSeconds)}. Most jobs unfinished at once during the package run: ${b.package.peakRunning}.`,
	);
	out.push('');

	out.push('## 2. Requests per job');
	out.push('');
	const p = r.polling;
	const lat = r.latency;
	out.push(
		`*Wait for Completion*: ${p.jobsPerWave} jobs per provider per wave on a ${p.jobSeconds} s job (unscaled; 10 s clip with audio). The first wave runs with no history of the job shape in the process (the doubling schedule); the second uses what the first taught the poll schedule. *Wait for Webhook* and *Submit Only* + *Kling Video Trigger*: the ${lat.trigger.jobs} + ${lat.waitForWebhook.jobs} jobs of scenario 3 (${lat.jobSeconds} s jobs; the request count of these modes does not depend on the job time). "Noticed" = first status read after the job ended (emulator timestamps); for webhook modes see scenario 3.`,
	);
	out.push('');
	out.push('| provider | wait mode | submits / job | status reads / job (max) | of which | downloads / job | noticed after completion, mean / p95 |');
	out.push('|---|---|---|---|---|---|---|');
	for (const provider of PROVIDERS) {
		for (const [label, wave] of [
			['Wait for Completion, no history', p.package[provider].cold],
			['Wait for Completion, learned', p.package[provider].warm],
		] as const) {
			out.push(
				`| ${PROVIDER_NAMES[provider]} | ${label} | ${wave.submitsPerJob} | ${wave.statusReadsPerJob} (${wave.maxStatusReads}) | ${routes(wave.byRoutePerJob)} | ${wave.downloadsPerJob} | ${lag(wave.noticedLagMs)} |`,
			);
		}
		for (const [label, mode] of [
			['Wait for Webhook', lat.waitForWebhook],
			['Submit Only → Kling Video Trigger', lat.trigger],
		] as const) {
			const row = mode.perProvider[provider];
			if (!row && label.startsWith('Submit Only') && lat.triggerFailures[provider]) out.push(`| ${PROVIDER_NAMES[provider]} | ${label} | — | — | — | — | **deliveries refused** (see scenario 3) |`);
			if (row) out.push(`| ${PROVIDER_NAMES[provider]} | ${label} | ${row.submitsPerJob} | ${row.statusReadsPerJob} (${row.maxStatusReads}) | ${routes(row.byRoutePerJob)} | ${row.downloadsPerJob} | webhook |`);
		}
	}
	const bl = p.baseline;
	out.push(`| Replicate | baseline, fixed 5 s polling | ${bl.submitsPerJob} | ${bl.statusReadsPerJob} (${bl.maxStatusReads}) | ${routes(bl.byRoutePerJob)} | ${bl.downloadsPerJob} | ${lag(bl.noticedLagMs)} |`);
	out.push('');

	const pair = (summary: { p50: number; p95: number; count?: number }) =>
		Number.isFinite(summary.p50) ? `${ms(summary.p50)} / ${ms(summary.p95)}` : '—';
	out.push('## 3. Completion to downstream (real n8n)');
	out.push('');
	out.push(
		`From the provider's webhook (the job's end in the emulator, which sends the webhook on that transition) to the next node's HTTP request arriving at a recording endpoint. ${lat.trigger.jobs} package jobs per path, spread over the providers (through the trigger: those whose deliveries it accepts, see below), interleaved with ${lat.controlTrigger.jobs} jobs through each of n8n's own workflows (a Webhook node; a Wait node resumed on webhook call; each of them also followed by an HTTP Request node downloading the video into binary data, the package's work done with n8n's own nodes, without any signature check; and the Webhook node with one expression option followed by the download, the trigger's shape) so all see the same machine; one job every ${lat.paceMs} ms (a job is 500 ms queued + 2.5 s running); default options (the video is downloaded into binary data before the next node starts).`,
	);
	out.push('');
	out.push(
		'| path | arrived | p50 / p95 / p99 | n8n answered the webhook (p50 / p95) | execution created (trigger paths, p50 / p95) | first node ran (n8n run data, p50 / p95) | next node started (n8n run data, p50 / p95) |',
	);
	out.push('|---|---|---|---|---|---|---|');
	for (const [label, mode] of [
		['provider → Kling Video Trigger → next node', lat.trigger],
		['provider → n8n Webhook node → next node (n8n alone)', lat.controlTrigger],
		['provider → n8n Webhook node → HTTP Request download → next node (n8n alone)', lat.controlTriggerDownload],
		["provider → n8n Webhook node with an expression option → HTTP Request download → next node (n8n alone, the trigger's shape)", lat.controlTriggerIsolate],
		['provider → paused Kling Video (Wait for Webhook) → next node', lat.waitForWebhook],
		['provider → paused n8n Wait node → next node (n8n alone)', lat.controlWait],
		['provider → paused n8n Wait node → HTTP Request download → next node (n8n alone)', lat.controlWaitDownload],
	] as const) {
		out.push(
			`| ${label} | ${mode.arrived}/${mode.jobs} | ${pct(mode.latencyMs)} | ${pair(mode.stepsMs.webhookAnswered)} | ${pair(mode.stepsMs.executionCreated)} | ${pair(mode.stepsMs.sourceNodeRan)} | ${pair(mode.stepsMs.nextNodeStarted)} |`,
		);
	}
	out.push('');
	for (const [provider, why] of Object.entries(lat.triggerFailures)) {
		out.push(`**The Kling Video Trigger refused every ${PROVIDER_NAMES[provider as Provider]} delivery** in a one-job preflight: ${why}. ${PROVIDER_NAMES[provider as Provider]} was left out of the trigger path (its refused deliveries, retried by the provider, would otherwise load n8n during the measurement).`);
		out.push('');
	}
	out.push(
		"n8n takes an expression isolate for the webhook phase of every start node except its own Webhook node v2+ with static parameters (`LiveWebhooks.webhookPhaseNeedsIsolate`), and its pool (`N8N_EXPRESSION_ENGINE_POOL_SIZE`, default 1) disposes each isolate after use and builds a new one, so the execution that follows waits for it. The Webhook node with one expression option (`ignoreBots: ={{ false }}`) takes that path too: it is the control of the trigger's shape.",
	);
	out.push('');
	out.push(
		'Per provider (p50 / p95 / p99). The package jobs\' providers follow a shuffled order per round (fixed seed), so no provider always ends next to another\'s callback; "after another delivery" counts the jobs whose end came within 100 ms after another job\'s delivery to n8n (e.g. a Kling `processing` callback), which may have taken the warm isolate.',
	);
	out.push('');
	out.push('| provider | Kling Video Trigger | after another delivery | Wait for Webhook | after another delivery |');
	out.push('|---|---|---|---|---|');
	for (const provider of PROVIDERS) {
		const refused = lat.triggerFailures[provider] ? 'deliveries refused' : 'n/a';
		const t = lat.trigger.perProvider[provider];
		const w = lat.waitForWebhook.perProvider[provider];
		const near = (row: typeof t) => (row ? `${row.afterAnotherDelivery} of ${row.latencyMs.n}` : '—');
		out.push(`| ${PROVIDER_NAMES[provider]} | ${t ? pct(t.latencyMs) : refused} | ${near(t)} | ${w ? pct(w.latencyMs) : 'n/a'} | ${near(w)} |`);
	}
	out.push('');
	const perJob = (group: { n8nCpuSeconds: number }, jobs: number) => Math.round((group.n8nCpuSeconds * 1000) / Math.max(1, jobs));
	out.push(
		`n8n's main process used ${lat.groups.trigger.n8nCpuSeconds} s of CPU (${perJob(lat.groups.trigger, lat.trigger.jobs + lat.controlTrigger.jobs + lat.controlTriggerDownload.jobs + lat.controlTriggerIsolate.jobs)} ms per job) in the trigger group (${s(lat.groups.trigger.wallSeconds)}) and ${lat.groups.wait.n8nCpuSeconds} s (${perJob(lat.groups.wait, lat.waitForWebhook.jobs + lat.controlWait.jobs + lat.controlWaitDownload.jobs)} ms per job: start, pause and resume) in the resume group (${s(lat.groups.wait.wallSeconds)}); load average after them ${lat.groups.trigger.loadAverageAfter} and ${lat.groups.wait.loadAverageAfter}.`,
	);
	out.push('');
	out.push('## 4. Memory (real n8n)');
	out.push('');
	out.push(
		'Peak RSS of the n8n process (VmHWM reset through `/proc/<pid>/clear_refs` before each run and read after, and VmRSS sampled every 20 ms) minus its RSS just before; the workflow is Webhook → Split Out → Kling Video (Replicate, Wait for Completion, *Download Video* on, *Max Concurrent Jobs* 10) or the baseline node, and for n8n alone Webhook → HTTP Request node (*Response Format* File) reading the same output; the emulator serves each output as a real MP4 padded to the size shown, streamed. The first large download in an n8n process also grows V8\'s heap and the allocator\'s pools once, so each "1st" row is taken in a freshly started n8n after a small warm-up.',
	);
	out.push('');
	out.push('| run | file size | downloads at once | time | RSS before | peak RSS growth | growth / file size |');
	out.push('|---|---|---|---|---|---|---|');
	for (const row of memoryRows(r.memory)) {
		if ('between' in row) {
			out.push(`| ${row.name}, 1 download (${row.between}) | | 1 | | | ${row.growths.map((g) => (g / MiB).toFixed(1)).join(', ')} MiB | |`);
			continue;
		}
		const run = row;
		const warmUp = run.label.startsWith('warm-up');
		out.push(
			`| ${run.label} | ${warmUp ? `${run.fileBytes} bytes` : `${(run.fileBytes / MiB).toFixed(0)} MiB`} | ${run.downloads} | ${s(run.seconds)} | ${(run.rssBeforeBytes / MiB).toFixed(0)} MiB | ${(run.growthBytes / MiB).toFixed(1)} MiB | ${warmUp ? '—' : run.growthPerFileSize} |`,
		);
	}
	out.push('');

	const o = r.overhead;
	out.push('## 5. Overhead');
	out.push('');
	out.push(
		`\`n8n start\` until \`/healthz/readiness\` answers, in separate user folders that differ only by the installed package, alternating, first start (database creation) excluded: without ${o.withoutPackageMs.map((v) => ms(v)).join(', ')} (mean ${ms(o.meanWithoutMs)}); with ${o.withPackageMs.map((v) => ms(v)).join(', ')} (mean ${ms(o.meanWithMs)}); difference ${ms(o.addedMs)}${Math.max(...o.withoutPackageMs) >= Math.min(...o.withPackageMs) ? ', inside the spread of the samples (the ranges overlap), so no start-up cost is measurable at this noise' : ''}. First starts: without ${ms(o.firstStartMs.plain)}, with ${ms(o.firstStartMs.packageOnly)}.`,
	);
	out.push('');
	out.push(
		`Installed size in \`~/.n8n/nodes/node_modules\`: ${(o.installedBytes / MiB).toFixed(2)} MiB in all, of which the package itself ${(o.packageOnlyBytes / MiB).toFixed(2)} MiB; packed tarball ${(o.tarballBytes / 1024).toFixed(0)} KiB. Runtime dependencies installed: ${o.runtimeDependencies.length} (${o.runtimeDependencies.join(', ')}).`,
	);
	out.push('');
	if (r.notes.length) {
		out.push('## Notes');
		out.push('');
		for (const note of r.notes) out.push(`- ${note}`);
		out.push('');
	}
	return out.join('\n');
}

/** The memory runs for the table: the single downloads between the 1st and the last of a series folded into one row. */
function memoryRows(runs: readonly MemoryRun[]): Array<MemoryRun | { name: string; between: string; growths: number[] }> {
	const series = (run: MemoryRun | undefined) => (run ? /^(.*), 1 download \((\d+)(?:st|nd|rd|th)\)$/.exec(run.label) : null);
	const rows: Array<MemoryRun | { name: string; between: string; growths: number[] }> = [];
	for (let i = 0; i < runs.length; i++) {
		const match = series(runs[i]);
		// The 1st and the last of a series stay rows of their own.
		if (!match || match[2] === '1' || series(runs[i + 1])?.[1] !== match[1]) {
			rows.push(runs[i]);
			continue;
		}
		const growths: number[] = [];
		let j = i;
		for (; series(runs[j + 1])?.[1] === match[1]; j++) growths.push(runs[j].growthBytes);
		rows.push({ name: match[1], between: `${match[2]}–${Number(match[2]) + growths.length - 1}`, growths });
		i = j - 1;
	}
	return rows;
}
