/**
 * One job's wait while it is on its run's status board (statusBoard.ts): it looks at the board's
 * next tick when the shared schedule (statusBoardPolicy.ts) says, takes what the list shows, and
 * reads itself only when the list leaves it out too long or lacks its output.
 */
import type { Job } from './job';
import type { ProviderClient } from './providers/types';
import type { StatusBoard } from './statusBoard';
import { absenceLimitMs, boardDelayMs } from './statusBoardPolicy';
import type { DurationModel } from './waiting';

/** What the board step reads and moves on of a job's wait. */
export interface BoardWaitState {
	job: Job;
	readonly started: number;
	readonly deadline: number;
	/** The job's shape in the duration model. */
	readonly key: string;
	/** When a list (or a read of its own) last showed the job. */
	shownAt: number;
	/** Reads of its own while the lists did not show it. */
	ownReads: number;
}

/**
 * One look at the board's next tick, at the time the shared schedule gives this job. A job the
 * lists leave out for too long (fal lists finished requests only; a list may lag or be cut by
 * paging) is read on its own, so it is noticed all the same.
 */
export async function boardStep(client: ProviderClient, board: StatusBoard, state: BoardWaitState, durations: DurationModel, signal?: AbortSignal): Promise<void> {
	const now = Date.now();
	const expectedMs = durations.expectedMs(state.key);
	const atMs = Math.min(state.deadline, now + boardDelayMs(now - state.started, expectedMs, board.size));
	const listed = await board.look(state.job.jobId, atMs, signal);
	if (listed) {
		state.shownAt = Date.now();
		state.job = await adoptListed(client, state.job, listed, signal);
		return;
	}
	if (Date.now() - state.shownAt < absenceLimitMs(expectedMs, state.ownReads)) return;
	state.ownReads++;
	state.shownAt = Date.now();
	state.job = await client.get(state.job.ref, signal);
}

/**
 * The job as a list showed it. Its state is taken as listed; its output only from a succeeded
 * item that carries it, else the job is read on its own (never a result the list did not give).
 * The ref stays the one the submit returned (the provider's own URLs for this job).
 */
async function adoptListed(client: ProviderClient, waiting: Job, listed: Job, signal?: AbortSignal): Promise<Job> {
	if (listed.jobId !== waiting.jobId || listed.provider !== waiting.provider) return waiting;
	if (listed.status === 'succeeded' && !hasOutput(listed, waiting)) return await client.get(waiting.ref, signal);
	return { ...listed, ref: { ...listed.ref, ...waiting.ref, operation: waiting.ref.operation ?? listed.ref.operation } };
}

function hasOutput(listed: Job, waiting: Job): boolean {
	const operation = listed.operation ?? waiting.operation;
	return operation === 'createVoice' ? listed.voiceId !== null : listed.videoUrl !== null;
}
