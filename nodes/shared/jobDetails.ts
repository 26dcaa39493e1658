/**
 * Several providers do not echo the request back when a job is read again (WaveSpeed, fal's
 * status, Kling before success), so a finished job would lose its duration, audio flag and cost
 * estimate. The job as it was submitted still knows them; this carries them over.
 */
import type { Job, Mode } from './job';
import { estimateCostUsd } from './pricing';
import { tableOf } from './providers';
import { priceOf } from './spend/price';

/**
 * What the submitted job knew that a later read may not say again. It travels in Wait for
 * Webhook's callback URL, so its keys are a saved format: the mode is `quality`, as in `JobRef`.
 */
export type SubmittedDetails = Pick<Job, 'durationSeconds' | 'hasAudio' | 'operation' | 'model'> & { quality: Mode | null };

export const submittedDetailsOf = (job: Job): SubmittedDetails => ({
	durationSeconds: job.durationSeconds,
	hasAudio: job.hasAudio,
	operation: job.operation,
	model: job.model,
	quality: job.ref.quality ?? null,
});

export function withSubmittedDetails(job: Job, submitted: SubmittedDetails): Job {
	const durationSeconds = job.durationSeconds ?? submitted.durationSeconds;
	const hasAudio = job.hasAudio ?? submitted.hasAudio;
	const operation = job.operation ?? submitted.operation;
	const model = job.model ?? submitted.model;
	const mode = job.ref.quality ?? submitted.quality;
	const estimatedCostUsd =
		job.estimatedCostUsd ??
		(job.status === 'succeeded' ? estimateCostUsd(tableOf(job.provider), { model, operation, mode }, durationSeconds, hasAudio) : null);
	// Kling's units, like its cost, need the audio and mode the later read does not say.
	const estimatedUnits =
		job.estimatedUnits ?? (job.provider === 'kling' ? priceOf(tableOf(job.provider), { model, operation, mode, durationSeconds, hasAudio }).units : null);
	return { ...job, durationSeconds, hasAudio, operation, model, estimatedCostUsd, estimatedUnits, ref: { ...job.ref, model, quality: mode } };
}
