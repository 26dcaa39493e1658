/**
 * The soak's bookkeeping: what each planned job became (a video, an error with its reason and
 * job id, or nothing), what the emulator billed (tasks per planned job, from its own records),
 * what the trigger emitted, and the report table that sums it up.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { ProviderId } from '../../nodes/shared/job';
import type { EmulatedJob, EmulatorCounters, FaultSpec } from '../emulator';
import type { PlannedFault } from './faults';
import type { Emission } from './triggerReceiver';

export interface PlannedJob {
	tag: string;
	provider: ProviderId;
}

export type Outcome =
	| { tag: string; provider: ProviderId; kind: 'video'; jobId: string }
	| { tag: string; provider: ProviderId; kind: 'error'; jobId: string | null; reason: string; errorKind: string }
	| { tag: string; provider: ProviderId; kind: 'missing'; detail: string };

/** The tag a prompt carries (`soak-123`), which ties every emulator task back to its planned job. */
export const tagOf = (text: unknown) => /soak-\d+/.exec(String(text ?? ''))?.[0] ?? null;

/** What one output item says about its planned job; `videoOk` checks the downloaded bytes. */
export async function outcomeOf(
	planned: PlannedJob,
	items: INodeExecutionData[],
	videoOk: (item: INodeExecutionData) => Promise<boolean>,
): Promise<Outcome> {
	const base = { tag: planned.tag, provider: planned.provider };
	if (items.length !== 1) return { ...base, kind: 'missing', detail: `${items.length} output items` };
	const [item] = items;
	const json = item.json;
	const jobId = typeof json.jobId === 'string' && json.jobId ? json.jobId : null;
	if (json.status === 'succeeded' && !json.error && item.binary?.data) {
		return jobId && (await videoOk(item)) ? { ...base, kind: 'video', jobId } : { ...base, kind: 'missing', detail: 'video without id or with wrong bytes' };
	}
	if (typeof json.error === 'string' && json.error.trim()) {
		return { ...base, kind: 'error', jobId, reason: json.error, errorKind: String(json.errorKind ?? 'unknown') };
	}
	return { ...base, kind: 'missing', detail: `neither a video nor an error: ${JSON.stringify(json).slice(0, 200)}` };
}

export interface CompletionFacts {
	planned: PlannedJob[];
	outcomes: Outcome[];
	/** Emulator tasks of this part (each input carries the tag in its prompt). */
	tasks: EmulatedJob[];
	counters: EmulatorCounters;
	faults: PlannedFault[];
	pendingFaults: FaultSpec[];
}

export interface TriggerFacts {
	submitted: { provider: ProviderId; jobId: string }[];
	/** Jobs that reached a terminal state at the emulator (they must be emitted once). */
	terminal: Set<string>;
	emissions: Emission[];
	/** Webhook deliveries the emulator made, and how many repeated an earlier message id (the duplicates). */
	deliveries: number;
	duplicateDeliveries: number;
	faults: PlannedFault[];
}

export interface Totals {
	planned: number;
	faultsInjected: number;
	/** Hits of injected faults no request ever reached (armed after the batch's last matching request). */
	faultHitsLeft: number;
	submitted: number;
	succeeded: number;
	failed: number;
	failedWithJobId: number;
	missing: number;
	submitRequests: number;
	tasks: number;
	maxTasksPerJob: number;
	submitsPerJob: number;
	/** Tasks the emulator created whose id is in no output item: paid for and lost. */
	lostTasks: number;
}

export function completionTotals(facts: CompletionFacts, provider?: ProviderId): Totals {
	const mine = <T extends { provider: ProviderId }>(list: T[]) => (provider ? list.filter((entry) => entry.provider === provider) : list);
	const outcomes = mine(facts.outcomes);
	const tasks = mine(facts.tasks);
	const perTag = new Map<string, number>();
	for (const task of tasks) {
		const tag = tagOf(task.input.prompt) ?? '?';
		perTag.set(tag, (perTag.get(tag) ?? 0) + 1);
	}
	const reported = new Set(outcomes.flatMap((outcome) => (outcome.kind !== 'missing' && outcome.jobId ? [outcome.jobId] : [])));
	const faults = provider ? facts.faults.filter((fault) => fault.spec.provider === provider) : facts.faults;
	const pending = (provider ? facts.pendingFaults.filter((fault) => fault.provider === provider) : facts.pendingFaults).reduce(
		(sum, fault) => sum + (fault.times ?? 1),
		0,
	);
	const failed = outcomes.filter((outcome) => outcome.kind === 'error');
	return {
		planned: mine(facts.planned).length,
		faultsInjected: faults.length,
		faultHitsLeft: pending,
		submitted: perTag.size,
		succeeded: outcomes.filter((outcome) => outcome.kind === 'video').length,
		failed: failed.length,
		failedWithJobId: failed.filter((outcome) => outcome.jobId).length,
		missing: outcomes.filter((outcome) => outcome.kind === 'missing').length + (mine(facts.planned).length - outcomes.length),
		submitRequests: facts.counters.requests.filter((request) => request.route === 'submit' && (!provider || request.provider === provider)).length,
		tasks: tasks.length,
		maxTasksPerJob: Math.max(0, ...perTag.values()),
		submitsPerJob: perTag.size ? tasks.length / perTag.size : 0,
		lostTasks: tasks.filter((task) => !reported.has(task.id)).length,
	};
}

