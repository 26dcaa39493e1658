/**
 * Jobs and their lifecycle: queued → running → succeeded | failed | canceled, on timers taken
 * from the config at submit. Every state change is an event: webhooks, `Prefer: wait` and the
 * fal status stream all listen here instead of polling.
 */
import { EventEmitter } from 'node:events';
import { TERMINAL_STATES, type EmulatedJob, type EmulatorConfig, type JobState, type ProviderName } from './types';

export interface JobChange {
	job: EmulatedJob;
	from: JobState | null;
	to: JobState;
}

export type NewJob = Pick<
	EmulatedJob,
	| 'provider'
	| 'id'
	| 'model'
	| 'operation'
	| 'kind'
	| 'input'
	| 'withAudio'
	| 'durationSeconds'
	| 'aspectRatio'
	| 'imageSize'
	| 'label'
	| 'webhookUrl'
	| 'webhookEvents'
	| 'externalTaskId'
	| 'faults'
	| 'quality'
> & {
	/** Input the provider accepts at submit but rejects once it runs (fal validates in the runner). */
	runtimeFailure?: EmulatedJob['failure'];
	/** Create voice: the voice id it produces (default `voice_<job id>`). */
	voiceId?: string;
};

/** How `JobStore.seed` places its copies. */
export interface SeedOptions {
	state: 'succeeded' | 'failed' | 'running';
	/** When the newest copy ended (ms since the epoch); a running one started then. */
	newestAt: number;
	/** Between the ends (starts) of consecutive copies. */
	spacingMs: number;
}

export const isTerminal = (state: JobState) => TERMINAL_STATES.includes(state);

const CHANGE = 'change';

export class JobStore {
	private readonly jobs = new Map<string, EmulatedJob>();
	private readonly timers = new Map<string, NodeJS.Timeout>();
	private readonly runtimeFailures = new Map<string, EmulatedJob['failure']>();
	private readonly voiceIds = new Map<string, string>();
	private readonly events = new EventEmitter();
	private seq = 0;

	/**
	 * @param config read at each submit, so `configure()` applies to the next job.
	 * @param outputUrl where a finished job's video is served.
	 * @param queuesForSlot providers that hold jobs queued past the limit instead of rejecting
	 *   the submit (fal "never rejects for concurrency").
	 */
	constructor(
		private readonly config: () => EmulatorConfig,
		private readonly outputUrl: (job: EmulatedJob) => string,
		private readonly queuesForSlot: readonly ProviderName[],
	) {
		this.events.setMaxListeners(0);
	}

	create(init: NewJob): EmulatedJob {
		const { runtimeFailure, voiceId, ...fields } = init;
		const job: EmulatedJob = {
			...fields,
			state: 'queued',
			seq: ++this.seq,
			createdAt: new Date(),
			startedAt: null,
			completedAt: null,
			failure: null,
			outputUrl: null,
			voiceId: null,
			logs: [],
		};
		this.jobs.set(key(job.provider, job.id), job);
		if (runtimeFailure) this.runtimeFailures.set(key(job.provider, job.id), runtimeFailure);
		if (voiceId !== undefined) this.voiceIds.set(key(job.provider, job.id), voiceId);
		this.emit(job, null);
		const { queuedMs } = this.config();
		this.schedule(job, queuedMs, () => this.tryStart(job));
		return job;
	}

	get(provider: ProviderName, id: string): EmulatedJob | undefined {
		return this.jobs.get(key(provider, id));
	}

	/** Newest first, as every provider lists. */
	list(provider?: ProviderName): EmulatedJob[] {
		return [...this.jobs.values()]
			.filter((job) => provider === undefined || job.provider === provider)
			.sort((a, b) => b.seq - a.seq);
	}

	/** Unfinished jobs of a provider, for the concurrency limit. */
	activeCount(provider: ProviderName): number {
		return this.list(provider).filter((job) => !isTerminal(job.state)).length;
	}

	/** How many jobs of the same provider wait ahead of this one (fal `queue_position`). */
	queuePosition(job: EmulatedJob): number {
		return this.list(job.provider).filter((other) => other.state === 'queued' && other.seq < job.seq).length;
	}

	cancel(job: EmulatedJob): boolean {
		if (isTerminal(job.state)) return false;
		this.clearTimer(job);
		this.transition(job, 'canceled');
		return true;
	}

	/** Ends a job now (a stuck one included), as a test asks. */
	finish(job: EmulatedJob, outcome: 'succeeded' | 'failed' = 'succeeded'): void {
		if (isTerminal(job.state)) return;
		this.clearTimer(job);
		if (job.state === 'queued') this.start(job, false);
		// Input the runner rejects fails as it starts, whatever the test asked for.
		if (isTerminal(job.state)) return;
		if (outcome === 'succeeded') this.succeed(job);
		else this.fail(job, { message: 'The job was failed by the test.', contentPolicy: job.faults.contentPolicy });
	}

	onChange(listener: (change: JobChange) => void): () => void {
		this.events.on(CHANGE, listener);
		return () => this.events.off(CHANGE, listener);
	}

