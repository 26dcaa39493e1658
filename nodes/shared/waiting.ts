/**
 * How a node waits for a job in-process: long-poll where the provider can hold a request open
 * (fewest requests, completion noticed at once), otherwise status polls on a schedule that
 * starts quick and backs off. Bounded by a timeout; stops at once when the signal aborts.
 */
import { ProviderApiError } from './errors';
import { sleep } from './http';
import { isTerminal, type Job } from './job';
import type { ProviderClient } from './providers/types';

export interface WaitOptions {
	timeoutMs: number;
	signal?: AbortSignal;
	/** Delay before the next status poll, given how long the job has run. */
	pollDelayMs?: (elapsedMs: number) => number;
	/** The longest single long-poll request, in seconds. */
	longPollSeconds?: number;
}

/**
 * Polls early to catch short or cached jobs, then backs off in proportion to the job's age,
 * so a 60 s job costs a handful of calls and a 10 min job does not cost hundreds.
 */
export function defaultPollDelayMs(elapsedMs: number): number {
	return Math.min(15_000, Math.max(1_000, Math.round(elapsedMs * 0.25)));
}

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

export async function waitForCompletion(client: ProviderClient, submitted: Job, options: WaitOptions): Promise<Job> {
	const started = Date.now();
	const deadline = started + options.timeoutMs;
	const pollDelay = options.pollDelayMs ?? defaultPollDelayMs;
	let job = submitted;
	while (!isTerminal(job.status)) {
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) throw new WaitTimeoutError(job, options.timeoutMs);
		if (client.waitForChange) {
			const seconds = Math.max(1, Math.min(options.longPollSeconds ?? 55, Math.ceil(remainingMs / 1000)));
			job = await client.waitForChange(job.ref, seconds, options.signal);
		} else {
			await sleep(Math.min(pollDelay(Date.now() - started), remainingMs), options.signal);
			job = await client.get(job.ref, options.signal);
		}
	}
	return job;
}
