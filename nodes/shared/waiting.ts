/**
 * How a node waits for a job in-process: long-poll where the provider can hold a request open
 * (fewest requests, completion noticed at once), otherwise status polls placed where completion
 * is likely. Jobs of one run that wait at the same time share list calls instead, through the
 * run's status board (statusBoard.ts). Bounded by a timeout; stops at once when the signal aborts.
 */
import { ProviderApiError } from './errors';
import { settle, sleep } from './http';
import { isTerminal, type Job } from './job';
import type { ProviderClient } from './providers/types';
import type { StatusBoard } from './statusBoard';
import { boardStep, type BoardWaitState } from './statusBoardStep';

export interface WaitOptions {
	timeoutMs: number;
	signal?: AbortSignal;
	/** Delay before the next status poll, given how long the job has run and how long such jobs take. */
	pollDelayMs?: (elapsedMs: number, expectedMs: number | null) => number;
	/** The longest single long-poll request, in seconds. */
	longPollSeconds?: number;
	/** Jobs of the same shape take about as long as each other; their history sets the poll schedule. */
	durations?: DurationModel;
	/** The run's status board: while other jobs of the run wait too, their states come from shared list calls. */
	board?: StatusBoard;
}

/** Near the expected end, polls this far apart (at most): completion is noticed within about 2 s. */
const NEAR_END_INTERVAL_MS = 1_500;
const MAX_INTERVAL_MS = 30_000;
const COLD_MAX_INTERVAL_MS = 15_000;

/**
 * With a history of such jobs: halve the distance to the expected end (a 60 s job: polls at 30,
 * 45, 52, 56, 58 s), poll every 1.5 s around it, then back off in proportion to the overrun, so
 * a 60 s job costs about seven status calls. Without a history: double the interval from 1 s up
 * to 15 s (1, 2, 4, 8, 16, 31, 46, 61 s), which catches quick jobs and costs eight calls on a
 * 60 s one; the job's time then becomes the history.
 */
export function pollDelayMs(elapsedMs: number, expectedMs: number | null): number {
	if (expectedMs === null) return Math.min(COLD_MAX_INTERVAL_MS, Math.max(1_000, elapsedMs));
	const nearEnd = Math.min(NEAR_END_INTERVAL_MS, Math.max(250, expectedMs / 4));
	const remaining = expectedMs - elapsedMs;
	if (remaining > 2 * nearEnd) return Math.min(MAX_INTERVAL_MS, Math.max(nearEnd, remaining / 2));
	const overrun = elapsedMs - expectedMs;
	if (overrun < expectedMs / 4) return nearEnd;
	return Math.min(MAX_INTERVAL_MS, Math.max(nearEnd, overrun / 4));
}

/**
 * How long jobs of one shape (provider, operation, clip length, audio) take, learned from the
 * jobs this process has seen (moving average).
 */
export class DurationModel {
	private readonly expected = new Map<string, number>();

	static keyOf(job: Pick<Job, 'provider' | 'operation' | 'durationSeconds' | 'hasAudio'>): string {
		return `${job.provider}:${job.operation}:${job.durationSeconds ?? 5}:${job.hasAudio ? 'audio' : 'silent'}`;
	}

	expectedMs(key: string): number | null {
		return this.expected.get(key) ?? null;
	}

	observe(key: string, tookMs: number): void {
		const previous = this.expected.get(key);
		this.expected.set(key, previous === undefined ? tookMs : Math.round(previous * 0.7 + tookMs * 0.3));
		// Shapes are few (4 providers × 4 operations × 2 lengths × 2); the bound only guards against misuse.
		if (this.expected.size > 256) this.expected.delete(this.expected.keys().next().value as string);
	}
}

/** Shared by every wait in this process, so a batch's later jobs poll on what the earlier ones showed. */
export const processDurations = new DurationModel();

export class WaitTimeoutError extends ProviderApiError {
	readonly lastJob: Job;

