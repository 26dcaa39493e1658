/**
 * One poll of the Kling Video Jobs Trigger.
 *
 * State (the node's static data, persisted by n8n with the workflow):
 * - `cursor`: when a recent successful poll started (ms; an idle poll moves it only every few
 *   minutes, so it does not write static data each time). The next poll lists the jobs created
 *   since `cursor - lookback`: the look-back is the overlap window that catches a job created
 *   before the last poll but finished after it.
 * - `handledJobs`: the ids of finished jobs already seen (emitted, or filtered out), with their
 *   finish time (the creation time where the provider gives none). Every listed job that is
 *   finished and not in it is new, unless the watermark below says otherwise; ids older than any
 *   job a later poll can list are pruned, and the set is bounded (5,000) besides.
 * - `sweep`: while the look-back holds more jobs than one poll's pages, where the walk through
 *   the older pages stands (the provider's own continuation, `ListResume`), since when and for
 *   how many polls. Each poll then reads the newest pages with half of Max Pages per Poll and goes
 *   on with the sweep with the other half (a budget of 1 page goes to the sweep); when the sweep
 *   reaches `since` the next poll starts again from the newest. So every job inside the look-back
 *   is read at least once per sweep cycle, and a job is emitted within two cycles of finishing.
 * - `finishedFloor`: a finished job with a provider finish time at or before it is not new. The
 *   first poll sets it to the latest instant the provider showed then: what finished by then was
 *   there before activation, however deep in the list a later sweep finds it. (A workflow
 *   activated by an older version gets its last poll time less a few minutes.)
 * - `droppedUpTo`: the latest time (finish, or creation where the provider gives no finish time)
 *   among the ids the handled set dropped for its bound. Every handled job with a later time is
 *   still in the set, so a finished job not in it with a later time is new, and one at or before
 *   it is taken as handled: a job read again by a sweep after the set dropped it is not emitted
 *   again. That is sound while fewer than 5,000 jobs finish in the time a job waits to be read
 *   (at most two sweep cycles); past that the set-limit warning is logged.
 *
 * The first poll after activation records what is already finished and emits nothing (as
 * n8n's own polling triggers start from "now"); a sweep it starts only records too, for jobs the
 * provider gives no finish time. An error before that first success is thrown, so a wrong
 * credential fails the activation; later errors are logged and the cursor stays put, so the next
 * poll covers the gap. A poll running out of its time budget emits what it has prepared, leaves
 * the rest for the next poll and holds the cursor and the sweep so none of it is skipped.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { connectProvider } from '../shared/connect';
import { SeenSet } from '../shared/dedupe';
import type { ListResume } from '../shared/providers/types';
import { isTerminal, type GenerationOperation, type Job, type ProviderId } from '../shared/job';
import {
	describeError,
	readEvents,
	readOutputOptions,
	toTriggerError,
	triggerItem,
	type TriggerEvent,
} from '../shared/triggerCommon';

export const CURSOR_KEY = 'cursor';
export const HANDLED_KEY = 'handledJobs';
export const SWEEP_KEY = 'sweep';
export const FLOOR_KEY = 'finishedFloor';
export const DROPPED_KEY = 'droppedUpTo';

/** Safety bound of the handled set; the time-based pruning normally keeps it far smaller. */
export const MAX_HANDLED_JOBS = 5000;
export const DEFAULT_LOOKBACK_MINUTES = 180;
export const DEFAULT_MAX_PAGES = 5;
/** An idle poll moves the cursor at most this often. */
export const CURSOR_REFRESH_MS = 5 * 60_000;
/**
 * How long after a job's stamped finish the provider's list may still show it unfinished: a
 * floor raised from a cycle's latest instant stays this far below it. (No provider states a lag.)
 */
export const LIST_LAG_MS = 60_000;
/** A sweep cycle longer than this share of the look-back is warned about (once per cycle). */
export const SWEEP_WARN_SHARE = 0.25;
/** n8n before the poll budget existed gave a poll no limit; this is what the trigger allows itself then. */
const FALLBACK_BUDGET_MS = 5 * 60_000;

