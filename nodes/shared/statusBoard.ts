/**
 * A status board: the jobs of one Wait for Completion run that wait at the same time on one
 * client are read together, one list call per tick (issue 14), instead of one status call each.
 * The board belongs to the run that made it (created when the run starts, closed when it ends), so
 * nothing is shared between executions or credentials.
 *
 * It only answers "what does the list say about this job now"; each job's wait (waiting.ts)
 * decides what to make of the answer, and reads the job on its own when the list does not show it.
 * A board whose list keeps failing stops sharing, and the jobs go back to their own polls.
 */
import type { Job, JobRef } from './job';
import type { ProviderClient } from './providers/types';

/** List calls that fail in a row before the board gives up and every job polls on its own again. */
const MAX_FAILURES_IN_A_ROW = 2;
/** `since` this far before a job's creation as the provider stated it (rounding of its timestamps). */
const PROVIDER_CLOCK_MARGIN_MS = 1_000;
/** ... and this far before this machine's clock when the provider stated none (fal): clocks differ. */
const LOCAL_CLOCK_MARGIN_MS = 60_000;

interface Member {
	ref: JobRef;
	/** The earliest instant the job can be listed under, in the provider's clock where known. */
	sinceMs: number;
}

interface Look {
	jobId: string;
	atMs: number;
	answer: (job: Job | undefined) => void;
}

export class StatusBoard {
	private readonly members = new Map<string, Member>();
	private looks: Look[] = [];
	private timer: NodeJS.Timeout | undefined;
	private timerAtMs = Number.POSITIVE_INFINITY;
	private ticking = false;
	private failuresInARow = 0;
	private closed = false;
	private sharing = new AbortController();

	constructor(
		private readonly client: ProviderClient,
		private readonly signal?: AbortSignal,
	) {}

	/** How many jobs wait on the board. */
	get size(): number {
		return this.members.size;
	}

	/** Whether jobs are read together now: the provider lists for status, two or more jobs wait, and the list works. */
	get shared(): boolean {
		return !this.closed && this.client.listStatus !== undefined && this.members.size >= 2 && this.failuresInARow < MAX_FAILURES_IN_A_ROW;
	}

	/** Aborts when the board starts sharing, so a lone job's sleep ends and it joins the ticks. */
	get sharingStarted(): AbortSignal {
		return this.sharing.signal;
	}

	/** A job starts waiting; the returned function ends its membership. */
	join(job: Job): () => void {
		this.members.set(job.jobId, { ref: job.ref, sinceMs: sinceOf(job) });
		if (this.shared) {
			this.sharing.abort();
			this.sharing = new AbortController();
		}
		return () => this.members.delete(job.jobId);
	}

	/**
	 * What the next tick's list says of a job: the listed job, or undefined when the list did not
	 * show it (or failed). The tick comes at `atMs` or earlier, when another job wants it sooner.
	 */
	look(jobId: string, atMs: number, signal?: AbortSignal): Promise<Job | undefined> {
		return new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason);
			const onAbort = () => {
				this.looks = this.looks.filter((look) => look !== entry);
				reject(signal?.reason);
			};
			const entry: Look = {
				jobId,
				atMs,
				answer: (job) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(job);
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.looks.push(entry);
			this.schedule();
		});
	}

	/** The run is over: no more ticks; a job still looking hears "not shown" and goes on alone. */
	close(): void {
		this.closed = true;
		this.clearTimer();
		this.answerAll(this.takeLooks(), new Map());
	}

	private schedule(): void {
		if (this.ticking || this.closed || this.looks.length === 0) return;
		const atMs = Math.min(...this.looks.map((look) => look.atMs));
		if (this.timer && this.timerAtMs <= atMs) return;
		this.clearTimer();
		this.timerAtMs = atMs;
		this.timer = setTimeout(() => void this.tick(), Math.max(0, atMs - Date.now()));
	}

	private clearTimer(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.timerAtMs = Number.POSITIVE_INFINITY;
	}

	/** One list call for every member; every job looking now gets its answer from it. */
	private async tick(): Promise<void> {
		this.clearTimer();
		const looks = this.takeLooks();
		// Every job that wanted this tick stopped looking (its execution was cancelled): no call.
		if (looks.length === 0) return;
		this.ticking = true;
		try {
			this.answerAll(looks, await this.listMembers());
		} finally {
			this.ticking = false;
			this.schedule();
		}
	}

	/** The members' jobs as listed, by id; empty when the call failed (then each job reads itself in time). */
	private async listMembers(): Promise<Map<string, Job>> {
		const members = [...this.members.values()];
		if (!this.client.listStatus || members.length === 0) return new Map();
		try {
			const since = new Date(Math.min(...members.map((member) => member.sinceMs)));
			const jobs = await this.client.listStatus(members.map((member) => member.ref), { since, signal: this.signal });
			this.failuresInARow = 0;
			return new Map(jobs.map((job) => [job.jobId, job]));
		} catch {
			// The error itself is not lost: a job the lists do not show is read on its own, and that read reports it.
			this.failuresInARow++;
			return new Map();
		}
	}

	private takeLooks(): Look[] {
		const looks = this.looks;
		this.looks = [];
		return looks;
	}

	private answerAll(looks: readonly Look[], listed: ReadonlyMap<string, Job>): void {
		for (const look of looks) look.answer(listed.get(look.jobId));
	}
}

function sinceOf(job: Job): number {
	const stated = job.timings.createdAt ? Date.parse(job.timings.createdAt) : Number.NaN;
	return Number.isFinite(stated) ? stated - PROVIDER_CLOCK_MARGIN_MS : Date.now() - LOCAL_CLOCK_MARGIN_MS;
}