	constructor(job: Job, timeoutMs: number) {
		super({
			provider: job.provider,
			message: `Job ${job.jobId} on ${job.provider} was still ${job.status} after ${Math.round(timeoutMs / 1000)} s`,
			kind: 'timeout',
			jobRef: job.ref,
		});
		this.name = 'WaitTimeoutError';
		this.lastJob = job;
	}
}

/**
 * The next poll's offset from the submit, on the schedule `delayFor` lays out from the submit
 * rather than from the last answer: a slow answer delays one poll, not every later one. Points
 * already passed are skipped, never made up with polls in a row.
 */
export function nextPollOffsetMs(
	plannedMs: number,
	elapsedMs: number,
	expectedMs: number | null,
	delayFor: (elapsedMs: number, expectedMs: number | null) => number = pollDelayMs,
): number {
	let next = plannedMs;
	do next += Math.max(1, delayFor(next, expectedMs));
	while (next <= elapsedMs);
	return next;
}

/** Where one job's wait stands. */
interface WaitState extends BoardWaitState {
	/** What such jobs took when this one started: the lone schedule is laid out on it, as it always was. */
	readonly expectedAtStartMs: number | null;
	/** The lone schedule's last planned poll, as an offset from the start. */
	plannedMs: number;
}

/**
 * Waits until the job ends, the time is up (WaitTimeoutError) or the signal aborts. With a
 * status board (statusBoard.ts) the job is read by the board's shared list calls while other jobs
 * of the run wait with it; alone it keeps its own long-poll or poll schedule.
 */
export async function waitForCompletion(client: ProviderClient, submitted: Job, options: WaitOptions): Promise<Job> {
	const started = Date.now();
	const durations = options.durations ?? processDurations;
	const key = DurationModel.keyOf(submitted);
	const state: WaitState = {
		job: submitted,
		started,
		deadline: started + options.timeoutMs,
		key,
		expectedAtStartMs: durations.expectedMs(key),
		plannedMs: 0,
		shownAt: started,
		ownReads: 0,
	};
	const leave = options.board?.join(submitted);
	try {
		while (!isTerminal(state.job.status)) {
			if (state.deadline - Date.now() <= 0) throw new WaitTimeoutError(state.job, options.timeoutMs);
			if (options.board?.shared) await boardStep(client, options.board, state, durations, options.signal);
			else await loneStep(client, state, options);
		}
	} finally {
		leave?.();
	}
	if (state.job.status === 'succeeded') durations.observe(state.key, Date.now() - started);
	return state.job;
}

/** Today's way for a job that waits alone: one long-poll, or one poll on the schedule laid out from the start. */
async function loneStep(client: ProviderClient, state: WaitState, options: WaitOptions): Promise<void> {
	const remainingMs = state.deadline - Date.now();
	if (client.waitForChange) {
		const seconds = Math.max(1, Math.min(options.longPollSeconds ?? 55, Math.ceil(remainingMs / 1000)));
		state.job = await client.waitForChange(state.job.ref, seconds, options.signal);
		return;
	}
	const elapsedMs = Date.now() - state.started;
	state.plannedMs = nextPollOffsetMs(state.plannedMs, elapsedMs, state.expectedAtStartMs, options.pollDelayMs ?? pollDelayMs);
	const joined = await sleepUntilShared(Math.min(state.plannedMs - elapsedMs, remainingMs), options.signal, options.board);
	// Another job joined the board meanwhile: its next tick reads this one too, so this poll is saved.
	if (joined) return;
	state.job = await client.get(state.job.ref, options.signal);
}

/** Sleeps; true when the board started sharing first. The caller's abort still throws. */
async function sleepUntilShared(ms: number, signal: AbortSignal | undefined, board: StatusBoard | undefined): Promise<boolean> {
	if (!board) {
		await sleep(ms, signal);
		return false;
	}
	const sharing = board.sharingStarted;
	const slept = await settle(sleep(ms, signal ? AbortSignal.any([signal, sharing]) : sharing));
	if (slept.ok) return false;
	if (signal?.aborted || !sharing.aborted) throw slept.error;
	return true;
}
