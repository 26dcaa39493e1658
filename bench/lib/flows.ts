/**
 * What the emulator saw of each job: the requests that named it (submit, status reads,
 * downloads) and when, against the job's own lifecycle timestamps. "Noticed" is the first
 * status read (status, stream or result route, or a list call covering the job) that arrived
 * after the job finished: for a polling client the poll that saw it, for fal's status stream the
 * read that follows the COMPLETED event, for a status board the tick that listed it.
 *
 * A list call names no job: it is a status read of every job it covers, shared among them
 * (each gets 1/n of a call, so the shares of all jobs add up to the list calls). It covers the
 * jobs of its provider and scope (Kling: the kind in its path; fal: its endpoint ids; Replicate:
 * `created_after`) that were created before it and not yet noticed when it came.
 */
import type { EmulatedJob, EmulatorCounters, RequestRecord } from '../../test/emulator';

/** Instants may arrive as strings (counters read over HTTP). */
const ms = (at: Date | string) => new Date(at).getTime();

export const STATUS_ROUTES = new Set(['status', 'stream', 'result']);

export interface JobFlow {
	provider: string;
	jobId: string;
	createdAt: number;
	completedAt: number | null;
	/** Submits that created this job (a 429 names no job: count those per run). */
	submits: number;
	/** status + stream + result requests, plus this job's share of list calls. */
	statusReads: number;
	/** This job's share of list calls (also under `byRoute.list`). */
	listShare: number;
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
	const kept = jobs.filter(keep);
	const lists = counters.requests.filter((r) => r.route === 'list' && r.provider);
	const direct = kept.map((job) => ({ job, requests: byJob.get(`${job.provider}:${job.id}`) ?? [] }));
	const noticedAt = new Map(direct.map(({ job, requests }) => [job, noticedTime(job, requests, lists)]));
	const shares = listShares(kept, lists, noticedAt);
	return direct.map(({ job, requests }) => {
		const completedAt = job.completedAt ? ms(job.completedAt) : null;
		const byRoute: Record<string, number> = {};
		for (const request of requests) byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
		const listShare = shares.get(job) ?? 0;
		if (listShare > 0) byRoute.list = (byRoute.list ?? 0) + listShare;
		const noticed = noticedAt.get(job) ?? null;
		const firstDownload = completedAt === null ? undefined : requests.find((r) => r.route === 'download' && ms(r.at) >= completedAt);
		return {
			provider: job.provider,
			jobId: job.id,
			createdAt: ms(job.createdAt),
			completedAt,
			submits: byRoute.submit ?? 0,
			statusReads: requests.filter((r) => STATUS_ROUTES.has(r.route)).length + listShare,
			listShare,
			byRoute,
			downloads: byRoute.download ?? 0,
			noticedLagMs: completedAt === null || noticed === null ? null : noticed - completedAt,
			downloadLagMs: firstDownload && completedAt !== null ? ms(firstDownload.at) - completedAt : null,
		};
	});
}

/** The first status read of the job, or list call covering it, at or after it finished; null when none. */
function noticedTime(job: EmulatedJob, requests: readonly RequestRecord[], lists: readonly RequestRecord[]): number | null {
	if (!job.completedAt) return null;
	const completedAt = ms(job.completedAt);
	const times = [...requests.filter((r) => STATUS_ROUTES.has(r.route)), ...lists.filter((r) => listCovers(r, job))]
		.map((r) => ms(r.at))
		.filter((at) => at >= completedAt);
	return times.length ? Math.min(...times) : null;
}

/** Each list call split evenly among the jobs waiting under it (created before it, not yet noticed). */
function listShares(jobs: readonly EmulatedJob[], lists: readonly RequestRecord[], noticedAt: ReadonlyMap<EmulatedJob, number | null>): Map<EmulatedJob, number> {
	const shares = new Map<EmulatedJob, number>();
	for (const list of lists) {
		const at = ms(list.at);
		const covered = jobs.filter((job) => listCovers(list, job) && ms(job.createdAt) <= at && at <= (noticedAt.get(job) ?? Number.POSITIVE_INFINITY));
		for (const job of covered) shares.set(job, (shares.get(job) ?? 0) + 1 / covered.length);
	}
	return shares;
}

/** Whether a list call's scope takes in the job: same provider, and its kind, endpoint or time filter. */
function listCovers(list: RequestRecord, job: EmulatedJob): boolean {
	if (list.provider !== job.provider) return false;
	const url = new URL(list.path, 'http://emulator');
	if (job.provider === 'kling') return url.pathname.endsWith(`/${job.kind}`);
	if (job.provider === 'fal') return url.searchParams.getAll('endpoint_id').flatMap((v) => v.split(',')).includes(job.model);
	const after = Date.parse(url.searchParams.get('created_after') ?? '');
	return Number.isNaN(after) || ms(job.createdAt) >= after;
}
