/** The instants the Jobs Trigger reads off a listed job. */
import type { Job } from '../shared/job';

/** When the job finished, as far as the provider says (its creation otherwise). */
export function finishedAt(job: Job): number {
	const finished = Date.parse(job.timings.completedAt ?? '');
	if (!Number.isNaN(finished)) return finished;
	const created = Date.parse(job.timings.createdAt ?? '');
	return Number.isNaN(created) ? 0 : created;
}

/** The provider's finish time of the job, where it gives one (WaveSpeed's list does not). */
export function reportedFinish(job: Job): number | undefined {
	const finished = Date.parse(job.timings.completedAt ?? '');
	return Number.isNaN(finished) ? undefined : finished;
}

/** The latest instant the provider shows in these jobs: everything finished at or before it had finished when they were read. */
export function latestInstant(jobs: readonly Job[]): number | undefined {
	let latest: number | undefined;
	for (const job of jobs) {
		for (const value of [job.timings.createdAt, job.timings.startedAt, job.timings.completedAt]) {
			const at = Date.parse(value ?? '');
			if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at;
		}
	}
	return latest;
}
