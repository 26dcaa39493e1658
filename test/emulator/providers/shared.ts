/**
 * Pieces every provider's submit uses: ids in the provider's format, the job faults armed for
 * the next job, and the concurrency limit.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EmulatorCore, ProviderModule, RequestContext } from '../context';
import type { EmulatedJob, ProviderName } from '../types';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ids shaped like the provider's own (Replicate base32, fal UUID, WaveSpeed hex, Kling digits). */
export function randomId(provider: ProviderName): string {
	switch (provider) {
		case 'replicate':
			return Array.from(randomBytes(26), (byte) => BASE32[byte % 32]).join('');
		case 'fal':
			return randomUUID();
		case 'wavespeed':
			return randomBytes(16).toString('hex');
		case 'kling':
			return `${randomInt(100000000, 999999999)}${randomInt(100000000, 999999999)}`;
	}
}

/** Consumes the job faults armed for this provider's next submit. */
export function jobFaults(core: EmulatorCore, provider: ProviderName): EmulatedJob['faults'] {
	const faults: EmulatedJob['faults'] = { contentPolicy: false, stuck: false, duplicateWebhook: false, dropWebhook: false, expiredOutput: null };
	for (const fault of core.faults.takeJobFaults(provider)) {
		if (fault.kind === 'expiredOutput') faults.expiredOutput = fault.status === 404 ? 404 : 410;
		else if (fault.kind === 'contentPolicy' || fault.kind === 'stuck' || fault.kind === 'duplicateWebhook' || fault.kind === 'dropWebhook') faults[fault.kind] = true;
	}
	return faults;
}

/**
 * The concurrency limit for providers that reject (Replicate, WaveSpeed, Kling): a submit over
 * the limit gets the provider's 429 with a Retry-After of one job's lifetime. Returns false
 * when it answered.
 */
export function submitGate(ctx: RequestContext, provider: ProviderModule): boolean {
	const { concurrencyLimit, queuedMs, runningMs } = ctx.core.config();
	if (concurrencyLimit === null || ctx.core.store.activeCount(provider.provider) < concurrencyLimit) return true;
	provider.errors.throttled(ctx, Math.max(1, Math.ceil((queuedMs + runningMs) / 1000)), 'concurrency');
	return false;
}
