/**
 * Which finished jobs a poll has not handled yet. Three records decide it (see poll.ts for the
 * static data): the handled set, the finish-time floor below which everything was there before
 * or has been read, and the latest time among the ids the set dropped for its bound.
 */
import type { IDataObject } from 'n8n-workflow';
import type { SeenSet } from '../shared/dedupe';
import { isTerminal, type Job, type ProviderId } from '../shared/job';
import { finishedAt, latestInstant, reportedFinish } from './jobTimes';
import type { PollListing, Sweep } from './sweep';

export const FLOOR_KEY = 'finishedFloor';
export const DROPPED_KEY = 'droppedUpTo';
/** An idle poll moves the cursor at most this often (a workflow activated by an older version gets its last poll less this as floor). */
export const CURSOR_REFRESH_MS = 5 * 60_000;

export interface Floors {
	/** WaveSpeed's list gives no finish time (docs/research/list-endpoints.md, section 2): no floor there. */
	finishTimes: boolean;
	floor: number | undefined;
	storedFloor: number | undefined;
	storedDropped: number | undefined;
}

const numberAt = (state: IDataObject, key: string) => (typeof state[key] === 'number' ? (state[key] as number) : undefined);

export function readFloors(state: IDataObject, provider: ProviderId, previousCursor: number | undefined, listed: readonly Job[]): Floors {
	const storedFloor = numberAt(state, FLOOR_KEY);
	// The first poll's floor: what finished by the latest instant it was shown had finished before activation.
	let floor = storedFloor;
	if (previousCursor === undefined) floor = latestInstant(listed);
	else if (floor === undefined) floor = previousCursor - CURSOR_REFRESH_MS;
	return { finishTimes: provider !== 'wavespeed', floor, storedFloor, storedDropped: numberAt(state, DROPPED_KEY) };
}

export function isNewJob(job: Job, handled: SeenSet, floors: Floors): boolean {
	if (!isTerminal(job.status) || handled.has(job.jobId)) return false;
	if (floors.finishTimes && floors.floor !== undefined && finishedAt(job) <= floors.floor) return false;
	// Dropped for the bound: handled, unless it finished after the latest one dropped.
	return floors.storedDropped === undefined || finishedAt(job) > floors.storedDropped;
}

/** The new jobs of a listing, once each, in the order they finished. */
export function dueJobs(listed: readonly Job[], handled: SeenSet, floors: Floors): Job[] {
	const fresh = new Map<string, Job>();
	for (const job of listed) if (isNewJob(job, handled, floors)) fresh.set(job.jobId, job);
	return [...fresh.values()].sort((a, b) => finishedAt(a) - finishedAt(b));
}

/**
 * Deep in the first cycle, a job the provider gives no finish time for may have finished before
 * activation: it is recorded, not emitted. (One created after the first poll's latest instant cannot have.)
 */
export function isBaselineRead(job: Job, sweep: Sweep | undefined, listing: PollListing, floor: number | undefined): boolean {
	return (
		sweep?.baseline === true &&
		listing.fromSweep.has(job.jobId) &&
		!listing.fromHead.has(job.jobId) &&
		reportedFinish(job) === undefined &&
		(floor === undefined || finishedAt(job) <= floor)
	);
}

/** The floor after this poll: raised when a cycle went through, and this poll left nothing for the next one. */
export function nextFloor(floors: Floors, cycleFloor: number | null, leftOver: boolean): number | undefined {
	const { floor } = floors;
	if (floors.finishTimes && cycleFloor !== null && !leftOver && (floor === undefined || cycleFloor > floor)) return cycleFloor;
	return floor;
}

/** Writes the floor and the dropped-ids watermark where they changed (every write is a database update for n8n). */
export function saveFloors(state: IDataObject, floors: Floors, floor: number | undefined, handled: SeenSet): void {
	if (floor !== undefined && floor !== floors.storedFloor) state[FLOOR_KEY] = floor;
	const dropped = Math.max(floors.storedDropped ?? Number.NEGATIVE_INFINITY, handled.evictedUpTo ?? Number.NEGATIVE_INFINITY);
	if (Number.isFinite(dropped) && dropped !== floors.storedDropped) state[DROPPED_KEY] = dropped;
}
