/** The markdown of `npm run bench:scale` (bench/results-scale.md), from the results alone. */
import { linearFit, type LinearFit } from './fit';
import type { ItemRun, ItemRunsResult, WaitMode } from './itemRuns';
import type { TriggerPhase, TriggerResult } from './jobsTrigger';
import { round, summarize } from '../lib/stats';

export interface ScaleResults {
	generatedAt: string;
	wallSeconds: number;
	quick: boolean;
	machine: {
		cpus: number;
		cpuModel: string;
		ramGiB: number;
		os: string;
		node: string;
		n8nNode: string;
		n8n: string;
		loadAverageStart: number[];
		loadAverageEnd: number[];
	};
	items: ItemRunsResult;
	/** Per mode and figure: the least-squares line over N and the step ratios. */
	fits: Record<WaitMode, Record<FitFigure, LinearFit>>;
	jobsTrigger: TriggerResult;
	/** When the trigger part was run again on its own (`BENCH_SCALE_PART=trigger`), after the rest. */
	jobsTriggerRun?: { at: string; loadAverageStart: number[]; loadAverageEnd: number[] };
}

export const FIT_FIGURES = {
	wallSeconds: { label: 'wall time', unit: 's', of: (run: ItemRun) => run.wallSeconds },
	requests: { label: 'provider requests', unit: '', of: (run: ItemRun) => run.requests },
	growthMiB: { label: 'RSS growth (peak − before)', unit: 'MiB', of: (run: ItemRun) => run.growthBytes / 2 ** 20 },
	storedKiB: { label: 'stored execution data', unit: 'KiB', of: (run: ItemRun) => run.storedDataBytes / 1024 },
} as const;
export type FitFigure = keyof typeof FIT_FIGURES;

const MODE_LABEL: Record<WaitMode, string> = { submitOnly: 'Submit Only', waitForCompletion: 'Wait for Completion' };
const MiB = 2 ** 20;
const fmt = (value: number | null | undefined, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : round(value, digits).toLocaleString('en-US'));

export function fitsOf(runs: readonly ItemRun[]): ScaleResults['fits'] {
	const modes: WaitMode[] = ['submitOnly', 'waitForCompletion'];
	return Object.fromEntries(
		modes.map((mode) => {
			const mine = runs.filter((run) => run.mode === mode);
			const figures = Object.entries(FIT_FIGURES).map(([name, figure]) => [name, linearFit(mine.map((run) => [run.items, figure.of(run)] as const))]);
			return [mode, Object.fromEntries(figures)];
		}),
	) as ScaleResults['fits'];
}

function machineSection(results: ScaleResults): string[] {
	const m = results.machine;
	return [
		'| machine | |',
		'|---|---|',
		`| CPU | ${m.cpus} cores, ${m.cpuModel} |`,
		`| RAM | ${m.ramGiB} GiB |`,
		`| OS | ${m.os} |`,
		`| Node (bench, emulator) | ${m.node} |`,
		`| Node (n8n) | ${m.n8nNode} |`,
		`| n8n | ${m.n8n} |`,
		`| load average (1, 5, 15 min) at start | ${m.loadAverageStart.join(', ')} |`,
		`| load average at end | ${m.loadAverageEnd.join(', ')} |`,
	];
}