interface PollSettings {
	provider: ProviderId;
	operations: GenerationOperation[] | undefined;
	events: Set<TriggerEvent>;
	lookbackMs: number;
	maxPages: number;
}

function readSettings(context: IPollFunctions): PollSettings {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const operations = context.getNodeParameter('operations', []) as GenerationOperation[];
	const lookbackMinutes = Number(options.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES);
	const maxPages = Math.floor(Number(options.maxPages ?? DEFAULT_MAX_PAGES));
	return {
		provider: context.getNodeParameter('provider') as ProviderId,
		operations: operations.length > 0 ? operations : undefined,
		events: readEvents(context.getNodeParameter('events', [])),
		lookbackMs: (Number.isFinite(lookbackMinutes) && lookbackMinutes > 0 ? lookbackMinutes : DEFAULT_LOOKBACK_MINUTES) * 60_000,
		maxPages: Number.isFinite(maxPages) && maxPages >= 1 ? maxPages : DEFAULT_MAX_PAGES,
	};
}

/** When the job finished, as far as the provider says (its creation otherwise). */
export function finishedAt(job: Job): number {
	const finished = Date.parse(job.timings.completedAt ?? '');
	if (!Number.isNaN(finished)) return finished;
	const created = Date.parse(job.timings.createdAt ?? '');
	return Number.isNaN(created) ? 0 : created;
}

/** The provider's finish time of the job, where it gives one (WaveSpeed's list does not). */
function reportedFinish(job: Job): number | undefined {
	const finished = Date.parse(job.timings.completedAt ?? '');
	return Number.isNaN(finished) ? undefined : finished;
}

/** The latest instant the provider shows in these jobs: everything finished at or before it had finished when they were read. */
function latestInstant(jobs: readonly Job[]): number | undefined {
	let latest: number | undefined;
	for (const job of jobs) {
		for (const value of [job.timings.createdAt, job.timings.startedAt, job.timings.completedAt]) {
			const at = Date.parse(value ?? '');
			if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at;
		}
	}
	return latest;
}

/** Where the walk through the older pages stands. */
interface Sweep {
	resume: ListResume;
	/** When the cycle began (ms). */
	startedAt: number;
	/** Polls of this cycle so far. */
	polls: number;
	/** Started by the first poll after activation: what it finds without a finish time is recorded, not emitted. */
	baseline: boolean;
	/** The floor once this cycle is through: its first poll's latest instant less the list lag. */
	floorNext: number | null;
	warned: boolean;
}

function readSweep(value: unknown): Sweep | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const sweep = value as Partial<Sweep>;
	if (typeof sweep.resume !== 'object' || sweep.resume === null || typeof sweep.startedAt !== 'number') return undefined;
	return { resume: sweep.resume, startedAt: sweep.startedAt, polls: Number(sweep.polls) || 0, baseline: sweep.baseline === true, floorNext: typeof sweep.floorNext === 'number' ? sweep.floorNext : null, warned: sweep.warned === true };
}

/** How one poll's pages divide between the newest pages and a sweep under way. */
export function pageSplit(maxPages: number, sweeping: boolean): { head: number; sweep: number } {
	if (!sweeping) return { head: maxPages, sweep: 0 };
	const sweep = Math.max(1, Math.floor(maxPages / 2));
	return { head: maxPages - sweep, sweep };
}

function budgetOf(context: IPollFunctions): number {
	const budget = typeof context.getPollBudgetMs === 'function' ? Number(context.getPollBudgetMs()) : NaN;
	return Number.isFinite(budget) && budget > 0 ? budget : FALLBACK_BUDGET_MS;
}

