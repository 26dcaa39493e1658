/** fal.ai's registry entry: the adapter and what the package's credential for it looks like. */
import type { ProviderEntry } from '../registryEntry';
import { falAdapter } from './adapter';

export const falProvider = {
	...falAdapter,
	credentialType: 'klingVideoFalApi',
	credentialLabel: 'fal.ai',
	secretFields: [{ name: 'apiKey', label: 'API Key' }],
	/** The credential's Base URL a root under which each fal host has a path prefix (`/fal-queue` = queue.fal.run, `/fal-api` = api.fal.ai, `/fal-rest` = rest.fal.ai). */
	emulatorBaseUrl: (origin) => origin,
} as const satisfies ProviderEntry;
