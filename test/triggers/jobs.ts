/** Jobs on the emulator, created through the package's own adapters (as the action node submits them). */
import { CREDENTIAL_TYPES, toProviderCredentials } from '../../nodes/shared/credentials';
import { HttpClient } from '../../nodes/shared/http';
import type { Job, ProviderId, VideoRequest } from '../../nodes/shared/job';
import { getProvider } from '../../nodes/shared/providers';
import type { ProviderClient } from '../../nodes/shared/providers/types';
import type { Emulator } from '../emulator';
import { emulatorCredentialData } from '../support/emulatorCredentials';

export function clientFor(provider: ProviderId, emulator: Emulator, http: HttpClient): ProviderClient {
	return getProvider(provider).connect(toProviderCredentials(provider, emulatorCredentialData(provider, emulator)), http);
}

/** A text-to-video request every provider accepts (a mode only where the provider takes it). */
export function textToVideo(provider: ProviderId, prompt: string): VideoRequest {
	return {
		operation: 'textToVideo',
		prompt,
		duration: 5,
		aspectRatio: '16:9',
		generateAudio: false,
		...(provider === 'kling' || provider === 'wavespeed' ? { mode: 'pro' as const } : {}),
	};
}

export async function submitJobs(
	client: ProviderClient,
	provider: ProviderId,
	count: number,
	webhookUrl?: string,
): Promise<Job[]> {
	const jobs: Job[] = [];
	for (let index = 0; index < count; index++) {
		// WaveSpeed reports no completion time, so its jobs are ordered by creation: keep the
		// creation instants distinct (two submits can land in the same millisecond on loopback).
		if (index > 0) await new Promise((resolve) => setTimeout(resolve, 3));
		jobs.push(await client.submit(textToVideo(provider, `job ${index}`), webhookUrl ? { webhookUrl } : {}));
	}
	return jobs;
}

export { CREDENTIAL_TYPES, HttpClient };
