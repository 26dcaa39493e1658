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
import { isTerminal, type GenerationOperation, type Job, type ProviderId } from '../shared/job';
import {
	describeError,
	readEvents,
	readOutputOptions,
	toTriggerError,
	triggerItem,
	type TriggerEvent,
} from '../shared/triggerCommon';
import { finishedAt } from './jobTimes';
import { CURSOR_REFRESH_MS, dueJobs, isBaselineRead, nextFloor, readFloors, saveFloors, type Floors } from './novelty';
import { listForPoll, readSweep, warnIfLong, type PollListing, type Sweep } from './sweep';

export const CURSOR_KEY = 'cursor';
export const HANDLED_KEY = 'handledJobs';
export const SWEEP_KEY = 'sweep';

/** Safety bound of the handled set; the time-based pruning normally keeps it far smaller. */
export const MAX_HANDLED_JOBS = 5000;
export const DEFAULT_LOOKBACK_MINUTES = 180;
export const DEFAULT_MAX_PAGES = 5;
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

function budgetOf(context: IPollFunctions): number {
	const budget = typeof context.getPollBudgetMs === 'function' ? Number(context.getPollBudgetMs()) : NaN;
	return Number.isFinite(budget) && budget > 0 ? budget : FALLBACK_BUDGET_MS;
}

/** One poll's frame: its settings, its clock and limits, and the state it starts from. */
interface Poll {
	context: IPollFunctions;
	settings: PollSettings;
	output: ReturnType<typeof readOutputOptions>;
	startedAt: number;
	signal: AbortSignal;
	/** No new download starts after this instant. */
	downloadsUntil: number;
	state: IDataObject;
	previousCursor: number | undefined;
	since: Date;
}

export async function pollJobs(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(context);
	const output = readOutputOptions(context.getNodeParameter('options', {}) as IDataObject);
	const startedAt = Date.now();
	const budgetMs = budgetOf(context);
	// Requests stop at 80 % of the budget; no new download starts after half of it.
	const signal = AbortSignal.timeout(Math.max(1000, Math.floor(budgetMs * 0.8)));

	if (context.getMode() === 'manual') return await latestFinishedJob(context, settings, output, signal);

	const state = context.getWorkflowStaticData('node');
	const previousCursor = typeof state[CURSOR_KEY] === 'number' ? (state[CURSOR_KEY] as number) : undefined;
	const since = new Date((previousCursor ?? startedAt) - settings.lookbackMs);
	const poll: Poll = { context, settings, output, startedAt, signal, downloadsUntil: startedAt + budgetMs / 2, state, previousCursor, since };

	try {
		const client = await connectProvider(context, settings.provider);
		const sweep = readSweep(state[SWEEP_KEY]);
		const listing = await listForPoll(client, {
			options: { since, operations: settings.operations, signal },
			maxPages: settings.maxPages,
			sweep,
			startedAt,
			firstPoll: previousCursor === undefined,
		});
		const handled = new SeenSet(state[HANDLED_KEY], MAX_HANDLED_JOBS);
		const floors = readFloors(state, settings.provider, previousCursor, listing.listed);
		const { items, leftOver } = await emitDue(poll, dueJobs(listing.listed, handled, floors), handled, (job) => isBaselineRead(job, sweep, listing, floors.floor));
		record(poll, { handled, floors, listing, sweep, leftOver });
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

/**
 * The due jobs as items, in the order they finished, each recorded as handled. The first poll
 * and a baseline read only record. Past the download deadline the rest waits for the next poll.
 */
async function emitDue(poll: Poll, due: readonly Job[], handled: SeenSet, baselineRead: (job: Job) => boolean) {
	const { context, settings, output, signal, startedAt } = poll;
	const items: INodeExecutionData[] = [];
	for (const job of due) {
		const wanted = poll.previousCursor !== undefined && !baselineRead(job) && settings.events.has(job.status as TriggerEvent);
		if (wanted) {
			if (items.length > 0 && Date.now() >= poll.downloadsUntil) return { items, leftOver: true };
			items.push(await triggerItem(context, job, output, signal));
		}
		handled.add(job.jobId, finishedAt(job) || startedAt);
	}
	return { items, leftOver: false };
}

/** What the poll leaves in static data for the next one: the handled set, the floors, the walk and the cursor. */
function record(poll: Poll, outcome: { handled: SeenSet; floors: Floors; listing: PollListing; sweep: Sweep | undefined; leftOver: boolean }): void {
	const { context, settings, state, startedAt, previousCursor } = poll;
	const { handled, floors, listing, sweep, leftOver } = outcome;
	// Ids created before anything a later poll can list can never come back (finish ≥ creation).
	handled.pruneBefore(poll.since.getTime() - settings.lookbackMs);
	// A cycle through: what finished by its first poll's latest instant (less the lag) has been read.
	const floor = nextFloor(floors, listing.cycleFloor, leftOver);
	// Below the floor the set need not remember: the floor says it.
	if (floors.finishTimes && floor !== undefined) handled.pruneBefore(floor + 1);
	if (handled.size >= MAX_HANDLED_JOBS) {
		context.logger.warn(
			`Kling Video Jobs Trigger remembers ${MAX_HANDLED_JOBS} finished jobs, its limit: more jobs finish within one pass through the look-back ` +
				`than it can tell apart, so some may be missed. Raise Max Pages per Poll (now ${settings.maxPages}), poll more often or shorten the look-back`,
			{ node: context.getNode().name },
		);
	}
	// Static data is written only when it changed: every write is a database update for n8n.
	if (handled.changed) state[HANDLED_KEY] = handled.toJSON();
	saveFloors(state, floors, floor, handled);
	// A poll that left jobs for the next one keeps its sweep where it was, so none of them is passed.
	if (!(leftOver && sweep)) {
		if (listing.nextSweep) {
			warnIfLong(context, listing.nextSweep, startedAt, settings);
			state[SWEEP_KEY] = listing.nextSweep;
		} else if (state[SWEEP_KEY] !== undefined) {
			delete state[SWEEP_KEY];
		}
	}
	// Held while jobs wait for the next poll, so its listing still reaches back to them. An idle
	// poll moves it only now and then: the look-back dwarfs a few minutes of staleness.
	const cursorDue = previousCursor === undefined || handled.changed || startedAt - previousCursor >= CURSOR_REFRESH_MS;
	if (!leftOver && cursorDue) state[CURSOR_KEY] = startedAt;
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