export function triggerTotals(facts: TriggerFacts) {
	const counts = new Map<string, number>();
	for (const emission of facts.emissions) counts.set(emission.jobId, (counts.get(emission.jobId) ?? 0) + 1);
	const duplicates = [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
	const missing = [...facts.terminal].filter((jobId) => !counts.has(jobId)).length;
	return {
		submitted: facts.submitted.length,
		terminal: facts.terminal.size,
		deliveries: facts.deliveries,
		duplicateDeliveries: facts.duplicateDeliveries,
		emissions: facts.emissions.length,
		duplicateEmissions: duplicates,
		missingEmissions: missing,
		failedEmitted: facts.emissions.filter((emission) => emission.status === 'failed').length,
		withoutVideo: facts.emissions.filter((emission) => emission.status === 'succeeded' && !emission.hasVideo).length,
	};
}

const PROVIDER_COLUMNS: ProviderId[] = ['replicate', 'fal', 'wavespeed', 'kling'];

export function renderReport(input: {
	jobs: number;
	seconds: number;
	completion: CompletionFacts;
	trigger: TriggerFacts;
	settings: string;
}): string {
	const columns = [...PROVIDER_COLUMNS.map((provider) => completionTotals(input.completion, provider)), completionTotals(input.completion)];
	const row = (label: string, value: (totals: Totals) => string | number) => `| ${label} | ${columns.map((totals) => value(totals)).join(' | ')} |`;
	const reasons = new Map<string, number>();
	for (const outcome of input.completion.outcomes) {
		if (outcome.kind === 'error') reasons.set(outcome.errorKind, (reasons.get(outcome.errorKind) ?? 0) + 1);
	}
	const faultKinds = new Map<string, number>();
	for (const fault of [...input.completion.faults, ...input.trigger.faults]) faultKinds.set(fault.label, (faultKinds.get(fault.label) ?? 0) + 1);
	const trigger = triggerTotals(input.trigger);
	return [
		`# Soak report`,
		'',
		`${input.jobs} jobs in ${input.seconds.toFixed(1)} s (${input.settings}).`,
		'',
		'## Wait for Completion (real workflow executions, Continue On Fail)',
		'',
		`| | ${PROVIDER_COLUMNS.join(' | ')} | total |`,
		`|---|${PROVIDER_COLUMNS.map(() => '---:').join('|')}|---:|`,
		row('jobs planned', (t) => t.planned),
		row('faults injected', (t) => t.faultsInjected),
		row('fault hits never reached', (t) => t.faultHitsLeft),
		row('jobs submitted (a task exists)', (t) => t.submitted),
		row('succeeded (video in binary data, bytes checked)', (t) => t.succeeded),
		row('failed with a reason', (t) => t.failed),
		row('… of which with a job id', (t) => t.failedWithJobId),
		row('**missing**', (t) => `**${t.missing}**`),
		row('tasks paid for but not in the output', (t) => t.lostTasks),
		row('submit requests (incl. retried 429s)', (t) => t.submitRequests),
		row('**submits per job** (tasks ÷ jobs submitted)', (t) => `**${t.submitsPerJob.toFixed(2)}**`),
		row('most tasks for one planned job', (t) => t.maxTasksPerJob),
		'',
		`Failure reasons: ${[...reasons].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'}.`,
		'',
		`Faults by kind: ${[...faultKinds].map(([label, count]) => `${label} ${count}`).join(', ')}.`,
		'',
		'## Kling Video Trigger (Submit Only, the emulator delivering webhooks)',
		'',
		'| | |',
		'|---|---:|',
		`| jobs submitted | ${trigger.submitted} |`,
		`| jobs finished | ${trigger.terminal} |`,
		`| webhook deliveries received | ${trigger.deliveries} |`,
		`| … of which duplicates of an earlier delivery | ${trigger.duplicateDeliveries} |`,
		`| emissions (executions started) | ${trigger.emissions} |`,
		`| … of failed jobs | ${trigger.failedEmitted} |`,
		`| … succeeded without video (expired output, reason attached) | ${trigger.withoutVideo} |`,
		`| **duplicate emissions** | **${trigger.duplicateEmissions}** |`,
		`| **finished jobs never emitted** | **${trigger.missingEmissions}** |`,
		'',
		...problems(input.completion),
	].join('\n');
}

/** The jobs behind a non-zero "missing" or "lost", so a failing run says which and why. */
function problems(facts: CompletionFacts): string[] {
	const missing = facts.outcomes.filter((outcome): outcome is Extract<Outcome, { kind: 'missing' }> => outcome.kind === 'missing');
	const reported = new Set(facts.outcomes.flatMap((outcome) => (outcome.kind !== 'missing' && outcome.jobId ? [outcome.jobId] : [])));
	const lost = facts.tasks.filter((task) => !reported.has(task.id));
	if (!missing.length && !lost.length) return [];
	return [
		'## Problems',
		'',
		...missing.slice(0, 20).map((outcome) => `- missing ${outcome.tag} (${outcome.provider}): ${outcome.detail}`),
		...lost.slice(0, 20).map((task) => `- task ${task.id} (${task.provider}, ${tagOf(task.input.prompt)}, ${task.state}) is in no output item`),
		'',
	];
}