function itemTable(results: ScaleResults, mode: WaitMode): string[] {
	const runs = results.items.runs.filter((run) => run.mode === mode);
	const waiting = mode === 'waitForCompletion';
	const header = waiting
		? '| N | wall s | ideal s | wall / ideal | s per item | submits / job | status reads / job | downloads / job | 429s | RSS before MiB | peak RSS MiB | growth MiB | growth KiB / item | stored KiB | stored B / item | binary store MiB | items with a video |'
		: '| N | wall s | ms per item | submits / job | status reads / job | 429s | RSS before MiB | peak RSS MiB | growth MiB | growth KiB / item | stored KiB | stored B / item | output items |';
	const lines = [header, `|${header.split('|').slice(2).map(() => '---').join('|')}|`];
	for (const run of runs) {
		const perItemKiB = run.growthBytes / 1024 / run.items;
		const common = [
			fmt(run.rssBeforeBytes / MiB),
			fmt(run.peakRssBytes / MiB),
			fmt(run.growthBytes / MiB),
			fmt(perItemKiB),
			fmt(run.storedDataBytes / 1024),
			fmt(run.storedDataBytes / run.items, 0),
		];
		lines.push(
			waiting
				? `| ${run.items} | ${fmt(run.wallSeconds)} | ${fmt(run.idealSeconds, 0)} | ${fmt(run.wallToIdeal, 3)} | ${fmt(run.wallSeconds / run.items, 3)} | ${fmt(run.requestsPerJob.submits, 2)} | ${fmt(run.requestsPerJob.statusReads, 2)} | ${fmt(run.requestsPerJob.downloads, 2)} | ${run.throttled} | ${common.join(' | ')} | ${fmt(run.binaryStoreBytes / MiB)} | ${run.outputWithBinary} / ${run.outputItems} |`
				: `| ${run.items} | ${fmt(run.wallSeconds, 2)} | ${fmt((run.wallSeconds * 1000) / run.items)} | ${fmt(run.requestsPerJob.submits, 2)} | ${fmt(run.requestsPerJob.statusReads, 2)} | ${run.throttled} | ${common.join(' | ')} | ${run.outputItems} (${Object.entries(run.outputStatuses).map(([s, c]) => `${c} ${s}`).join(', ')}) |`,
		);
	}
	const failed = runs.filter((run) => run.status !== 'success' || run.nodeError);
	for (const run of failed) lines.push('', `**${MODE_LABEL[mode]} × ${run.items} ended ${run.status}**${run.nodeError ? `: ${run.nodeError}` : ''}`);
	return lines;
}

function fitTable(results: ScaleResults): string[] {
	const lines = [
		'| mode | figure | per item (slope) | fixed part (intercept) | R² | 1st step: N ×, value × | 2nd step: N ×, value × |',
		'|---|---|---|---|---|---|---|',
	];
	for (const mode of ['submitOnly', 'waitForCompletion'] as WaitMode[]) {
		for (const [name, figure] of Object.entries(FIT_FIGURES) as Array<[FitFigure, (typeof FIT_FIGURES)[FitFigure]]>) {
			const fit = results.fits[mode][name];
			const digits = Math.abs(fit.slope) < 0.1 ? 4 : 2;
			const steps = fit.steps.map((s) => `${s.from}→${s.to}: ×${s.nRatio}, ×${fmt(s.valueRatio, 2)}`);
			lines.push(
				`| ${MODE_LABEL[mode]} | ${figure.label}${figure.unit ? ` (${figure.unit})` : ''} | ${fmt(fit.slope, digits)} | ${fmt(fit.intercept, 2)} | ${fit.r2} | ${steps[0] ?? '–'} | ${steps[1] ?? '–'} |`,
			);
		}
	}
	return lines;
}