export async function pollJobs(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(context);
	const output = readOutputOptions(context.getNodeParameter('options', {}) as IDataObject);
	const startedAt = Date.now();
	const budgetMs = budgetOf(context);
	// Requests stop at 80 % of the budget; no new download starts after half of it.
	const signal = AbortSignal.timeout(Math.max(1000, Math.floor(budgetMs * 0.8)));
	const downloadsUntil = startedAt + budgetMs / 2;

	if (context.getMode() === 'manual') return await latestFinishedJob(context, settings, output, signal);

	const state = context.getWorkflowStaticData('node');
	const previousCursor = typeof state[CURSOR_KEY] === 'number' ? (state[CURSOR_KEY] as number) : undefined;
	const since = new Date((previousCursor ?? startedAt) - settings.lookbackMs);

	try {
		const client = await connectProvider(context, settings.provider);
		const listOptions = { since, operations: settings.operations, signal };
		const sweep = readSweep(state[SWEEP_KEY]);
		const pages = pageSplit(settings.maxPages, sweep !== undefined);
		const listed: Job[] = [];
		const fromHead = new Set<string>();
		const fromSweep = new Set<string>();
		let nextSweep = sweep;
		// Set when this poll ends a cycle: every job in the look-back has been read since the cycle began.
		let cycleFloor: number | null = null;
		if (pages.head > 0) {
			const head = await client.list({ ...listOptions, maxPages: pages.head });
			for (const job of head.jobs) fromHead.add(job.jobId);
			listed.push(...head.jobs);
			const latest = latestInstant(head.jobs);
			const candidate = latest === undefined ? null : latest - LIST_LAG_MS;
			if (head.complete) {
				nextSweep = undefined;
				cycleFloor = candidate;
			} else if (!sweep && head.resume) {
				nextSweep = { resume: head.resume, startedAt, polls: 0, baseline: previousCursor === undefined, floorNext: candidate, warned: false };
			}
		}
		if (sweep && nextSweep) {
			const part = await client.list({ ...listOptions, maxPages: pages.sweep, resume: sweep.resume });
			for (const job of part.jobs) fromSweep.add(job.jobId);
			listed.push(...part.jobs);
			if (part.complete || !part.resume) {
				nextSweep = undefined;
				cycleFloor = sweep.floorNext;
			} else nextSweep = { ...sweep, resume: part.resume, polls: sweep.polls + 1 };
		}
		// WaveSpeed's list gives no finish time (docs/research/list-endpoints.md, section 2): no floor there.
		const finishTimes = settings.provider !== 'wavespeed';

		const handled = new SeenSet(state[HANDLED_KEY], MAX_HANDLED_JOBS);
		const storedFloor = typeof state[FLOOR_KEY] === 'number' ? (state[FLOOR_KEY] as number) : undefined;
		// The first poll's floor: what finished by the latest instant it was shown had finished before activation.
		let floor = storedFloor;
		if (previousCursor === undefined) floor = latestInstant(listed);
		else if (floor === undefined) floor = previousCursor - CURSOR_REFRESH_MS;
		const storedDropped = typeof state[DROPPED_KEY] === 'number' ? (state[DROPPED_KEY] as number) : undefined;
		const isNew = (job: Job) => {
			if (!isTerminal(job.status) || handled.has(job.jobId)) return false;
			if (finishTimes && floor !== undefined && finishedAt(job) <= floor) return false;
			// Dropped for the bound: handled, unless it finished after the latest one dropped.
			return storedDropped === undefined || finishedAt(job) > storedDropped;
		};
		const fresh = new Map<string, Job>();
		for (const job of listed) {
			if (isNew(job)) fresh.set(job.jobId, job);
		}
		const due = [...fresh.values()].sort((a, b) => finishedAt(a) - finishedAt(b));

		const items: INodeExecutionData[] = [];
		let leftOver = false;
		for (const job of due) {
			// Deep in the first cycle, a job the provider gives no finish time for may have finished before activation.
			// (One created after the first poll's latest instant cannot have.)
			const baselineRead =
				sweep?.baseline === true &&
				fromSweep.has(job.jobId) &&
				!fromHead.has(job.jobId) &&
				reportedFinish(job) === undefined &&
				(floor === undefined || finishedAt(job) <= floor);
			const wanted = previousCursor !== undefined && !baselineRead && settings.events.has(job.status as TriggerEvent);
			if (wanted) {
				if (items.length > 0 && Date.now() >= downloadsUntil) {
					leftOver = true;
					break;
				}
				items.push(await triggerItem(context, job, output, signal));
			}
			handled.add(job.jobId, finishedAt(job) || startedAt);
		}

		// Ids created before anything a later poll can list can never come back (finish ≥ creation).
		handled.pruneBefore(since.getTime() - settings.lookbackMs);
		// A cycle through: what finished by its first poll's latest instant (less the lag) has been read.
		if (finishTimes && cycleFloor !== null && !leftOver && (floor === undefined || cycleFloor > floor)) floor = cycleFloor;
		// Below the floor the set need not remember: the floor says it.
		if (finishTimes && floor !== undefined) handled.pruneBefore(floor + 1);
		if (handled.size >= MAX_HANDLED_JOBS) {
			context.logger.warn(
				`Kling Video Jobs Trigger remembers ${MAX_HANDLED_JOBS} finished jobs, its limit: more jobs finish within one pass through the look-back ` +
					`than it can tell apart, so some may be missed. Raise Max Pages per Poll (now ${settings.maxPages}), poll more often or shorten the look-back`,
				{ node: context.getNode().name },
			);
		}
		// Static data is written only when it changed: every write is a database update for n8n.
		if (handled.changed) state[HANDLED_KEY] = handled.toJSON();
		if (floor !== undefined && floor !== storedFloor) state[FLOOR_KEY] = floor;
		const dropped = Math.max(storedDropped ?? Number.NEGATIVE_INFINITY, handled.evictedUpTo ?? Number.NEGATIVE_INFINITY);
		if (Number.isFinite(dropped) && dropped !== storedDropped) state[DROPPED_KEY] = dropped;
		// A poll that left jobs for the next one keeps its sweep where it was, so none of them is passed.
		if (!(leftOver && sweep)) {
			if (nextSweep) {
				const tookMs = startedAt - nextSweep.startedAt;
				if (!nextSweep.warned && tookMs >= settings.lookbackMs * SWEEP_WARN_SHARE) {
					nextSweep.warned = true;
					context.logger.warn(
						`Kling Video Jobs Trigger: one pass through the jobs inside the look-back on ${settings.provider} has taken ${nextSweep.polls} polls ` +
							`(${Math.round(tookMs / 60_000)} min) and is not done; a job that runs longer than about ${Math.max(0, Math.round((settings.lookbackMs - 2 * tookMs) / 60_000))} min ` +
							`may leave the look-back before it is read. Raise Max Pages per Poll (now ${settings.maxPages}) or poll more often.`,
						{ node: context.getNode().name, workflowId: context.getWorkflow().id },
					);
				}
				state[SWEEP_KEY] = nextSweep;
			} else if (state[SWEEP_KEY] !== undefined) {
				delete state[SWEEP_KEY];
			}
		}
		// Held while jobs wait for the next poll, so its listing still reaches back to them. An idle
		// poll moves it only now and then: the look-back dwarfs a few minutes of staleness.
		const cursorDue = previousCursor === undefined || handled.changed || startedAt - previousCursor >= CURSOR_REFRESH_MS;
		if (!leftOver && cursorDue) state[CURSOR_KEY] = startedAt;
		return items.length > 0 ? [items] : null;
	} catch (error) {
		if (previousCursor === undefined) throw toTriggerError(context.getNode(), error);
		const workflow = context.getWorkflow();
		context.logger.error(
			`Kling Video Jobs Trigger could not poll ${settings.provider} in workflow "${workflow.id}": ${describeError(error)}; the next poll covers this one's window`,
			{ node: context.getNode().name, workflowId: workflow.id },
		);
		return null;
	}
}

/** Manual runs show the most recently finished job, so its fields can be mapped. Nothing is recorded. */
async function latestFinishedJob(
	context: IPollFunctions,
	settings: PollSettings,
	output: ReturnType<typeof readOutputOptions>,
	signal: AbortSignal,
): Promise<INodeExecutionData[][] | null> {
	try {
		const client = await connectProvider(context, settings.provider);
		const { jobs: listed } = await client.list({ operations: settings.operations, maxPages: 1, signal });
		const latest = listed
			.filter((job) => isTerminal(job.status) && settings.events.has(job.status as TriggerEvent))
			.sort((a, b) => finishedAt(b) - finishedAt(a))[0];
		if (!latest) return null;
		return [[await triggerItem(context, latest, output, signal)]];
	} catch (error) {
		throw toTriggerError(context.getNode(), error);
	}
}
