/**
 * Fault injection: a list of armed faults, each scoped by provider, route and a count. The
 * server asks for a request fault before answering; the store asks for job faults at submit.
 */
import type { FaultKind, FaultSpec, ProviderName, RouteName } from './types';

/** Faults that change how one HTTP answer is made. */
const REQUEST_FAULTS: readonly FaultKind[] = ['429', '5xx', 'reset', 'truncate', 'ipWhitelist', 'rejectInput'];
/** Faults that mark the job a submit creates. */
export const JOB_FAULTS: readonly FaultKind[] = ['contentPolicy', 'stuck', 'duplicateWebhook', 'dropWebhook', 'expiredOutput'];

interface ArmedFault extends FaultSpec {
	remaining: number;
}

const FAULT_KINDS: readonly FaultKind[] = [...REQUEST_FAULTS, ...JOB_FAULTS];

/** Checks a fault given over HTTP or in process; throws with a message naming what is wrong. */
export function validateFault(input: unknown): FaultSpec {
	if (typeof input !== 'object' || input === null) throw new Error('fault must be an object');
	const fault = input as FaultSpec;
	if (!FAULT_KINDS.includes(fault.kind)) {
		throw new Error(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
	}
	if (JOB_FAULTS.includes(fault.kind) && fault.route !== undefined && fault.route !== 'submit') {
		throw new Error(`a ${fault.kind} fault marks the job a submit creates: its route can only be "submit"`);
	}
	if (fault.kind === 'ipWhitelist' && fault.provider !== undefined && fault.provider !== 'kling') {
		throw new Error('an ipWhitelist fault is Kling\'s code 1304: its provider can only be "kling"');
	}
	if (fault.status !== undefined && !Number.isInteger(fault.status)) throw new Error('fault.status must be an integer');
	if (fault.kind === 'rejectInput' && (typeof fault.field !== 'string' || !fault.field)) throw new Error('a rejectInput fault names the refused input: fault.field');
	if (fault.kind === '5xx' && fault.status !== undefined && (fault.status < 500 || fault.status > 599)) {
		throw new Error('fault.status of a 5xx fault must be 500..599');
	}
	return fault;
}

/** Where a fault applies when the test did not name a route. */
function defaultRoute(kind: FaultKind): RouteName | undefined {
	if (kind === 'truncate') return 'download';
	if (kind === 'rejectInput') return 'submit';
	if (JOB_FAULTS.includes(kind)) return 'submit';
	return undefined;
}

export class FaultBook {
	private armed: ArmedFault[] = [];

	add(spec: FaultSpec): void {
		const times = spec.times ?? 1;
		const remaining = times < 0 || !Number.isFinite(times) ? Number.POSITIVE_INFINITY : times;
		// Only Kling has an IP allow-list refusal: the fault never hits another provider.
		const provider = spec.kind === 'ipWhitelist' ? 'kling' : spec.provider;
		if (remaining > 0) {
			this.armed.push({ ...spec, ...(provider ? { provider } : {}), route: spec.route ?? defaultRoute(spec.kind), remaining });
		}
	}

	reset(): void {
		this.armed = [];
	}

	/** The first armed request fault for this provider and route, consumed. */
	takeRequestFault(provider: ProviderName | null, route: RouteName): FaultSpec | null {
		return this.take((f) => REQUEST_FAULTS.includes(f.kind), provider, route);
	}

	/** Every armed job fault for a submit to this provider, each consumed once. */
	takeJobFaults(provider: ProviderName): FaultSpec[] {
		const taken: FaultSpec[] = [];
		for (const kind of JOB_FAULTS) {
			const fault = this.take((f) => f.kind === kind, provider, 'submit');
			if (fault) taken.push(fault);
		}
		return taken;
	}

	pending(): FaultSpec[] {
		return this.armed.map(({ remaining, ...spec }) => ({ ...spec, times: remaining }));
	}

	private take(
		kindMatches: (fault: ArmedFault) => boolean,
		provider: ProviderName | null,
		route: RouteName,
	): FaultSpec | null {
		const index = this.armed.findIndex(
			(f) =>
				kindMatches(f) &&
				(f.provider === undefined || f.provider === provider) &&
				(f.route === undefined || f.route === route),
		);
		if (index < 0) return null;
		const fault = this.armed[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.armed.splice(index, 1);
		const { remaining: _remaining, ...spec } = fault;
		return spec;
	}
}