function triggerSection(result: TriggerResult): string[] {
	const phases: TriggerPhase[] = ['activation', 'steady', 'churn', 'burst', 'late finisher'];
	const lines = [
		`${result.listLength.toLocaleString('en-US')} jobs in the ${result.provider} list (seeded in ${result.seedSeconds} s, one finished a second, the newest now: all inside the ${result.options.lookbackMinutes}-minute look-back). ` +
			`Options: Max Pages per Poll ${result.options.maxPages} (${result.options.pageSize} jobs a page), Download Video off (the poll's own cost, not the videos'); the remembered set's bound is ${result.options.maxHandledJobs.toLocaleString('en-US')} ids.`,
		'',
		'| phase | polls | finished before each poll | ms per poll (p50 / max) | list requests per poll (max) | emitted | static data KiB (max) | remembered ids (max) |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const phase of phases) {
		const polls = result.polls.filter((p) => p.phase === phase);
		if (polls.length === 0) continue;
		const ms = summarize(polls.map((p) => p.ms));
		const finished = [...new Set(polls.map((p) => p.newlyFinished))].join(' / ');
		lines.push(
			`| ${phase} | ${polls.length} | ${finished} | ${fmt(ms.p50)} / ${fmt(ms.max)} | ${Math.max(...polls.map((p) => p.listRequests))} | ${polls.reduce((s, p) => s + p.emitted, 0)} | ${fmt(Math.max(...polls.map((p) => p.staticDataBytes)) / 1024)} | ${Math.max(...polls.map((p) => p.handledJobs))} |`,
		);
	}
	lines.push('', '<details><summary>every poll</summary>', '', '| # | phase | finished before | ms | requests | emitted | static data bytes | remembered ids | cursor moved |', '|---|---|---|---|---|---|---|---|---|');
	for (const p of result.polls) lines.push(`| ${p.index} | ${p.phase} | ${p.newlyFinished} | ${p.ms} | ${p.requests} | ${p.emitted} | ${p.staticDataBytes} | ${p.handledJobs} | ${p.cursorMoved ? 'yes' : 'no'} |`);
	lines.push('', '</details>');
	return lines;
}

function itemFindings(results: ScaleResults): string[] {
	const runs = results.items.runs;
	const waits = runs.filter((r) => r.mode === 'waitForCompletion');
	const largest = waits.at(-1);
	const out: string[] = [];
	for (const mode of ['submitOnly', 'waitForCompletion'] as WaitMode[]) {
		const fits = results.fits[mode];
		out.push(
			`- **${MODE_LABEL[mode]}**: wall time ${fmt(fits.wallSeconds.slope, 3)} s per item (R² ${fits.wallSeconds.r2}), ` +
				`${fmt(fits.requests.slope, 2)} provider requests per item (R² ${fits.requests.r2}), RSS growth ${fmt(fits.growthMiB.slope * 1024, 1)} KiB per item (R² ${fits.growthMiB.r2}), ` +
				`stored execution ${fmt(fits.storedKiB.slope * 1024, 0)} B per item (R² ${fits.storedKiB.r2}).`,
		);
	}
	if (largest) {
		out.push(
			`- Wait for Completion × ${largest.items} took ${fmt(largest.wallSeconds)} s against the ideal ${fmt(largest.idealSeconds, 0)} s (×${fmt(largest.wallToIdeal, 3)}); ` +
				`its stored execution is ${fmt(largest.storedDataBytes / MiB, 2)} MiB with Download Video on: the videos are in n8n's filesystem binary store (${fmt(largest.binaryStoreBytes / MiB)} MiB there), the row keeps a reference per item.`,
		);
	}
	return out;
}

/** The list's length at the last poll: the seeded history and every job finished before a churn or burst poll (each a new job). */
const listLengthAtEnd = (result: TriggerResult) =>
	result.listLength + result.polls.filter((p) => p.phase === 'churn' || p.phase === 'burst').reduce((sum, p) => sum + p.newlyFinished, 0);