	/**
	 * Resolves when the job changes state (or is already terminal) or after `timeoutMs`; never
	 * rejects. `signal` ends the wait early (the client went away).
	 */
	waitForChange(job: EmulatedJob, timeoutMs: number, signal?: AbortSignal, terminalOnly = false): Promise<void> {
		if (isTerminal(job.state)) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				off();
				signal?.removeEventListener('abort', done);
				resolve();
			};
			const timer = setTimeout(done, timeoutMs);
			const off = this.onChange((change) => {
				if (change.job === job && (!terminalOnly || isTerminal(change.to))) done();
			});
			signal?.addEventListener('abort', done);
		});
	}

	/**
	 * Test-only history for the list routes (the Jobs Trigger's scale bench): `ids.length` copies
	 * of `template`, each with its own id, ending `spacingMs` apart with the newest at `newestAt`
	 * (a running copy started then, and stays running until `finish`). They are created oldest
	 * first, so their `seq` follows their creation time as a provider's list order does; a
	 * template created before them is listed after them. No timers, events or webhooks.
	 */
	seed(template: EmulatedJob, ids: readonly string[], options: SeedOptions): EmulatedJob[] {
		const { queuedMs, runningMs } = this.config();
		const seeded: EmulatedJob[] = [];
		for (let index = ids.length - 1; index >= 0; index--) {
			const id = ids[index];
			const mark = options.newestAt - index * options.spacingMs;
			const running = options.state === 'running';
			const startedAt = new Date(running ? mark : mark - runningMs);
			const job: EmulatedJob = {
				...structuredClone(template),
				id,
				label: template.label.replace(template.id, id),
				state: options.state,
				seq: ++this.seq,
				createdAt: new Date(startedAt.getTime() - queuedMs),
				startedAt,
				completedAt: running ? null : new Date(mark),
				webhookUrl: null,
				webhookEvents: null,
				externalTaskId: null,
				failure: options.state === 'failed' ? { message: 'The job was failed by the test.', contentPolicy: false } : null,
				outputUrl: null,
				voiceId: null,
				logs: [{ message: 'Starting generation', at: startedAt }],
				faults: { contentPolicy: false, stuck: false, duplicateWebhook: false, dropWebhook: false, expiredOutput: null },
			};
			if (options.state === 'succeeded') {
				if (job.operation === 'createVoice') job.voiceId = `voice_${id}`;
				else job.outputUrl = this.outputUrl(job);
			}
			this.jobs.set(key(job.provider, id), job);
			seeded.push(job);
		}
		return seeded;
	}

	reset(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		this.jobs.clear();
		this.runtimeFailures.clear();
		this.voiceIds.clear();
	}

	private tryStart(job: EmulatedJob): void {
		const limit = this.config().concurrencyLimit;
		if (this.queuesForSlot.includes(job.provider) && limit !== null) {
			const running = this.list(job.provider).filter((other) => other.state === 'running').length;
			// Stays queued; `startWaiting` picks it up when a slot frees.
			if (running >= limit) return;
		}
		this.start(job, true);
	}

	private start(job: EmulatedJob, scheduleEnd: boolean): void {
		job.startedAt = new Date();
		job.logs.push({ message: 'Starting generation', at: job.startedAt });
		this.transition(job, 'running');
		const runtimeFailure = this.runtimeFailures.get(key(job.provider, job.id));
		if (runtimeFailure) {
			this.fail(job, runtimeFailure);
			return;
		}
		if (!scheduleEnd || job.faults.stuck) return;
		this.schedule(job, this.config().runningMs, () => {
			if (job.faults.contentPolicy) {
				this.fail(job, { message: 'The output was flagged by the content checker.', contentPolicy: true });
			} else {
				this.succeed(job);
			}
		});
	}

	private succeed(job: EmulatedJob): void {
		job.logs.push({ message: 'Generation finished', at: new Date() });
		if (job.operation === 'createVoice') job.voiceId = this.voiceIds.get(key(job.provider, job.id)) ?? `voice_${job.id}`;
		else job.outputUrl = this.outputUrl(job);
		this.transition(job, 'succeeded');
	}

	private fail(job: EmulatedJob, failure: NonNullable<EmulatedJob['failure']>): void {
		job.failure = failure;
		job.logs.push({ message: `Generation failed: ${failure.message}`, at: new Date() });
		this.transition(job, 'failed');
	}

	private transition(job: EmulatedJob, to: JobState): void {
		const from = job.state;
		job.state = to;
		if (isTerminal(to)) {
			job.completedAt = new Date();
			this.clearTimer(job);
		}
		this.emit(job, from);
		if (from === 'running' || isTerminal(to)) this.startWaiting(job.provider);
	}

	private startWaiting(provider: ProviderName): void {
		if (!this.queuesForSlot.includes(provider)) return;
		for (const waiting of this.list(provider).reverse()) {
			// Only jobs whose queued time has passed (no timer left) are waiting for a slot.
			if (waiting.state === 'queued' && !this.timers.has(key(provider, waiting.id))) this.tryStart(waiting);
		}
	}

	private emit(job: EmulatedJob, from: JobState | null): void {
		this.events.emit(CHANGE, { job, from, to: job.state } satisfies JobChange);
	}

	private schedule(job: EmulatedJob, ms: number, action: () => void): void {
		this.clearTimer(job);
		const timer = setTimeout(() => {
			this.timers.delete(key(job.provider, job.id));
			action();
		}, ms);
		timer.unref();
		this.timers.set(key(job.provider, job.id), timer);
	}

	private clearTimer(job: EmulatedJob): void {
		const timer = this.timers.get(key(job.provider, job.id));
		if (timer) clearTimeout(timer);
		this.timers.delete(key(job.provider, job.id));
	}
}

const key = (provider: ProviderName, id: string) => `${provider}:${id}`;
