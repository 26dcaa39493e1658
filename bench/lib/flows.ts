/**
 * What the emulator saw of each job: the requests that named it (submit, status reads,
 * downloads) and when, against the job's own lifecycle timestamps. "Noticed" is the first
 * status read (status, stream or result route) that arrived after the job finished: for a
 * polling client the poll that saw it, for fal's status stream the read that follows the
 * COMPLETED event.
 */
import type { EmulatedJob, EmulatorCounters, RequestRecord } from '../../test/emulator';

export const STATUS_ROUTES = new Set(['status', 'stream', 'result']);

export interface JobFlow {
	provider: string;
	jobId: string;
	createdAt: number;
	completedAt: number | null;
	/** Submits that created this job (a 429 names no job: count those per run). */
	submits: number;
	/** status + stream + result requests. */
	statusReads: number;
	byRoute: Record<string, number>;
	downloads: number;
	/** ms from completion to the first status read after it; null when none came (webhook modes). */
	noticedLagMs: number | null;
	/** ms from completion to the first download request. */
	downloadLagMs: number | null;
}

export function jobFlows(jobs: readonly EmulatedJob[], counters: EmulatorCounters, keep: (job: EmulatedJob) => boolean = () => true): JobFlow[] {
	const byJob = new Map<string, RequestRecord[]>();
	for (const request of counters.requests) {
		if (!request.jobId || !request.provider) continue;
		const key = `${request.provider}:${request.jobId}`;
		byJob.set(key, [...(byJob.get(key) ?? []), request]);
	}
	return jobs.filter(keep).map((job) => {
		const requests = byJob.get(`${job.provider}:${job.id}`) ?? [];
		const completedAt = job.completedAt ? new Date(job.completedAt).getTime() : null;
		const byRoute: Record<string, number> = {};
		for (const request of requests) byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
		const firstAfter = (routes: (route: string) => boolean) => {
			if (completedAt === null) return null;
			const hit = requests.find((r) => routes(r.route) && new Date(r.at).getTime() >= completedAt);
			return hit ? new Date(hit.at).getTime() - completedAt : null;
		};
		return {
			provider: job.provider,
			jobId: job.id,
			createdAt: new Date(job.createdAt).getTime(),
			completedAt,
			submits: byRoute.submit ?? 0,
			statusReads: requests.filter((r) => STATUS_ROUTES.has(r.route)).length,
			byRoute,
			downloads: byRoute.download ?? 0,
			noticedLagMs: firstAfter((route) => STATUS_ROUTES.has(route)),
			downloadLagMs: firstAfter((route) => route === 'download'),
		};
	});
}
