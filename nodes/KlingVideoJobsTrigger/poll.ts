/**
 * One poll of the Kling Video Jobs Trigger.
 *
 * State (the node's static data, persisted by n8n with the workflow):
 * - `cursor`: when a recent successful poll started (ms; an idle poll moves it only every few
 *   minutes, so it does not write static data each time). The next poll lists the jobs created
 *   since `cursor - lookback`: the look-back is the overlap window that catches a job created
 *   before the last poll but finished after it.
 * - `handledJobs`: the ids of finished jobs already seen (emitted, or filtered out), with their
 *   creation time. Every listed job that is finished and not in it is new; ids older than any
 *   job a later poll can list are pruned, and the set is bounded besides.
 *
 * The first poll after activation records what is already finished and emits nothing (as
 * n8n's own polling triggers start from "now"). An error before that first success is thrown, so
 * a wrong credential fails the activation; later errors are logged and the cursor stays put, so
 * the next poll covers the gap. A poll running out of its time budget emits what it has
 * prepared, leaves the rest for the next poll and holds the cursor so none of it is skipped.
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

export const CURSOR_KEY = 'cursor';
export const HANDLED_KEY = 'handledJobs';

/** Safety bound of the handled set; the time-based pruning normally keeps it far smaller. */
export const MAX_HANDLED_JOBS = 5000;
export const DEFAULT_LOOKBACK_MINUTES = 180;
export const DEFAULT_MAX_PAGES = 5;
/** An idle poll moves the cursor at most this often. */
export const CURSOR_REFRESH_MS = 5 * 60_000;
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

function createdAt(job: Job, fallback: number): number {
	const created = Date.parse(job.timings.createdAt ?? '');
	return Number.isNaN(created) ? fallback : created;
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
		const listed = await client.list({ since, operations: settings.operations, maxPages: settings.maxPages, signal });

		const handled = new SeenSet(state[HANDLED_KEY], MAX_HANDLED_JOBS);
		const fresh = new Map<string, Job>();
		for (const job of listed) {
			if (isTerminal(job.status) && !handled.has(job.jobId)) fresh.set(job.jobId, job);
		}
		const due = [...fresh.values()].sort((a, b) => finishedAt(a) - finishedAt(b));

		const items: INodeExecutionData[] = [];
		let leftOver = false;
		for (const job of due) {
			const wanted = previousCursor !== undefined && settings.events.has(job.status as TriggerEvent);
			if (wanted) {
				if (items.length > 0 && Date.now() >= downloadsUntil) {
					leftOver = true;
					break;
				}
				items.push(await triggerItem(context, job, output, signal));
			}
			handled.add(job.jobId, createdAt(job, startedAt));
		}

		// Ids created before anything a later poll can list can never come back.
		handled.pruneBefore(since.getTime() - settings.lookbackMs);
		if (handled.size >= MAX_HANDLED_JOBS) {
			context.logger.warn(
				`Kling Video Jobs Trigger remembers ${MAX_HANDLED_JOBS} finished jobs, its limit: shorten the look-back or poll more often`,
				{ node: context.getNode().name },
			);
		}
		// Static data is written only when it changed: every write is a database update for n8n.
		if (handled.changed) state[HANDLED_KEY] = handled.toJSON();
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
		const listed = await client.list({ operations: settings.operations, maxPages: 1, signal });
		const latest = listed
			.filter((job) => isTerminal(job.status) && settings.events.has(job.status as TriggerEvent))
			.sort((a, b) => finishedAt(b) - finishedAt(a))[0];
		if (!latest) return null;
		return [[await triggerItem(context, latest, output, signal)]];
	} catch (error) {
		throw toTriggerError(context.getNode(), error);
	}
}