function triggerFindings(result: TriggerResult): string[] {
	const ms = result.polls.map((p) => p.ms);
	const bytes = result.polls.map((p) => p.staticDataBytes);
	return [
		`- Every poll read at most ${Math.max(...result.polls.map((p) => p.listRequests))} list pages of the ${result.listLength.toLocaleString('en-US')}-job list and took at most ${fmt(Math.max(...ms))} ms (p50 ${fmt(summarize(ms).p50)} ms). ` +
			`Static data stopped growing at ${fmt(Math.max(...bytes) / 1024)} KiB (${Math.max(...result.polls.map((p) => p.handledJobs)).toLocaleString('en-US')} remembered ids, the bound).`,
		`- A burst of ${result.burst.finished} jobs finishing between two polls, more than one poll's pages hold (${result.options.maxPages} × ${result.options.pageSize}): ` +
			`${result.burst.emitted} emitted, ${result.burst.missed ? `**${result.burst.missed} never emitted**` : 'none missed'}` +
			`${result.burst.polls ? `, over ${result.burst.polls} polls (the newest pages, and the sweep walking back through the look-back)` : ''}.`,
		`- A job created an hour before activation and finishing after the burst (place ${result.lateFinisher.listPosition.toLocaleString('en-US')} of ${listLengthAtEnd(result).toLocaleString('en-US')} in the list, newest first, beyond the pages one poll reads): ` +
			`${result.lateFinisher.emitted ? `emitted${result.lateFinisher.polls ? ` ${result.lateFinisher.polls} polls after it finished` : ''}` : '**not emitted**'}.`,
		...(result.churn
			? [
					`- Churn: ${result.churn.emitted.toLocaleString('en-US')} of ${result.churn.finished.toLocaleString('en-US')} jobs emitted, ${result.churn.finished - result.churn.emitted} missed; duplicates ${result.duplicates ?? 0}. ` +
						`More jobs finished within one pass through the look-back than the ${result.options.maxHandledJobs.toLocaleString('en-US')} ids the trigger remembers, so the watermark of dropped ids (which keeps duplicates out) also passes over jobs not read yet; the trigger logs a warning then. A higher Max Pages per Poll shortens the pass.`,
				]
			: []),
	];
}

export function renderMarkdown(results: ScaleResults): string {
	const s = results.items.settings;
	const jobSeconds = (s.queuedMs + s.runningMs) / 1000;
	return [
		`# Scale benchmark${results.quick ? ' (BENCH_QUICK=1: a smoke run, not a benchmark)' : ''}`,
		'',
		`Run of ${results.generatedAt.replace('T', ' ').slice(0, 16)} UTC, ${fmt(results.wallSeconds / 60)} minutes in all (\`npm run bench:scale\`; see bench/README.md, "Scale").`,
		'',
		...machineSection(results),
		'',
		'## Kling Video node: one execution of N items',
		'',
		`Text to Video on Replicate, one job per item, Max Concurrent Jobs ${s.maxConcurrentJobs}; jobs of ${jobSeconds} s (${s.queuedMs / 1000} s queued + ${s.runningMs / 1000} s running), ` +
			`the emulator's limit ${s.concurrencyLimit} unfinished jobs. A fresh n8n ${results.items.n8nVersion} per execution (binary data in its filesystem mode), after a two-item warm-up. ` +
			'Wall time: the execution\'s start to stop in n8n\'s database. Requests per job: the emulator\'s request log joined to its jobs. RSS: n8n\'s main process, VmHWM reset before the execution and read after, VmRSS sampled every 100 ms. ' +
			'Stored: the bytes of the execution\'s `execution_data.data` row.',
		'',
		'### Submit Only',
		'',
		...itemTable(results, 'submitOnly'),
		'',
		'### Wait for Completion (Download Video on, the default)',
		'',
		`Ideal wall time: ceil(N / ${s.maxConcurrentJobs}) × ${jobSeconds} s.`,
		'',
		...itemTable(results, 'waitForCompletion'),
		'',
		'### Growth with N',
		'',
		'Least-squares line value ≈ fixed part + per item × N over the runs, and the ratio between consecutive runs (linear growth through the origin: the value ratio equals the N ratio).',
		'',
		...fitTable(results),
		'',
		...itemFindings(results),
		'',
		'## Kling Video Jobs Trigger: a provider list of 10,000 jobs',
		'',
		'Polled through n8n-core\'s PollContext (test/harness) as an active workflow polls it, against the in-process emulator.',
		...(results.jobsTriggerRun
			? ['', `This part was run again on its own at ${results.jobsTriggerRun.at} (load ${results.jobsTriggerRun.loadAverageStart.join(' / ')} at start, ${results.jobsTriggerRun.loadAverageEnd.join(' / ')} at end), after a change to the trigger; the node runs above are from the full run.`]
			: []),
		'',
		...triggerSection(results.jobsTrigger),
		'',
		...triggerFindings(results.jobsTrigger),
	].join('\n');
}
