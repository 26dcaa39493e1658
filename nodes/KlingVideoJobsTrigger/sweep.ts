/**
 * The Jobs Trigger's walk through the look-back when it holds more jobs than one poll's pages:
 * where the walk stands (the provider's own continuation), how a poll splits its pages between
 * the newest jobs and the walk, and what one poll reads.
 */
import type { IPollFunctions } from 'n8n-workflow';
import type { Job } from '../shared/job';
import type { ListOptions, ListResume, ProviderClient } from '../shared/providers/types';
import { latestInstant } from './jobTimes';

/**
 * How long after a job's stamped finish the provider's list may still show it unfinished: a
 * floor raised from a cycle's latest instant stays this far below it. (No provider states a lag.)
 */
export const LIST_LAG_MS = 60_000;
/** A sweep cycle longer than this share of the look-back is warned about (once per cycle). */
export const SWEEP_WARN_SHARE = 0.25;

/** Where the walk through the older pages stands. */
export interface Sweep {
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

export function readSweep(value: unknown): Sweep | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const sweep = value as Partial<Sweep>;
	if (typeof sweep.resume !== 'object' || sweep.resume === null || typeof sweep.startedAt !== 'number') return undefined;
	return {
		resume: sweep.resume,
		startedAt: sweep.startedAt,
		polls: Number(sweep.polls) || 0,
		baseline: sweep.baseline === true,
		floorNext: typeof sweep.floorNext === 'number' ? sweep.floorNext : null,
		warned: sweep.warned === true,
	};
}

/** How one poll's pages divide between the newest pages and a sweep under way. */
export function pageSplit(maxPages: number, sweeping: boolean): { head: number; sweep: number } {
	if (!sweeping) return { head: maxPages, sweep: 0 };
	const sweep = Math.max(1, Math.floor(maxPages / 2));
	return { head: maxPages - sweep, sweep };
}

/** What one poll read: the jobs, which part of the list each came from, and where the walk goes on. */
export interface PollListing {
	listed: Job[];
	fromHead: Set<string>;
	fromSweep: Set<string>;
	/** The walk after this poll; undefined once it reached the start of the look-back (or none was needed). */
	nextSweep: Sweep | undefined;
	/** Set when this poll ends a cycle: every job in the look-back has been read since the cycle began. */
	cycleFloor: number | null;
}

export interface ListingRequest {
	options: Pick<ListOptions, 'since' | 'operations' | 'signal'>;
	maxPages: number;
	sweep: Sweep | undefined;
	startedAt: number;
	firstPoll: boolean;
}

/** The newest pages, then the walk's next pages, within Max Pages per Poll in all. */
export async function listForPoll(client: ProviderClient, request: ListingRequest): Promise<PollListing> {
	const { options, sweep, startedAt } = request;
	const pages = pageSplit(request.maxPages, sweep !== undefined);
	const listing: PollListing = { listed: [], fromHead: new Set(), fromSweep: new Set(), nextSweep: sweep, cycleFloor: null };
	if (pages.head > 0) {
		const head = await client.list({ ...options, maxPages: pages.head });
		for (const job of head.jobs) listing.fromHead.add(job.jobId);
		listing.listed.push(...head.jobs);
		const latest = latestInstant(head.jobs);
		const candidate = latest === undefined ? null : latest - LIST_LAG_MS;
		if (head.complete) {
			listing.nextSweep = undefined;
			listing.cycleFloor = candidate;
		} else if (!sweep && head.resume) {
			listing.nextSweep = { resume: head.resume, startedAt, polls: 0, baseline: request.firstPoll, floorNext: candidate, warned: false };
		}
	}
	if (sweep && listing.nextSweep) {
		const part = await client.list({ ...options, maxPages: pages.sweep, resume: sweep.resume });
		for (const job of part.jobs) listing.fromSweep.add(job.jobId);
		listing.listed.push(...part.jobs);
		if (part.complete || !part.resume) {
			listing.nextSweep = undefined;
			listing.cycleFloor = sweep.floorNext;
		} else listing.nextSweep = { ...sweep, resume: part.resume, polls: sweep.polls + 1 };
	}
	return listing;
}

/** Once per cycle: a walk so long that a job could leave the look-back before it is read. */
export function warnIfLong(context: IPollFunctions, sweep: Sweep, now: number, settings: { provider: string; lookbackMs: number; maxPages: number }): void {
	const tookMs = now - sweep.startedAt;
	if (sweep.warned || tookMs < settings.lookbackMs * SWEEP_WARN_SHARE) return;
	sweep.warned = true;
	const safeMinutes = Math.max(0, Math.round((settings.lookbackMs - 2 * tookMs) / 60_000));
	context.logger.warn(
		`Kling Video Jobs Trigger: one pass through the jobs inside the look-back on ${settings.provider} has taken ${sweep.polls} polls ` +
			`(${Math.round(tookMs / 60_000)} min) and is not done; a job that runs longer than about ${safeMinutes} min ` +
			`may leave the look-back before it is read. Raise Max Pages per Poll (now ${settings.maxPages}) or poll more often.`,
		{ node: context.getNode().name, workflowId: context.getWorkflow().id },
	);
}
