/**
 * Which faults the soak injects, and when: before each batch, each planned job draws (seeded, so
 * a failing run can be repeated) whether it brings a fault, and which. Every kind the emulator has
 * takes part. Faults that would leave no job behind (a 5xx or reset on a billed submit) are as
 * real as the rest: the node must then report the job as failed with the reason.
 */
import type { Emulator, FaultKind, FaultSpec, ProviderName, RouteName } from '../emulator';

/** A seeded generator (mulberry32): the same SOAK_SEED gives the same faults. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface PlannedFault {
	/** For the report: what was meant ("429 storm on status", …). */
	label: string;
	spec: FaultSpec;
}

type FaultMaker = (provider: ProviderName, random: () => number) => PlannedFault;

const pick = <T>(random: () => number, options: readonly T[]): T => options[Math.floor(random() * options.length)];

/** Reads a job makes (fal long-polls the status stream before its status and result reads). */
const READ_ROUTES: Record<ProviderName, readonly RouteName[]> = {
	replicate: ['status'],
	fal: ['status', 'stream', 'result'],
	wavespeed: ['status'],
	kling: ['status'],
};

const request = (kind: FaultKind, route: RouteName, extra: Partial<FaultSpec> = {}) => ({ kind, route, ...extra });

/** The faults of the Wait for Completion part: request faults on every route a job uses, and job faults. */
export const COMPLETION_FAULTS: readonly FaultMaker[] = [
	(provider, random) => {
		const route = pick(random, ['submit', ...READ_ROUTES[provider]] as RouteName[]);
		return { label: `429 storm on ${route}`, spec: { provider, ...request('429', route, { times: 3, retryAfterSeconds: 1 }) } };
	},
	(provider, random) => {
		const route = pick(random, ['submit', ...READ_ROUTES[provider]] as RouteName[]);
		return { label: `5xx on ${route}`, spec: { provider, ...request('5xx', route, { status: pick(random, [500, 502, 503, 504]) }) } };
	},
	(provider, random) => {
		const route = pick(random, ['submit', ...READ_ROUTES[provider]] as RouteName[]);
		return { label: `reset on ${route}`, spec: { provider, ...request('reset', route) } };
	},
	(provider) => ({ label: 'truncated download', spec: { provider, ...request('truncate', 'download') } }),
	// Kling deduplicates submits: a cut submit answer is the case its external_task_id is for.
	(provider) =>
		provider === 'kling'
			? { label: 'truncated submit answer', spec: { provider, ...request('truncate', 'submit') } }
			: { label: 'truncated download', spec: { provider, ...request('truncate', 'download') } },
	(provider) => ({ label: 'content policy', spec: { provider, kind: 'contentPolicy' } }),
	(provider) => ({ label: 'stuck job (hits the timeout)', spec: { provider, kind: 'stuck' } }),
	(provider) => ({ label: 'expired output', spec: { provider, kind: 'expiredOutput', status: 410 } }),
];

/** The faults of the trigger part: providers delivering twice, and failed jobs (emitted too). */
export const TRIGGER_FAULTS: readonly FaultMaker[] = [
	(provider) => ({ label: 'duplicate webhook', spec: { provider, kind: 'duplicateWebhook' } }),
	(provider) => ({ label: 'duplicate webhook', spec: { provider, kind: 'duplicateWebhook' } }),
	(provider) => ({ label: 'content policy', spec: { provider, kind: 'contentPolicy' } }),
	(provider) => ({ label: 'expired output', spec: { provider, kind: 'expiredOutput', status: 410 } }),
];

/** The faults for a batch of `size` jobs: each job brings one with probability `rate`. */
export function faultsFor(provider: ProviderName, size: number, rate: number, makers: readonly FaultMaker[], random: () => number): PlannedFault[] {
	const faults: PlannedFault[] = [];
	for (let index = 0; index < size; index++) {
		if (random() < rate) faults.push(pick(random, makers)(provider, random));
	}
	return faults;
}

/** Faults that mark the job the next submit creates. */
const JOB_FAULT_KINDS: readonly FaultKind[] = ['contentPolicy', 'stuck', 'duplicateWebhook', 'expiredOutput'];
export const isJobFault = (fault: PlannedFault) => JOB_FAULT_KINDS.includes(fault.spec.kind);

/**
 * Arms job faults one at a time per provider. The emulator gives the next submit every job fault
 * armed for its provider, so two armed together would land on one job (a content-policy failure
 * whose output is also expired); one at a time, each marks a job of its own.
 */
export class JobFaultFeeder {
	private readonly queues = new Map<ProviderName, FaultSpec[]>();
	private stopped = false;
	private readonly loops: Promise<void>[] = [];

	constructor(private readonly emulator: Emulator) {}

	add(fault: PlannedFault): void {
		const provider = fault.spec.provider as ProviderName;
		if (!this.queues.has(provider)) {
			this.queues.set(provider, []);
			this.loops.push(this.feed(provider));
		}
		this.queues.get(provider)!.push(fault.spec);
	}

	/** Stops arming; returns the faults still queued, never armed (reported as not reached). */
	async stop(): Promise<FaultSpec[]> {
		this.stopped = true;
		await Promise.all(this.loops);
		return [...this.queues.values()].flat();
	}

	private async feed(provider: ProviderName): Promise<void> {
		const queue = this.queues.get(provider)!;
		while (!this.stopped) {
			const armed = this.emulator.pendingFaults().some((fault) => fault.provider === provider && JOB_FAULT_KINDS.includes(fault.kind));
			if (!armed && queue.length) this.emulator.injectFault(queue.shift()!);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}
}
