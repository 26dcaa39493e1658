/**
 * Several providers do not echo the request back when a job is read again (WaveSpeed, fal's
 * status, Kling before success), so a finished job would lose its duration, audio flag and cost
 * estimate. The job as it was submitted still knows them; this carries them over.
 */
import type { Job } from './job';
import { estimateCostUsd } from './pricing';

type SubmittedDetails = Pick<Job, 'durationSeconds' | 'hasAudio' | 'operation'>;

export function withSubmittedDetails(job: Job, submitted: SubmittedDetails): Job {
	const durationSeconds = job.durationSeconds ?? submitted.durationSeconds;
	const hasAudio = job.hasAudio ?? submitted.hasAudio;
	const operation = job.operation ?? submitted.operation;
	const estimatedCostUsd =
		job.estimatedCostUsd ?? (job.status === 'succeeded' ? estimateCostUsd(job.provider, operation, durationSeconds, hasAudio) : null);
	return { ...job, durationSeconds, hasAudio, operation, estimatedCostUsd };
}
